// explain: one target (or group) of the plan -> where each of its values comes from:
// the matrix file:line that wrote it, and the bake target whose block sets it.
import type { Values } from '../expand/index.ts';
import type { Generated } from '../generate.ts';
import type { TargetInfo } from '../plan/index.ts';
import type { Resolved, ResolvedSettings } from '../plan/settings.ts';
import { pathOf } from '../problems/problem.ts';
import { suggest } from '../problems/suggest.ts';
import type { Origin } from '../types/matrix.ts';
import { sanitizeName } from '../plan/names.ts';
import { cellScope, matrixNames, render, type Source as RenderSource } from '../template/index.ts';
import { previewBake, variablesIn } from './preview-bake.ts';
import { resolveTarget, type ResolvedTarget, type Sourced } from './resolve-target.ts';

/** A place in the matrix: file, 1-based line and column of the key, and the key path. */
export interface Source {
  file: string;
  line?: number;
  col?: number;
  path: string;
}

/** What produced part of a value: an attribute, a table entry, another arg, a variable, with its filters. */
export interface Derivation {
  placeholder: string;
  what: string;
  source?: Source;
}

export interface ExplainedSetting {
  key: string;
  /** As written into the bake file. */
  value: string;
  /** With every variable at its default. */
  preview: string;
  /** The bake target whose block sets it: this one, or one it inherits. */
  setIn: string;
  inherited: boolean;
  source: Source;
  /** The matrix level that wrote it: `(matrix)`, `axes.cuda.cu130`, `overrides.0`, `stages.framework`... */
  level: string;
  derived: Derivation[];
}

export interface ExplainedContext {
  /** The Dockerfile stage replaced. */
  name: string;
  value: string;
  /** The linked bake target, for a `target:` context. */
  target?: string;
  kind?: 'stage' | 'layer';
  /** The stage (and layer) key of the linked target. */
  stage?: string;
  layer?: string;
  setIn: string;
}

export interface ExplainedRef {
  value: string;
  preview: string;
  setIn: string;
}

export interface TargetExplanation {
  kind: 'target';
  name: string;
  type: TargetInfo['kind'];
  stage?: string;
  layer?: string;
  values: Values;
  /** This target, what it inherits, and so on up to the root. */
  chain: string[];
  /** For a per-platform target: the target and the one platform it builds. */
  platformOf?: { target: string; platform: string };
  build: { dockerfile?: string; context?: string; target?: string };
  platforms: string[];
  tags: { value: string; preview: string; source: Source; shared: boolean; derived: Derivation[] }[];
  contexts: ExplainedContext[];
  /** The layer targets bound into this target's own stage. */
  layers: string[];
  /** For a layer: the stage targets that bind it. */
  usedBy: string[];
  groups: string[];
  args: ExplainedSetting[];
  labels: ExplainedSetting[];
  cacheFrom: ExplainedRef[];
  cacheTo: ExplainedRef[];
  /** The bake variables this target reads: name, default (override with the environment variable of that name). */
  variables: { name: string; default: string }[];
}

export interface GroupExplanation {
  kind: 'group';
  name: string;
  why: string;
  source?: Source;
  targets: string[];
}

/** A name the matrix would give a combination it does not build, and the rule that removed it. */
export interface DroppedExplanation {
  kind: 'dropped';
  name: string;
  stage: string;
  values: Values;
  reason: string;
  source?: Source;
}

export type Explanation = TargetExplanation | GroupExplanation | DroppedExplanation | { kind: 'unknown'; name: string; suggestions: string[] };

export function explain(generated: Generated, name: string): Explanation {
  const { plan } = generated;
  const group = plan.groups.get(name);
  if (group) return { kind: 'group', name, why: group.source, ...(group.origin ? { source: sourceOf(generated, group.origin) } : {}), targets: group.targets };
  // A per-platform target (ci:) builds one platform of a planned target; it pushes by digest, without tags.
  const platformOf = plan.perPlatform?.of.get(name);
  const info = plan.targets.get(platformOf ? platformOf.target : name);
  if (!info) {
    const dropped = droppedNamed(generated, name);
    if (dropped) return dropped;
  }
  if (!info) return { kind: 'unknown', name, suggestions: suggest(name, [...plan.targets.keys(), ...plan.groups.keys(), ...(plan.perPlatform?.of.keys() ?? [])].filter((n) => !n.startsWith('_'))) };
  const variables = plan.bake.variable ?? {};
  const resolved = resolveTarget(plan.bake, name);
  const ref = (s: Sourced<string>): ExplainedRef => ({ value: s.value, preview: previewBake(s.value, variables), setIn: s.from });
  const explanation: TargetExplanation = {
    kind: 'target',
    name,
    type: info.kind,
    ...(info.stage ? { stage: info.stage } : {}),
    ...(info.layer ? { layer: info.layer } : {}),
    values: info.values,
    chain: chainOf(generated, name),
    build: { dockerfile: resolved.dockerfile?.value, context: resolved.context?.value, target: resolved.target?.value },
    platforms: resolved.platforms?.value ?? info.platforms,
    ...(platformOf ? { platformOf } : {}),
    tags: (platformOf ? [] : info.tags).map((t) => ({ value: t.bake, preview: t.preview, source: sourceOf(generated, t.origin), shared: t.shared, derived: derivations(generated, t.sources) })),
    contexts: Object.entries(resolved.contexts)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, { value, from }]) => contextOf(generated, key, value, from)),
    layers: [...plan.targets.values()].filter((t) => t.kind === 'layer' && t.usedBy.includes(name)).map((t) => t.name),
    usedBy: info.kind === 'layer' ? info.usedBy : [],
    groups: Object.entries(plan.bake.group).filter(([, g]) => g.targets.includes(name)).map(([g]) => g),
    args: settingsOf(generated, name, info.args, resolved.args),
    labels: settingsOf(generated, name, info.labels, resolved.labels),
    cacheFrom: resolved['cache-from'].map(ref),
    cacheTo: (resolved['cache-to']?.value ?? []).map((value) => ref({ value, from: resolved['cache-to']!.from })),
    variables: [],
  };
  explanation.variables = variablesOf(explanation, resolved).map((v) => ({ name: v, default: variables[v]?.default ?? '' }));
  return explanation;
}

function chainOf(generated: Generated, name: string): string[] {
  const chain = [name];
  for (let parent = generated.plan.bake.target[name]?.inherits?.[0]; parent && !chain.includes(parent); parent = generated.plan.bake.target[parent]?.inherits?.[0]) chain.push(parent);
  return chain;
}

function settingsOf(generated: Generated, name: string, intended: ResolvedSettings, effective: ResolvedTarget['args']): ExplainedSetting[] {
  const keys = [...new Set([...Object.keys(intended), ...Object.keys(effective)])].sort(compare);
  return keys.map((key) => {
    const mine: Resolved | undefined = intended[key];
    const set = effective[key];
    const value = set?.value ?? mine!.bake;
    return {
      key,
      value,
      preview: mine?.preview ?? previewBake(value, generated.plan.bake.variable ?? {}),
      setIn: set?.from ?? name,
      inherited: (set?.from ?? name) !== name,
      source: mine ? sourceOf(generated, mine.origin) : { file: '(unknown)', path: '' },
      level: mine ? levelOf(mine.origin.pointer) : '',
      derived: mine ? derivations(generated, mine.sources) : [],
    };
  });
}

function derivations(generated: Generated, sources: readonly RenderSource[]): Derivation[] {
  return sources.filter((s) => s.placeholder).map((s) => ({ placeholder: s.placeholder, what: s.what, ...(s.origin && s.origin.file !== '(built-in)' ? { source: sourceOf(generated, s.origin) } : {}) }));
}

/** A combination the expansion dropped whose stage name template gives `name`. */
function droppedNamed(generated: Generated, name: string): DroppedExplanation | undefined {
  const { matrix, plan } = generated;
  const names = matrixNames(matrix);
  for (const d of plan.expansion.dropped) {
    const stage = matrix.stages.find((s) => s.key === d.stage);
    if (!stage) continue;
    const rendered = render(stage.name, cellScope(names, { values: d.values, varies: stage.axes, builtins: { matrix: matrix.name, target: '', stage: stage.key } }));
    if (!rendered.ok || sanitizeName(rendered.value.preview) !== name) continue;
    return { kind: 'dropped', name, stage: stage.key, values: d.values, reason: d.reason, ...(d.origin ? { source: sourceOf(generated, d.origin) } : {}) };
  }
  return undefined;
}

/** `axes.cuda.cu130` for /axes/cuda/cu130/args/CUDA_VERSION; `(matrix)` for /args/X. */
function levelOf(pointer: string): string {
  const parts = pathOf(pointer);
  if (parts.length < 2 || !['args', 'labels'].includes(parts[parts.length - 2]!)) return parts.join('.');
  return parts.slice(0, -2).join('.') || '(matrix)';
}

function contextOf(generated: Generated, name: string, value: string, setIn: string): ExplainedContext {
  const linked = value.startsWith('target:') ? value.slice('target:'.length) : undefined;
  const info = linked ? generated.plan.targets.get(generated.plan.perPlatform?.of.get(linked)?.target ?? linked) : undefined;
  return {
    name,
    value,
    ...(linked ? { target: linked } : {}),
    ...(info && info.kind !== 'common' ? { kind: info.kind } : {}),
    ...(info?.stage ? { stage: info.stage } : {}),
    ...(info?.layer ? { layer: info.layer } : {}),
    setIn,
  };
}

function variablesOf(e: TargetExplanation, resolved: ResolvedTarget): string[] {
  const texts = [
    ...e.args.map((s) => s.value),
    ...e.labels.map((s) => s.value),
    ...e.tags.map((t) => t.value),
    ...Object.values(resolved.contexts).map((c) => c.value),
    ...e.cacheFrom.map((r) => r.value),
    ...e.cacheTo.map((r) => r.value),
  ];
  return [...new Set(texts.flatMap(variablesIn))].sort(compare);
}

/** The matrix position of an origin: the key's line and column, via the file it came from. */
export function sourceOf(generated: Generated, origin: Origin): Source {
  const path = pathOf(origin.pointer).join('.');
  const file = generated.files.find((f) => f.path === origin.file);
  if (!file) return { file: origin.file, path };
  const { line, col } = file.locate(origin.pointer, true);
  return { file: origin.file, line, col, path };
}

export function formatSource(source: Source): string {
  return source.line === undefined ? source.file : `${source.file}:${source.line}:${source.col}`;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
