// The axis value of a given name, found through an index built once per matrix
// (a lookup per cell and axis must not scan the axis's values: with hundreds of
// values and 100 000 cells that scan dominated generation).
import type { AxisValue, Matrix } from '../types/matrix.ts';

const indexes = new WeakMap<Matrix, Map<string, Map<string, { value: AxisValue; rank: number }>>>();

function indexOf(m: Matrix) {
  let index = indexes.get(m);
  if (!index) {
    index = new Map(m.axes.map((axis) => [axis.name, new Map(axis.values.map((value, rank) => [value.name, { value, rank }]))]));
    indexes.set(m, index);
  }
  return index;
}

export function axisValue(m: Matrix, axis: string, name: string | undefined): AxisValue | undefined {
  return name === undefined ? undefined : indexOf(m).get(axis)?.get(name)?.value;
}

/** The value's position in its axis (-1 when unknown): the order cells are listed in. */
export function axisValueRank(m: Matrix, axis: string, name: string | undefined): number {
  return name === undefined ? -1 : (indexOf(m).get(axis)?.get(name)?.rank ?? -1);
}
