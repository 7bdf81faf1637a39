// Tables: indexed by axes that exist, keyed by their values ("-" only where
// the axis can be missing), and not indexed twice by one axis.
import { error, type Problem } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import { ABSENT_KEY } from '../../template/index.ts';
import type { Rule } from '../rules.ts';
import { at, axisNames } from './check-selector.ts';

export const tables: Rule = (m) => {
  const optional = new Set(m.axes.flatMap((a) => a.values.flatMap((v) => v.without)));
  return m.tables.flatMap((table) => {
    const problems: Problem[] = [];
    const unknown = new Set<string>();
    table.by.forEach((axis, i) => {
      if (m.axes.some((a) => a.name === axis)) return;
      unknown.add(axis);
      problems.push(error('unknown-axis', `Table "${table.name}" is indexed by the axis "${axis}", which is not defined.${didYouMean(axis, axisNames(m))}`, { ...at(table.origin, `/by/${i}`), hint: `Defined axes: ${axisNames(m).join(', ')}.` }));
    });
    if (unknown.size) return problems;
    const reported = new Set<string>();
    for (const entry of table.entries.values()) {
      const path: string[] = [];
      for (const axis of table.by) {
        const value = entry.values[axis]!;
        path.push(value);
        const key = path.join('\0');
        if (reported.has(key)) break;
        const where = at({ file: entry.origin.file, pointer: `${table.origin.pointer}/entries/${path.map(escapePointer).join('/')}` }, '', true);
        const names = m.axes.find((a) => a.name === axis)!.values.map((v) => v.name);
        if (value === ABSENT_KEY) {
          if (optional.has(axis)) continue;
          reported.add(key);
          problems.push(error('unknown-value', `Table "${table.name}" has an entry "-" for ${axis}, but ${axis} applies to every combination (no value's \`without\` names it).`, { ...where, hint: `Use values of ${axis}: ${names.join(', ')}.` }));
          break;
        }
        if (names.includes(value)) continue;
        reported.add(key);
        problems.push(error('unknown-value', `Table "${table.name}" has an entry for "${value}", which is not a value of the axis "${axis}".${didYouMean(value, names)}`, { ...where, hint: `Values of ${axis}: ${names.join(', ')}${optional.has(axis) ? ', or "-" where it does not apply' : ''}.` }));
        break;
      }
    }
    return problems;
  });
};

function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}
