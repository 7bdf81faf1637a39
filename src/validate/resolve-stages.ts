// Stages as written -> resolved Stages, parents first, every default filled:
// axes, name, dockerfile and context come from the parent, else the matrix
// (a stage on its parent's tag, `from: {stage, arg}`, takes its paths from the matrix).
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import { hasPlaceholders } from '../template/index.ts';
import type * as W from '../types/matrix-file.generated.ts';
import type { CacheSpec, Layer, Origin, Stage, Template } from '../types/matrix.ts';
import { cacheSpec, imageBase, outputSpecs, secrets, selector, settings, tagSpecs, unreadArgs, type At } from './normalize-parts.ts';

export interface WrittenStage {
  key: string;
  stage: W.Stage;
  origin: Origin;
}

export interface StageBase {
  dockerfile: Template;
  context: Template;
  cache: CacheSpec | null;
  /** Stages that overrides give tags. */
  tagged: ReadonlySet<string>;
  /** Stage -> the parent stages overrides give some of its combinations (`from: <stage>`). */
  overrideParents: ReadonlyMap<string, readonly string[]>;
  /** Axes that some value's `without` removes: left out of default names where they do not apply. */
  optionalAxes: ReadonlySet<string>;
  /** Where shape problems found while resolving go. */
  problems: Problem[];
}

/** The parent stage a written `from` names, if any. */
export function parentKey(from: W.Stage['from']): string | undefined {
  if (typeof from === 'string') return from;
  return from && 'stage' in from ? from.stage : undefined;
}

/** Orders stages parents-first (a cycle keeps file order; rules.ts reports it) and fills defaults. */
export function resolveStages(written: WrittenStage[], base: StageBase): Stage[] {
  const byKey = new Map(written.map((w) => [w.key, w]));
  const ordered: WrittenStage[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const visit = (w: WrittenStage) => {
    if (placed.has(w.key) || visiting.has(w.key)) return;
    visiting.add(w.key);
    for (const key of [parentKey(w.stage.from) ?? '', ...(base.overrideParents.get(w.key) ?? [])]) {
      const parent = byKey.get(key);
      if (parent) visit(parent);
    }
    visiting.delete(w.key);
    placed.add(w.key);
    ordered.push(w);
  };
  written.forEach(visit);

  const parents = new Set([...written.map((w) => parentKey(w.stage.from)), ...[...base.overrideParents.values()].flat()].filter(Boolean));
  // Only requested targets are exported (pushed): tagged stages belong in the
  // default groups; without tags anywhere, the leaves do.
  const hasTags = (w: WrittenStage) => (w.stage.tags ?? []).length > 0 || base.tagged.has(w.key);
  const anyTags = written.some(hasTags);
  const resolved = new Map<string, Stage>();
  for (const w of ordered) {
    const { key, stage, origin } = w;
    const at: At = (...path) => ({ file: origin.file, pointer: origin.pointer + pointerOf(path) });
    const from = parentKey(stage.from);
    const parent = from ? resolved.get(from) : undefined;
    // A stage built on its parent's tag (`from: {stage, arg}`) is an image of its own: its Dockerfile and context default to the matrix's.
    const byTag = typeof stage.from === 'object' && 'stage' in stage.from && stage.from.arg !== undefined;
    const pathsFrom = byTag ? undefined : parent;
    const axes = stage.axes ? [...stage.axes] : [...(parent?.axes ?? [])];
    const cache = stage.cache === undefined ? base.cache : stage.cache === false ? null : cacheSpec(stage.cache, base.cache, at, ['cache']);
    if (stage.cache && !cache) {
      base.problems.push(error('cache-without-ref', `The cache of stage "${key}" has no \`ref\` (nor \`gha\`), and the matrix has no \`cache\` to take one from.`, {
        ...at('cache'),
        atKey: true,
        hint: 'Add `ref: "{registry}/cache:{target}"` or `gha: "{target}"` (one per target) to it, or a top-level `cache:` whose keys it changes.',
      }));
    }
    resolved.set(key, {
      key,
      ...(stage.target !== undefined ? { target: stage.target, ...(hasPlaceholders(stage.target) ? { targetTemplate: { text: stage.target, origin: at('target') } } : {}) } : {}),
      ...(from ? { from } : {}),
      ...(typeof stage.from === 'object' && 'stage' in stage.from && stage.from.arg ? { fromArg: stage.from.arg } : {}),
      ...(typeof stage.from === 'object' && 'image' in stage.from ? { fromImage: imageBase(stage.from, at, ['from']) } : {}),
      axes,
      name: stage.name ? { text: stage.name, origin: at('name') } : defaultName(axes, key, origin, base.optionalAxes),
      dockerfile: stage.dockerfile ? { text: stage.dockerfile, origin: at('dockerfile') } : (pathsFrom?.dockerfile ?? base.dockerfile),
      context: stage.context ? { text: stage.context, origin: at('context') } : (pathsFrom?.context ?? base.context),
      contexts: settings(stage.contexts, at, ['contexts']),
      platforms: stage.platforms ? [...stage.platforms] : undefined,
      args: settings(stage.args, at, ['args']),
      argsUnread: unreadArgs(stage.args_unread, at, ['args_unread']),
      labels: settings(stage.labels, at, ['labels']),
      secrets: secrets(stage.secrets, at, ['secrets']),
      tags: tagSpecs(stage.tags, at, ['tags']),
      ...(stage.output ? { output: outputSpecs(stage.output, at, ['output']) } : {}),
      annotations: settings(stage.annotations, at, ['annotations']),
      cache,
      only: stage.only ? selector(stage.only) : undefined,
      isDefault: stage.default ?? (anyTags ? hasTags(w) : !parents.has(key)),
      defaultIfTagged: stage.default === undefined && anyTags,
      layers: layersOf(stage, axes, at, base.optionalAxes),
      description: stage.description,
      origin,
    });
  }
  return [...resolved.values()];
}

function layersOf(stage: W.Stage, axes: string[], at: At, optionalAxes: ReadonlySet<string>): Layer[] {
  return Object.entries(stage.layers ?? {}).map(([layerKey, layer]) => {
    const layerAxes = layer.axes ? [...layer.axes] : axes;
    return {
      key: layerKey,
      target: layer.target,
      axes: layerAxes,
      name: layer.name ? { text: layer.name, origin: at('layers', layerKey, 'name') } : defaultName(layerAxes, layerKey, at('layers', layerKey), optionalAxes),
      args: settings(layer.args, at, ['layers', layerKey, 'args']),
      description: layer.description,
      origin: at('layers', layerKey),
    };
  });
}

/** The axis values, then the key, joined by "-"; an axis that does not apply is left out. */
function defaultName(axes: string[], key: string, origin: Origin, optionalAxes: ReadonlySet<string>): Template {
  return { text: [...axes.map((a) => (optionalAxes.has(a) ? `{${a}!-}` : `{${a}}-`)), key].join(''), origin };
}
