// How big the expansion may get: the combinations of axis values are counted
// from the axes alone before anything is expanded (ten axes of ten values
// would otherwise run until memory is gone), and the targets once expanded.
import type { Limits } from '../load/limits.ts';
import { limitExceeded } from '../load/limits.ts';
import type { Problem } from '../problems/problem.ts';
import type { Layer, Matrix, Stage } from '../types/matrix.ts';
import type { Expansion } from './index.ts';
import { keyOf } from './values.ts';

/** The combinations each stage and its layers would be expanded from, before exclude rules, and the rule checks on them. */
export function cellLimitProblems(m: Matrix, limits: Limits): Problem[] {
  const sizes = new Map(m.axes.map((a) => [a.name, a.values.length]));
  const product = (axes: string[]) => axes.reduce((n, a) => n * (sizes.get(a) ?? 1), 1);
  let total = 0;
  let largest: { stage: Stage; count: number } | undefined;
  for (const stage of m.stages) {
    const count = product(stage.axes) + stage.layers.reduce((n, l) => n + product(l.axes), 0);
    total += count;
    if (!largest || count > largest.count) largest = { stage, count };
  }
  if (!largest) return [];
  if (total > limits.cells) {
    const found = `the stages have ${formatCount(total)}, stage "${largest.stage.key}" alone ${formatCount(largest.count)} (${largest.stage.axes.join(' x ') || 'no axes'})`;
    return [limitExceeded('cells', limits, found, { file: largest.stage.origin.file, pointer: largest.stage.origin.pointer, atKey: true })];
  }
  // Each combination is checked against every exclude and include rule, and each level against every override.
  const lists = [
    { key: 'exclude', rules: m.exclude },
    { key: 'include', rules: m.include },
    { key: 'overrides', rules: m.overrides },
  ];
  const rules = lists.reduce((n, l) => n + l.rules.length, 0);
  if (total * rules <= limits.ruleChecks) return [];
  const longest = lists.reduce((a, b) => (b.rules.length > a.rules.length ? b : a));
  const origin = longest.rules[0]!.origin;
  const found = `${formatCount(total)} combinations and ${formatCount(rules)} rules make ${formatCount(total * rules)}`;
  return [limitExceeded('ruleChecks', limits, found, { file: origin.file, pointer: origin.pointer.replace(/\/\d+$/, ''), atKey: true })];
}

/** Stage and layer targets of the expansion (a layer shared by several cells counted once). */
export function targetLimitProblems(expansion: Expansion, limits: Limits): Problem[] {
  // Per layer (one object per stage and layer key), the keys of its values: one short text per layer cell.
  const layers = new Map<Layer, Set<string>>();
  let count = expansion.cells.length;
  for (const cell of expansion.cells) {
    for (const l of cell.layers) {
      let seen = layers.get(l.layer);
      if (!seen) layers.set(l.layer, (seen = new Set()));
      const key = keyOf(l.values);
      if (seen.has(key)) continue;
      seen.add(key);
      count++;
    }
  }
  if (count <= limits.targets) return [];
  const stage = expansion.cells.at(-1)!.stage;
  return [limitExceeded('targets', limits, `the matrix expands to ${formatCount(count)}`, { file: stage.origin.file, pointer: stage.origin.pointer, atKey: true })];
}

const formatCount = (n: number) => (Number.isFinite(n) && n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(1));
