// Shared by the rules: positions, and a selector's axes and values checked against the matrix.
import { error, type Problem } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { Matrix, Origin, Selector } from '../../types/matrix.ts';

export const at = (origin: Origin, more = '', atKey = false) => ({ file: origin.file, pointer: origin.pointer + more, atKey });

export function axisNames(m: Matrix): string[] {
  return m.axes.map((a) => a.name);
}

export function checkSelector(m: Matrix, sel: Selector, origin: Origin, what: string): Problem[] {
  const problems: Problem[] = [];
  for (const [axisName, values] of Object.entries(sel)) {
    const axis = m.axes.find((a) => a.name === axisName);
    if (!axis) {
      problems.push(error('unknown-axis', `${what} names the axis "${axisName}", which is not defined.${didYouMean(axisName, axisNames(m))}`, {
        ...at(origin, `/${axisName}`, true),
        hint: `Defined axes: ${axisNames(m).join(', ') || 'none'}.`,
      }));
      continue;
    }
    values.forEach((value, i) => {
      if (axis.values.some((v) => v.name === value)) return;
      const names = axis.values.map((v) => v.name);
      problems.push(error('unknown-value', `${what} names "${value}", which is not a value of the axis "${axisName}".${didYouMean(value, names)}`, {
        ...at(origin, `/${axisName}${Array.isArray(values) && values.length > 1 ? `/${i}` : ''}`),
        hint: `Values of ${axisName}: ${names.join(', ')}.`,
      }));
    });
  }
  return problems;
}

