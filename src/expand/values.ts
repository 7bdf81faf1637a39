// Combinations of axis values: keys, projections and selector matching.
import type { AxisValue, Matrix, Selector } from '../types/matrix.ts';
import { dict } from '../dict.ts';

/** Axis name -> value, in the order of the stage's axes; an axis that does not apply is missing. */
export type Values = Record<string, string>;

export type ValueIndex = ReadonlyMap<string, ReadonlyMap<string, AxisValue>>;

export function valueIndex(m: Pick<Matrix, 'axes'>): ValueIndex {
  return new Map(m.axes.map((a) => [a.name, new Map(a.values.map((v) => [v.name, v]))]));
}

/** Whether the values have every axis of the selector, each with an accepted value. */
export function matches(selector: Selector, values: Values): boolean {
  for (const axis in selector) {
    const value = values[axis];
    if (value === undefined || !selector[axis]!.includes(value)) return false;
  }
  return true;
}

/** Whether every axis of the selector that the values have is one of its accepted values (an allow-list). */
export function selects(selector: Selector, values: Values): boolean {
  for (const axis in selector) {
    const value = values[axis];
    if (value !== undefined && !selector[axis]!.includes(value)) return false;
  }
  return true;
}

export function project(values: Values, axes: readonly string[]): Values {
  const out: Values = dict();
  for (const a of axes) if (values[a] !== undefined) out[a] = values[a]!;
  return out;
}

export function keyOf(values: Values): string {
  let key = '';
  for (const axis in values) key += `${axis}=${values[axis]}\0`;
  return key;
}

export function describeValues(values: Values): string {
  const entries = Object.entries(values);
  return entries.length ? entries.map(([axis, value]) => `${axis}=${value}`).join(', ') : '(no axes)';
}
