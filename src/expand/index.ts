// expand: Matrix -> the cells of every stage and layer (see README.md).
import type { Layer, Matrix, Selector, Stage } from '../types/matrix.ts';
import { axisValue } from './axis-value.ts';

/** Axis name -> value, in the order of the stage's axes. */
export type Values = Record<string, string>;

export interface Cell {
  stage: Stage;
  values: Values;
  platforms: string[];
  parent?: Cell;
  layers: LayerCell[];
}

export interface LayerCell {
  stage: Stage;
  layer: Layer;
  values: Values;
  platforms: string[];
  parent?: Cell;
}

export interface DroppedCell {
  stage: string;
  values: Values;
  reason: string;
}

export interface Expansion {
  /** Parents before children; within a stage in axis-value order. */
  cells: Cell[];
  dropped: DroppedCell[];
}

export function expandMatrix(m: Matrix): Expansion {
  const cells: Cell[] = [];
  const dropped: DroppedCell[] = [];
  const byStage = new Map<string, Map<string, Cell>>();
  for (const stage of m.stages) {
    const parentStage = stage.from ? m.stages.find((s) => s.key === stage.from) : undefined;
    const parentCells = parentStage ? (byStage.get(parentStage.key) ?? new Map<string, Cell>()) : undefined;
    const own = new Map<string, Cell>();
    for (const values of combinationsOf(m, stage)) {
      const parentValues = parentStage ? project(values, parentStage.axes) : {};
      const parent = parentCells?.get(keyOf(parentValues));
      if (parentCells && !parent) {
        dropped.push({ stage: stage.key, values, reason: `its ${stage.from} cell (${describeValues(parentValues)}) is not built` });
        continue;
      }
      const platforms = platformsOf(m, stage.platforms, stage.axes, values, parent);
      if (platforms.length === 0) {
        dropped.push({ stage: stage.key, values, reason: 'no platform is left after the restrictions of its values' });
        continue;
      }
      const cell: Cell = { stage, values, platforms, parent, layers: [] };
      cell.layers = stage.layers.map((layer) => {
        const layerValues = project(values, layer.axes);
        return { stage, layer, values: layerValues, platforms: platformsOf(m, stage.platforms, layer.axes, layerValues, parent), parent };
      });
      own.set(keyOf(values), cell);
    }
    byStage.set(stage.key, own);
    cells.push(...own.values());
  }
  return { cells, dropped };
}

/** The product of the stage's axes, minus excludes and allow-lists, plus includes, in axis-value order. */
function combinationsOf(m: Matrix, stage: Stage): Values[] {
  const axes = stage.axes.map((name) => m.axes.find((a) => a.name === name)!);
  let product: Values[] = [{}];
  for (const axis of axes) product = product.flatMap((partial) => axis.values.map((v) => ({ ...partial, [axis.name]: v.name })));
  const kept = product.filter((values) => !excluded(m, stage, values));
  for (const rule of m.include) {
    if (stage.axes.length === 0 || !stage.axes.every((a) => a in rule.combination)) continue;
    const values = project(rule.combination, stage.axes);
    if (!kept.some((k) => sameValues(k, values))) kept.push(values);
  }
  const rank = (values: Values) => axes.map((a) => axisValue(m, a.name, values[a.name])?.rank ?? -1);
  return kept.sort((x, y) => compareRanks(rank(x), rank(y)));
}

export function excluded(m: Matrix, stage: Stage, values: Values): boolean {
  if (stage.only && !selects(stage.only, values)) return true;
  if (m.exclude.some((rule) => Object.keys(rule.selector).every((a) => a in values) && selects(rule.selector, values))) return true;
  // Allow-lists of the values: `trtllm: { only: { cuda: [cu130] } }`.
  for (const axis of m.axes) {
    const value = axisValue(m, axis.name, values[axis.name])?.value;
    if (value && !selects(value.only, values)) return true;
  }
  return false;
}

/** Whether every axis of the selector that the values have is one of its accepted values. */
export function selects(selector: Selector, values: Values): boolean {
  return Object.entries(selector).every(([axis, accepted]) => !(axis in values) || accepted.includes(values[axis]!));
}

function platformsOf(m: Matrix, stagePlatforms: string[] | undefined, axes: string[], values: Values, parent?: Cell): string[] {
  let platforms = stagePlatforms ?? m.platforms;
  for (const axisName of axes) {
    const restriction = axisValue(m, axisName, values[axisName])?.value.platforms;
    if (restriction) platforms = platforms.filter((p) => restriction.includes(p));
  }
  if (parent) platforms = platforms.filter((p) => parent.platforms.includes(p));
  return platforms;
}

export function project(values: Values, axes: string[]): Values {
  return Object.fromEntries(axes.filter((a) => a in values).map((a) => [a, values[a]!]));
}

function keyOf(values: Values): string {
  return Object.entries(values).map(([axis, value]) => `${axis}=${value}`).join('\0');
}

function sameValues(a: Values, b: Values): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function describeValues(values: Values): string {
  const entries = Object.entries(values);
  return entries.length ? entries.map(([axis, value]) => `${axis}=${value}`).join(', ') : '(no axes)';
}
