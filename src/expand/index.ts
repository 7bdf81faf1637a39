// expand: Matrix -> the cells of every stage and layer (see README.md).
import type { ImageBase, Layer, Matrix, Origin, Stage } from '../types/matrix.ts';
import { combinationsOf, type Removal } from './combinations.ts';
import { describeValues, keyOf, matches, project, valueIndex, type ValueIndex, type Values } from './values.ts';
import { dict } from '../dict.ts';

export { describeValues, keyOf, matches, project, selects, valueIndex, type ValueIndex, type Values } from './values.ts';

export interface Cell {
  stage: Stage;
  values: Values;
  platforms: string[];
  parent?: Cell;
  /** With a parent linked by its tag (`from: {stage, arg}`, the stage's or an override's): the arg that gets it, and where that is written. */
  fromArg?: { name: string; origin: Origin };
  /** An upstream image standing in for the parent (the stage's `from: {image}` or an override's `from`). */
  image?: ImageBase;
  layers: LayerCell[];
}

export interface LayerCell {
  stage: Stage;
  layer: Layer;
  values: Values;
  platforms: string[];
  parent?: Cell;
  image?: ImageBase;
}

export interface DroppedCell {
  stage: string;
  values: Values;
  reason: string;
  /** The rule, allow-list or setting that dropped it. */
  origin?: Origin;
}

/** The reason of a cell dropped because its values' platforms leave none of the stage's (or matrix's). */
export const NO_PLATFORM_LEFT = 'no platform is left after the restrictions of its values';

export interface Expansion {
  /** Parents before children; within a stage in axis-value order. */
  cells: Cell[];
  dropped: DroppedCell[];
}

export function expandMatrix(m: Matrix): Expansion {
  const cells: Cell[] = [];
  const dropped: DroppedCell[] = [];
  const byStage = new Map<string, Map<string, Cell>>();
  const stages = new Map(m.stages.map((s) => [s.key, s]));
  const values = valueIndex(m);
  // Only the cells of a stage something builds on are looked up by their values.
  const parentStages = new Set<string>();
  for (const s of m.stages) if (s.from) parentStages.add(s.from);
  for (const o of m.overrides) if (o.fromStage) parentStages.add(o.fromStage.stage);
  for (const stage of m.stages) {
    const own = new Map<string, Cell>();
    const isParent = parentStages.has(stage.key);
    const { kept, removed } = combinationsOf(m, stage, values);
    for (const r of removed) dropped.push(droppedOf(stage, r));
    for (const combination of kept) {
      const base = baseOf(m, stage, combination);
      const image = 'image' in base ? base.image : undefined;
      const parentStage = 'stage' in base && base.stage ? stages.get(base.stage) : undefined;
      const parentCells = parentStage ? (byStage.get(parentStage.key) ?? new Map<string, Cell>()) : undefined;
      const parentValues = parentStage ? project(combination, parentStage.axes) : dict<string>();
      const parent = parentCells?.get(keyOf(parentValues));
      if (parentCells && !parent) {
        dropped.push({ stage: stage.key, values: combination, reason: `its ${parentStage!.key} cell (${describeValues(parentValues)}) is not built` });
        continue;
      }
      const fromArg = 'arg' in base && base.arg ? base.arg : undefined;
      const platforms = platformsOf(m, stage.platforms, stage.axes, combination, values, parent);
      if (platforms.length === 0) {
        dropped.push({ stage: stage.key, values: combination, reason: NO_PLATFORM_LEFT });
        continue;
      }
      // The spreads make each shape whole in one object (keys added afterwards would live outside it, slower to read for the planner).
      const cell: Cell = { stage, values: combination, platforms, ...(parent ? { parent } : {}), ...(fromArg ? { fromArg } : {}), ...(image ? { image } : {}), layers: [] };
      cell.layers = stage.layers.map((layer) => {
        const layerValues = project(combination, layer.axes);
        return {
          stage,
          layer,
          values: layerValues,
          platforms: platformsOf(m, stage.platforms, layer.axes, layerValues, values, parent),
          ...(parent ? { parent } : {}),
          ...(image ? { image } : {}),
        };
      });
      if (isParent) own.set(keyOf(combination), cell);
      else cells.push(cell);
    }
    byStage.set(stage.key, own);
    for (const cell of own.values()) cells.push(cell);
  }
  return { cells, dropped };
}

function droppedOf(stage: Stage, r: Removal): DroppedCell {
  return { stage: stage.key, values: r.values, reason: r.reason, ...(r.origin ? { origin: r.origin } : {}) };
}

type Base = { image: ImageBase } | { stage?: string; arg?: { name: string; origin: Origin } };

/** What a combination builds on: the stage's own `from`, or that of the last override naming the stage that matches (an image, or a per-value parent stage). */
function baseOf(m: Matrix, stage: Stage, values: Values): Base {
  let base: Base = stage.fromImage
    ? { image: stage.fromImage }
    : { ...(stage.from ? { stage: stage.from } : {}), ...(stage.fromArg ? { arg: { name: stage.fromArg, origin: { file: stage.origin.file, pointer: `${stage.origin.pointer}/from/arg` } } } : {}) };
  for (const o of m.overrides) {
    if (!(o.from || o.fromStage) || !o.stages?.includes(stage.key) || !matches(o.when, values)) continue;
    if (o.from) base = { image: o.from };
    else base = { stage: o.fromStage!.stage, ...(o.fromStage!.arg ? { arg: { name: o.fromStage!.arg, origin: { file: o.fromStage!.origin.file, pointer: `${o.fromStage!.origin.pointer}/arg` } } } : {}) };
  }
  return base;
}

function platformsOf(m: Matrix, stagePlatforms: string[] | undefined, axes: string[], values: Values, index: ValueIndex, parent?: Cell): string[] {
  let platforms = stagePlatforms ?? m.platforms;
  for (const axisName of axes) {
    const value = values[axisName];
    const restriction = value === undefined ? undefined : index.get(axisName)?.get(value)?.platforms;
    if (restriction) platforms = keep(platforms, (p) => restriction.includes(p));
  }
  for (const rule of m.exclude) {
    if (rule.platforms && Object.keys(rule.selector).every((a) => axes.includes(a)) && matches(rule.selector, values)) {
      platforms = keep(platforms, (p) => !rule.platforms!.includes(p));
    }
  }
  if (parent && parent.platforms !== platforms) platforms = keep(platforms, (p) => parent.platforms.includes(p));
  return platforms;
}

/** The platforms that pass, as the same array when all do: cells without restrictions share one list. */
function keep(platforms: string[], test: (platform: string) => boolean): string[] {
  return platforms.every(test) ? platforms : platforms.filter(test);
}
