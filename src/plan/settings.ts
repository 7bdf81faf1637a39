// Which args and labels a target sets, level by level, with where each came from.
// A target inherits its parent's target; it emits only what differs from it.
import { axisValue } from '../expand/axis-value.ts';
import { selects, type Values } from '../expand/index.ts';
import type { Matrix, Origin, Settings, Stage, Template } from '../types/matrix.ts';
import { escapeBake, render, type Scope } from './template.ts';

/** One resolved value: as emitted, with defaults filled in, and its source. */
export interface Resolved {
  bake: string;
  preview: string;
  origin: Origin;
}

export type ResolvedSettings = Record<string, Resolved>;

/** The args and labels contributed at one level of a target's chain. */
export interface Level {
  args: Template[][];
  labels: Template[][];
}

export interface LevelInput {
  stage: Stage;
  /** Axes of this level (the stage's, or the layer's). */
  axes: string[];
  /** Axes of the level above; [] at the root. */
  above: string[];
  own: { args: Settings; labels: Settings };
}

const entries = (s: Settings) => Object.entries(s).map(([key, t]) => Object.assign({ key }, t));
type Keyed = Template & { key: string };

/**
 * Precedence at one level, general to specific: the values of the axes this
 * level adds (in the order the axes are declared), the stage's (or layer's)
 * own settings, then the overrides that first apply here, in file order.
 */
export function levelSettings(m: Matrix, input: LevelInput, values: Values): { args: Keyed[]; labels: Keyed[] } {
  const args: Keyed[] = [];
  const labels: Keyed[] = [];
  for (const axis of m.axes) {
    if (!input.axes.includes(axis.name) || input.above.includes(axis.name)) continue;
    const value = axisValue(m, axis.name, values[axis.name])?.value;
    if (!value) continue;
    args.push(...entries(value.args));
    labels.push(...entries(value.labels));
  }
  args.push(...entries(input.own.args));
  labels.push(...entries(input.own.labels));
  for (const o of m.overrides) {
    const keys = Object.keys(o.when);
    if (!keys.every((k) => input.axes.includes(k)) || !selects(o.when, values)) continue;
    const here = o.stages ? o.stages.includes(input.stage.key) : !keys.every((k) => input.above.includes(k));
    if (!here) continue;
    args.push(...entries(o.args));
    labels.push(...entries(o.labels));
  }
  return { args, labels };
}

/** Renders settings in a target's scope, later entries winning; unknown placeholders are reported. */
export function resolveSettings(
  into: ResolvedSettings,
  list: readonly Keyed[],
  scope: Scope,
  onUnknown: (template: Template, names: string[]) => void,
): ResolvedSettings {
  for (const t of list) {
    const result = render(t, scope);
    if (!result.ok) {
      onUnknown(t, result.unknown);
      continue;
    }
    into[t.key] = { bake: result.value.bake, preview: result.value.preview, origin: t.origin };
  }
  return into;
}

/** What a target must set itself: the keys whose value differs from what it inherits. */
export function ownSettings(intended: ResolvedSettings, inherited: ResolvedSettings | undefined): Record<string, string> | undefined {
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(intended)) {
    // Keys of map attributes are templates too (DESIGN.md, "Bake facts").
    if (inherited?.[key]?.bake !== value.bake) own[escapeBake(key)] = value.bake;
  }
  return Object.keys(own).length ? own : undefined;
}
