// Which args and labels a target sets, level by level, with where each came from.
// A target inherits its parent's target; it emits only what differs from it.
import { matches, valueIndex, type ValueIndex, type Values } from '../expand/index.ts';
import type { Matrix, Origin, Settings, Stage, Template } from '../types/matrix.ts';
import { didYouMean } from '../problems/suggest.ts';
import { escapeBake, isSharedRendering, piecesToBake, piecesToPreview, render, REPORTED, type Lookup, type Piece, type Rendered, type RenderProblem, type Scope, type Source } from '../template/index.ts';
import { define, dict } from '../dict.ts';

/** One resolved value: as emitted, with defaults filled in, and its source. */
export interface Resolved {
  bake: string;
  preview: string;
  origin: Origin;
  /** What produced the text of each placeholder (attributes, filters, tables, args). */
  sources: Source[];
  pieces: Piece[];
}

export type ResolvedSettings = Record<string, Resolved>;

export interface LevelInput {
  stage: Stage;
  /** Axes of this level (the stage's, or the layer's). */
  axes: string[];
  /** Axes of the level above; [] at the root. */
  above: string[];
  own: { args: Settings; labels: Settings };
}

export type Keyed = Template & { key: string };

/** The keyed templates of each settings record of the matrix, made once: every level that reads it gets the same (read only) list. */
const keyedOf = new WeakMap<Settings, readonly Keyed[]>();

function entries(s: Settings): readonly Keyed[] {
  let list = keyedOf.get(s);
  if (!list) keyedOf.set(s, (list = Object.entries(s).map(([key, t]) => Object.assign({ key }, t))));
  return list;
}

/**
 * Precedence at one level, general to specific: the values of the axes this
 * level adds (in the order the axes are declared), the stage's (or layer's)
 * own settings, then the overrides that first apply here, in file order.
 */
export function levelSettings(m: Matrix, input: LevelInput, values: Values): { args: Keyed[]; labels: Keyed[] } {
  const args: Keyed[] = [];
  const labels: Keyed[] = [];
  const index = valuesByName(m);
  for (const axis of m.axes) {
    if (!input.axes.includes(axis.name) || input.above.includes(axis.name)) continue;
    const name = values[axis.name];
    const value = name === undefined ? undefined : index.get(axis.name)?.get(name);
    if (!value) continue;
    args.push(...entries(value.args));
    labels.push(...entries(value.labels));
  }
  args.push(...entries(input.own.args));
  labels.push(...entries(input.own.labels));
  for (const o of m.overrides) {
    const keys = Object.keys(o.when);
    if (!keys.every((k) => input.axes.includes(k)) || !matches(o.when, values)) continue;
    const here = o.stages ? o.stages.includes(input.stage.key) : !keys.every((k) => input.above.includes(k));
    if (!here) continue;
    args.push(...entries(o.args));
    labels.push(...entries(o.labels));
  }
  // Kept for every cell (its targets' children read it again): at their size, not with the room push leaves.
  return { args: args.slice(), labels: labels.slice() };
}

/** Per matrix: axis name -> value name -> value (an axis may list hundreds: found, not scanned, for every cell). */
const indexes = new WeakMap<Matrix, ValueIndex>();

function valuesByName(m: Matrix): ValueIndex {
  let index = indexes.get(m);
  if (!index) indexes.set(m, (index = valueIndex(m)));
  return index;
}

/** The winning template of each key, in the order keys first appear (later entries win). */
export function winners(into: Map<string, Keyed>, list: readonly Keyed[]): Map<string, Keyed> {
  for (const t of list) into.set(t.key, t);
  return into;
}

export { REPORTED };

export type TemplateProblemSink = (template: Template, problems: RenderProblem[]) => void;

const NONE_FIXED: ReadonlyMap<string, { lookup: Lookup; origin: Origin }> = new Map();

/**
 * Renders the winning args of a target lazily, so that `{arg:NAME}` can use
 * another arg's final value; a cycle is a problem, not a loop.
 */
export class ArgResolver {
  /** The rendered arg (bake and preview already joined), by name; or why it failed. */
  private readonly done = new Map<string, Rendered | Lookup>();
  private readonly resolving: string[] = [];
  scope!: Scope;

  constructor(
    private readonly args: ReadonlyMap<string, Keyed>,
    private readonly report: TemplateProblemSink,
    /** Args the planner sets itself (`from: {stage, arg}`), already rendered. */
    private readonly fixed: ReadonlyMap<string, { lookup: Lookup; origin: Origin }> = NONE_FIXED,
  ) {}

  /** Each arg's lookup, made once: `{arg:X}` read again gives the same source, listed once (made on the first read: most targets read none). */
  private lookups: Map<string, Lookup> | undefined;

  lookup = (name: string): Lookup => {
    const fixed = this.fixed.get(name)?.lookup;
    if (fixed) return fixed;
    const known = this.lookups?.get(name);
    if (known) return known;
    const result = this.renderArg(name);
    if ('kind' in result) return result;
    const found: Lookup = { kind: 'pieces', pieces: result.pieces, source: { placeholder: `{arg:${name}}`, what: `arg ${name}`, origin: this.args.get(name)!.origin }, sources: result.sources };
    (this.lookups ??= new Map()).set(name, found);
    return found;
  };

  private renderArg(name: string): Rendered | Lookup {
    const done = this.done.get(name);
    if (done) return done;
    const template = this.args.get(name);
    if (!template) {
      const known = [...this.args.keys(), ...this.fixed.keys()];
      return { kind: 'error', code: 'unknown-arg', reason: `this target has no arg "${name}"`, hint: `${didYouMean(name, known).trim()} Its args: ${known.join(', ') || 'none'}.`.trim() };
    }
    if (this.resolving.includes(name)) {
      return { kind: 'error', code: 'arg-cycle', reason: `the args refer to each other in a cycle: ${[...this.resolving.slice(this.resolving.indexOf(name)), name].join(' -> ')}`, hint: 'One arg of the cycle must be written without {arg:...}.' };
    }
    this.resolving.push(name);
    const result = render(template, this.scope);
    this.resolving.pop();
    let found: Rendered | Lookup;
    if (result.ok) found = result.value;
    else {
      this.report(template, result.problems);
      found = { kind: 'error', code: REPORTED, reason: `the arg "${name}" could not be rendered` };
    }
    this.done.set(name, found);
    return found;
  }

  /** Every arg rendered, in the order the keys first appear; the ones that failed are left out. */
  renderAll(): ResolvedSettings {
    const out: ResolvedSettings = dict();
    for (const t of this.args.values()) this.resolve(out, t.key, this.fixed.get(t.key)?.origin ?? t.origin);
    for (const [key, { origin }] of this.fixed) if (!this.args.has(key)) this.resolve(out, key, origin);
    return out;
  }

  private resolve(out: ResolvedSettings, key: string, origin: Origin): void {
    const fixed = this.fixed.get(key)?.lookup;
    if (fixed) {
      if (fixed.kind === 'pieces') out[key] = { bake: piecesToBake(fixed.pieces), preview: piecesToPreview(fixed.pieces), origin, sources: [fixed.source, ...(fixed.sources ?? [])], pieces: fixed.pieces };
      return;
    }
    const rendered = this.renderArg(key);
    if (!('kind' in rendered)) out[key] = resolvedOf(rendered, origin);
  }
}

/** Renders settings in a target's scope; problems go to `report`, the rest into a record. */
export function renderSettings(list: ReadonlyMap<string, Keyed>, scope: Scope, report: TemplateProblemSink): ResolvedSettings {
  const out: ResolvedSettings = dict();
  for (const t of list.values()) {
    const result = render(t, scope);
    if (!result.ok) {
      report(t, result.problems);
      continue;
    }
    out[t.key] = resolvedOf(result.value, t.origin);
  }
  return out;
}

/**
 * The last Resolved made of each rendering: a text without placeholders, or one variable or axis value alone
 * (`{version}`, `{cuda.version}`), renders to one shared result, so the targets it reaches share one Resolved (read only).
 */
const resolved = new WeakMap<Rendered, Resolved>();

function resolvedOf(rendered: Rendered, origin: Origin): Resolved {
  // Any other rendering with sources read a placeholder: made for this target alone, it is never seen again.
  if (rendered.sources.length && !isSharedRendering(rendered)) return { bake: rendered.bake, preview: rendered.preview, origin, sources: rendered.sources, pieces: rendered.pieces };
  const known = resolved.get(rendered);
  if (known?.origin === origin) return known;
  const made = { bake: rendered.bake, preview: rendered.preview, origin, sources: rendered.sources, pieces: rendered.pieces };
  resolved.set(rendered, made);
  return made;
}

/** What a target must set itself: the keys whose value differs from what it inherits. */
export function ownSettings(intended: ResolvedSettings, inherited: ResolvedSettings | undefined): Record<string, string> | undefined {
  let own: Record<string, string> | undefined;
  for (const key in intended) {
    const { bake } = intended[key]!;
    // Keys of map attributes are templates too (DESIGN.md, "Bake facts").
    if (inherited?.[key]?.bake !== bake) define((own ??= {}), escapeBake(key), bake);
  }
  return own;
}
