// Value settings that cannot mean anything: two defaults on one axis, and a
// `without` that names no axis, or its own.
import { error, type Problem } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { Rule } from '../rules.ts';
import { at, axisNames } from './check-selector.ts';

export const axisValues: Rule = (m) =>
  m.axes.flatMap((axis) => {
    const problems: Problem[] = [];
    const defaults = axis.values.filter((v) => v.isDefault);
    for (const extra of defaults.slice(1)) {
      problems.push(error('two-defaults', `The axis "${axis.name}" has two default values, "${defaults[0]!.name}" and "${extra.name}"; an optional segment ({-${axis.name}}) can leave out only one.`, {
        ...at(extra.origin, '/default'),
        hint: `Keep \`default: true\` on one value of ${axis.name}.`,
      }));
    }
    for (const value of axis.values) {
      value.without.forEach((name, i) => {
        const where = at(value.origin, `/without/${i}`);
        if (name === axis.name) problems.push(error('bad-without', `The ${axis.name} value "${value.name}" lists its own axis in \`without\`.`, { ...where, hint: 'List the other axes that do not apply to this value (e.g. a cpu device: `without: [cuda]`).' }));
        else if (!m.axes.some((a) => a.name === name)) problems.push(error('unknown-axis', `The \`without\` of ${axis.name} "${value.name}" names the axis "${name}", which is not defined.${didYouMean(name, axisNames(m))}`, { ...where, hint: `Defined axes: ${axisNames(m).join(', ')}.` }));
      });
    }
    return problems;
  });
