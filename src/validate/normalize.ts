// The one normaliser: matrix files as written -> one resolved Matrix.
// Merges the files, expands shorthands and fills every default; reports keys
// that two files both define. Reference checks are in rules.ts.
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import type { SourceFile } from '../load/source-file.ts';
import type * as W from '../types/matrix-file.generated.ts';
import type { Axis, CacheSpec, Layer, Matrix, Origin, Secret, Selector, Settings, Stage, Template, Variable } from '../types/matrix.ts';

export const DEFAULTS = {
  name: 'stack',
  dockerfile: 'Dockerfile',
  context: '.',
  platforms: ['linux/amd64'],
  cache: { mode: 'max', compression: 'zstd', export: true, layout: 'each' },
} as const;

/** Run-time values every matrix has; `variables` may redefine them. */
export const BUILT_IN_VARIABLES: Record<string, { env: string; default: string; description: string }> = {
  version: { env: 'VERSION', default: 'dev', description: 'Image version, set by CI for a release.' },
  git_sha: { env: 'GIT_SHA', default: '', description: 'Commit the images are built from.' },
};

const BUILT_IN: Origin = { file: '(built-in)', pointer: '' };

export function normalize(files: readonly SourceFile[]): { matrix: Matrix; problems: Problem[] } {
  const problems: Problem[] = [];
  const firstSeen = new Map<string, Origin>();
  /** Records that `what` is defined at `origin`; false (and a problem) when another file did. */
  const claim = (what: string, origin: Origin): boolean => {
    const earlier = firstSeen.get(what);
    if (earlier && earlier.file !== origin.file) {
      problems.push(
        error('defined-twice', `"${what}" is defined in ${earlier.file} and again here.`, {
          file: origin.file,
          pointer: origin.pointer,
          atKey: true,
          hint: 'Define it in one matrix file only.',
        }),
      );
      return false;
    }
    firstSeen.set(what, origin);
    return true;
  };

  let name: string = DEFAULTS.name;
  let dockerfile: string = DEFAULTS.dockerfile;
  let context: string = DEFAULTS.context;
  let platforms: string[] = [...DEFAULTS.platforms];
  let platformsOrigin: Origin = BUILT_IN;
  let cache: CacheSpec | null = null;
  const args: Settings = {};
  const labels: Settings = {};
  const variables = new Map<string, Variable>(
    Object.entries(BUILT_IN_VARIABLES).map(([key, v]) => [key, { key, ...v, origin: BUILT_IN }]),
  );
  const axes: Axis[] = [];
  const matrix: Matrix = { sources: files.map((f) => f.path), name, platforms, platformsOrigin, args, labels, secrets: [], variables: [], axes, exclude: [], include: [], overrides: [], stages: [], groups: [], cache };
  const written: { stage: W.Stage; origin: Origin; key: string }[] = [];

  for (const file of files) {
    const doc = file.data as W.MatrixFile;
    const at = (...path: (string | number)[]): Origin => ({ file: file.path, pointer: pointerOf(path) });
    if (doc.name !== undefined && claim('name', at('name'))) name = doc.name;
    if (doc.dockerfile !== undefined && claim('dockerfile', at('dockerfile'))) dockerfile = doc.dockerfile;
    if (doc.context !== undefined && claim('context', at('context'))) context = doc.context;
    if (doc.platforms !== undefined && claim('platforms', at('platforms'))) {
      platforms = [...doc.platforms];
      platformsOrigin = at('platforms');
    }
    if (doc.registry !== undefined && claim('variables.registry', at('registry'))) {
      variables.set('registry', { key: 'registry', env: 'REGISTRY', default: doc.registry, description: 'Registry the images are pushed to.', origin: at('registry') });
    }
    for (const [key, v] of Object.entries(doc.variables ?? {})) {
      if (!claim(`variables.${key}`, at('variables', key))) continue;
      const spec = typeof v === 'string' ? { default: v } : v;
      const builtIn = BUILT_IN_VARIABLES[key];
      variables.set(key, {
        key,
        env: spec.env ?? builtIn?.env ?? key.toUpperCase(),
        default: spec.default ?? builtIn?.default ?? '',
        description: spec.description ?? builtIn?.description,
        origin: at('variables', key),
      });
    }
    mergeSettings(args, doc.args, at, ['args'], claim);
    mergeSettings(labels, doc.labels, at, ['labels'], claim);
    matrix.secrets.push(...secrets(doc.secrets, at, ['secrets']));
    for (const [axisName, values] of Object.entries(doc.axes ?? {})) {
      if (!claim(`axes.${axisName}`, at('axes', axisName))) continue;
      axes.push({
        name: axisName,
        origin: at('axes', axisName),
        values: Object.entries(values).map(([valueName, v]) => ({
          axis: axisName,
          name: valueName,
          description: v?.description,
          args: settings(v?.args, at, ['axes', axisName, valueName, 'args']),
          labels: settings(v?.labels, at, ['axes', axisName, valueName, 'labels']),
          platforms: v?.platforms ? [...v.platforms] : undefined,
          only: selector(v?.only ?? {}),
          origin: at('axes', axisName, valueName),
        })),
      });
    }
    (doc.exclude ?? []).forEach((rule, i) => matrix.exclude.push({ selector: selector(rule), origin: at('exclude', i) }));
    (doc.include ?? []).forEach((rule, i) => matrix.include.push({ combination: { ...rule }, origin: at('include', i) }));
    (doc.overrides ?? []).forEach((o, i) =>
      matrix.overrides.push({
        when: selector(o.when),
        stages: o.stages ? [...o.stages] : undefined,
        args: settings(o.args, at, ['overrides', i, 'args']),
        labels: settings(o.labels, at, ['overrides', i, 'labels']),
        origin: at('overrides', i),
      }),
    );
    for (const [key, stage] of Object.entries(doc.stages ?? {})) {
      if (claim(`stages.${key}`, at('stages', key))) written.push({ key, stage, origin: at('stages', key) });
    }
    for (const [key, group] of Object.entries(doc.groups ?? {})) {
      if (!claim(`groups.${key}`, at('groups', key))) continue;
      const origin = at('groups', key);
      matrix.groups.push(
        Array.isArray(group)
          ? { kind: 'template', template: { text: key, origin }, stages: [...group], origin }
          : { kind: 'list', name: key, targets: [...group.targets], description: group.description, origin },
      );
    }
    if (doc.cache !== undefined && claim('cache', at('cache'))) {
      const c = doc.cache;
      cache = c === false
        ? null
        : {
            ref: { text: c.ref, origin: at('cache', 'ref') },
            fallback: (c.fallback ?? []).map((text, i) => ({ text, origin: at('cache', 'fallback', i) })),
            mode: c.mode ?? DEFAULTS.cache.mode,
            compression: c.compression ?? DEFAULTS.cache.compression,
            export: c.export ?? DEFAULTS.cache.export,
            layout: c.layout ?? DEFAULTS.cache.layout,
            origin: at('cache'),
          };
    }
  }

  matrix.name = name;
  matrix.platforms = platforms;
  matrix.platformsOrigin = platformsOrigin;
  matrix.cache = cache;
  matrix.variables = [...variables.values()];
  matrix.stages = resolveStages(written, { dockerfile, context });
  return { matrix, problems };
}

function settings(
  input: Record<string, string | number | boolean> | undefined,
  at: (...path: (string | number)[]) => Origin,
  path: (string | number)[],
): Settings {
  const out: Settings = {};
  for (const [key, value] of Object.entries(input ?? {})) out[key] = { text: String(value), origin: at(...path, key) };
  return out;
}

function mergeSettings(
  into: Settings,
  input: Record<string, string | number | boolean> | undefined,
  at: (...path: (string | number)[]) => Origin,
  path: string[],
  claim: (what: string, origin: Origin) => boolean,
): void {
  for (const [key, t] of Object.entries(settings(input, at, path))) {
    if (claim(`${path.join('.')}.${key}`, t.origin)) into[key] = t;
  }
}

function secrets(input: W.MatrixFile['secrets'], at: (...path: (string | number)[]) => Origin, path: (string | number)[]): Secret[] {
  return (input ?? []).map((s, i) => ({ id: s.id, env: s.env, src: s.src, origin: at(...path, i) }));
}

function selector(input: Record<string, string | string[]>): Selector {
  return Object.fromEntries(Object.entries(input).map(([axis, v]) => [axis, Array.isArray(v) ? [...v] : [v]]));
}

/** Orders stages parents-first (a cycle keeps file order; rules.ts reports it) and fills defaults. */
function resolveStages(written: { key: string; stage: W.Stage; origin: Origin }[], base: { dockerfile: string; context: string }): Stage[] {
  const byKey = new Map(written.map((w) => [w.key, w]));
  const ordered: typeof written = [];
  const visiting = new Set<string>();
  const visit = (w: (typeof written)[number]) => {
    if (ordered.includes(w) || visiting.has(w.key)) return;
    visiting.add(w.key);
    const parent = w.stage.from ? byKey.get(w.stage.from) : undefined;
    if (parent) visit(parent);
    visiting.delete(w.key);
    ordered.push(w);
  };
  written.forEach(visit);

  const parents = new Set(written.map((w) => w.stage.from).filter(Boolean));
  // Only requested targets are exported (pushed): tagged stages belong in the
  // default groups; without tags anywhere, the leaves do.
  const anyTags = written.some((w) => (w.stage.tags ?? []).length > 0);
  const resolved = new Map<string, Stage>();
  for (const { key, stage, origin } of ordered) {
    const at = (...path: (string | number)[]): Origin => ({ file: origin.file, pointer: origin.pointer + pointerOf(path) });
    const parent = stage.from ? resolved.get(stage.from) : undefined;
    const axes = stage.axes ? [...stage.axes] : [...(parent?.axes ?? [])];
    const layers: Layer[] = Object.entries(stage.layers ?? {}).map(([layerKey, layer]) => {
      const layerAxes = layer.axes ? [...layer.axes] : axes;
      return {
        key: layerKey,
        target: layer.target,
        axes: layerAxes,
        name: layer.name ? { text: layer.name, origin: at('layers', layerKey, 'name') } : defaultName(layerAxes, layerKey, at('layers', layerKey)),
        args: settings(layer.args, at, ['layers', layerKey, 'args']),
        description: layer.description,
        origin: at('layers', layerKey),
      };
    });
    resolved.set(key, {
      key,
      target: stage.target,
      from: stage.from,
      axes,
      name: stage.name ? { text: stage.name, origin: at('name') } : defaultName(axes, key, origin),
      dockerfile: stage.dockerfile ?? parent?.dockerfile ?? base.dockerfile,
      context: stage.context ?? parent?.context ?? base.context,
      platforms: stage.platforms ? [...stage.platforms] : undefined,
      args: settings(stage.args, at, ['args']),
      labels: settings(stage.labels, at, ['labels']),
      secrets: secrets(stage.secrets, at, ['secrets']),
      tags: (stage.tags ?? []).map((text, i) => ({ text, origin: at('tags', i) })),
      only: stage.only ? selector(stage.only) : undefined,
      isDefault: stage.default ?? (anyTags ? (stage.tags ?? []).length > 0 : !parents.has(key)),
      layers,
      description: stage.description,
      origin,
    });
  }
  return [...resolved.values()];
}

function defaultName(axes: string[], key: string, origin: Origin): Template {
  return { text: [...axes.map((a) => `{${a}}`), key].join('-'), origin };
}
