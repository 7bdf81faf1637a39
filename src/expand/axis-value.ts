// An axis value by name, in constant time: expansion and planning look one up
// for every cell, and a scan of the axis there made an axis of many values
// quadratic (20 000 values: minutes). The index is built once per matrix.
import type { AxisValue, Matrix } from '../types/matrix.ts';

const indexes = new WeakMap<Matrix, Map<string, Map<string, { value: AxisValue; rank: number }>>>();

/** The value `name` of the axis `axis` and its rank (declaration order), or undefined. */
export function axisValue(m: Matrix, axis: string, name: string | undefined): { value: AxisValue; rank: number } | undefined {
  let index = indexes.get(m);
  if (!index) {
    index = new Map(m.axes.map((a) => [a.name, new Map(a.values.map((value, rank) => [value.name, { value, rank }]))]));
    indexes.set(m, index);
  }
  return name === undefined ? undefined : index.get(axis)?.get(name);
}
