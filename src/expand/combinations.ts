// The combinations one stage builds: the product of its axes (an axis that a
// value's `without` removes is left out), minus excludes and allow-lists,
// plus includes, in axis-value order. Each removal keeps the rule behind it.
import type { Matrix, Origin, Stage } from '../types/matrix.ts';
import { keyOf, matches, selects, type ValueIndex, type Values } from './values.ts';
import { dict } from '../dict.ts';

export interface Removal {
  values: Values;
  reason: string;
  origin?: Origin;
}

export function combinationsOf(m: Matrix, stage: Stage, index: ValueIndex): { kept: Values[]; removed: Removal[] } {
  const axes = stage.axes.map((name) => m.axes.find((a) => a.name === name)!);
  let product: Values[] = [dict()];
  for (const axis of axes) {
    const next: Values[] = [];
    for (const partial of product) {
      for (const v of axis.values) {
        const values = Object.assign(dict<string>(), partial);
        values[axis.name] = v.name;
        next.push(values);
      }
    }
    product = next;
  }
  const positions = axes.map((a) => new Map(a.values.map((v, i) => [v.name, i])));
  // A plain product (no value removes an axis, no value name twice) holds no combination twice and is in rank order already.
  const plainProduct = axes.every((a, i) => positions[i]!.size === a.values.length && a.values.every((v) => v.without.length === 0));
  let candidates: Iterable<Values> = product;
  if (!plainProduct) {
    const unique = new Map<string, Values>();
    for (const values of product) {
      const applying = withoutRemoved(values, stage.axes, index);
      const key = keyOf(applying);
      if (!unique.has(key)) unique.set(key, applying);
    }
    candidates = unique.values();
  }
  const kept: Values[] = [];
  const removed: Removal[] = [];
  for (const values of candidates) {
    const removal = removalOf(m, stage, values, index);
    if (removal) removed.push(removal);
    else kept.push(values);
  }
  const keptKeys = m.include.length ? new Set(kept.map(keyOf)) : new Set<string>();
  let included = false;
  for (const rule of m.include) {
    const values = includedValues(rule.combination, stage.axes, index);
    if (!values || keptKeys.has(keyOf(values))) continue;
    keptKeys.add(keyOf(values));
    kept.push(values);
    included = true;
    const i = removed.findIndex((r) => keyOf(r.values) === keyOf(values));
    if (i >= 0) removed.splice(i, 1);
  }
  if (plainProduct && !included) return { kept, removed };
  const rank = (values: Values) => axes.map((a, i) => (values[a.name] === undefined ? a.values.length : (positions[i]!.get(values[a.name]!) ?? -1)));
  const ranks = new Map(kept.map((v) => [v, rank(v)]));
  kept.sort((x, y) => compareRanks(ranks.get(x)!, ranks.get(y)!));
  return { kept, removed };
}

/** The values without the axes that another value's `without` says do not apply. */
export function withoutRemoved(values: Values, axes: readonly string[], index: ValueIndex): Values {
  let gone: Set<string> | undefined; // most values remove no axis: no set then
  for (const axis of axes) {
    if (gone?.has(axis) || values[axis] === undefined) continue;
    for (const other of index.get(axis)?.get(values[axis]!)?.without ?? []) (gone ??= new Set()).add(other);
  }
  if (!gone) return values;
  const out: Values = dict();
  for (const axis of axes) if (!gone.has(axis) && values[axis] !== undefined) out[axis] = values[axis]!;
  return out;
}

/** Why a stage does not build these values (an exclude rule, an `only` list), or undefined when it does. */
export function removalOf(m: Matrix, stage: Stage, values: Values, index: ValueIndex): Removal | undefined {
  if (stage.only && !stageSelects(stage, values)) return { values, reason: `the stage's \`only\` does not select it`, origin: { file: stage.origin.file, pointer: `${stage.origin.pointer}/only` } };
  for (const rule of m.exclude) {
    if (rule.platforms) continue; // removes platforms, not the combination
    if (Object.keys(rule.selector).every((a) => values[a] !== undefined) && matches(rule.selector, values)) return { values, reason: 'an exclude rule removes it', origin: rule.origin };
  }
  // Allow-lists of the values: `trtllm: { only: { cuda: [cu130] } }`.
  for (const axis in values) {
    const value = index.get(axis)?.get(values[axis]!);
    if (value && !selects(value.only, values)) {
      return { values, reason: `the \`only\` of ${axis} "${value.name}" does not allow it`, origin: { file: value.origin.file, pointer: `${value.origin.pointer}/only` } };
    }
  }
  return undefined;
}

/** A stage's `only`: every axis it names that the stage varies over must have an accepted value. */
function stageSelects(stage: Stage, values: Values): boolean {
  for (const axis in stage.only) {
    if (!stage.axes.includes(axis)) continue;
    const value = values[axis];
    if (value === undefined || !stage.only[axis]!.includes(value)) return false;
  }
  return true;
}

/** An include's combination on the stage's axes, when it names every axis that applies there. */
export function includedValues(combination: Readonly<Record<string, string>>, axes: readonly string[], index: ValueIndex): Values | undefined {
  if (axes.length === 0) return undefined;
  const projected: Values = dict();
  for (const a of axes) if (combination[a] !== undefined) projected[a] = combination[a]!;
  const applying = withoutRemoved(projected, axes, index);
  const gone = new Set<string>();
  for (const a of axes) for (const o of applying[a] !== undefined ? (index.get(a)?.get(applying[a]!)?.without ?? []) : []) gone.add(o);
  return axes.every((a) => applying[a] !== undefined || gone.has(a)) ? applying : undefined;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
