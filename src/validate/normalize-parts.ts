// Small shape helpers of the normaliser: one written form -> its resolved form.
import { pointerOf } from '../problems/problem.ts';
import type * as W from '../types/matrix-file.generated.ts';
import type { CacheEntry, CacheSpec, CiSpec, ImageBase, Origin, OutputSpec, StageBase, Secret, Selector, Settings, TagSpec, UnreadArg } from '../types/matrix.ts';
import { dict } from '../dict.ts';

export const DEFAULTS = {
  name: 'stack',
  dockerfile: 'Dockerfile',
  context: '.',
  platforms: ['linux/amd64'],
  cache: { mode: 'max', compression: 'zstd', export: true, ignoreError: true, layout: 'each' },
} as const;

export const BUILT_IN: Origin = { file: '(built-in)', pointer: '' };

/** The origin of a key path in one file. */
export type At = (...path: (string | number)[]) => Origin;

export function atIn(file: string, base = ''): At {
  return (...path) => ({ file, pointer: base + pointerOf(path) });
}

export function settings(input: Record<string, string | number | boolean> | undefined, at: At, path: (string | number)[]): Settings {
  const out: Settings = dict();
  for (const [key, value] of Object.entries(input ?? {})) out[key] = { text: String(value), origin: at(...path, key) };
  return out;
}

export function unreadArgs(input: readonly string[] | undefined, at: At, path: (string | number)[]): UnreadArg[] {
  return (input ?? []).map((name, i) => ({ name, origin: at(...path, i) }));
}

export function secrets(input: W.MatrixFile['secrets'], at: At, path: (string | number)[]): Secret[] {
  return (input ?? []).map((s, i) => ({ id: s.id, env: s.env, src: s.src, origin: at(...path, i) }));
}

export function selector(input: Record<string, string | string[]>): Selector {
  return dict(Object.entries(input).map(([axis, v]) => [axis, Array.isArray(v) ? [...v] : [v]]));
}

export function tagSpecs(input: W.Tags | undefined, at: At, path: (string | number)[]): TagSpec[] {
  return (input ?? []).map((t, i) => {
    const origin = at(...path, i);
    if (typeof t === 'string') return { template: { text: t, origin }, shared: false, origin };
    const conditions = t.if === undefined ? undefined : typeof t.if === 'string' ? [t.if] : [...t.if];
    return { template: { text: t.tag, origin: at(...path, i, 'tag') }, ...(t.when ? { when: selector(t.when) } : {}), shared: t.shared ?? false, ...(conditions ? { if: conditions } : {}), origin };
  });
}

export function outputSpecs(input: W.Output | W.Output1 | undefined, at: At, path: (string | number)[]): OutputSpec[] | undefined {
  if (!input) return undefined;
  return input.map((entry, i) => {
    const { type, ...options } = entry;
    return {
      type,
      options: Object.entries(options).map(([key, value]) => ({ key, value: typeof value === 'string' ? { text: value, origin: at(...path, i, key) } : value! })),
      origin: at(...path, i),
    };
  });
}

export function imageBase(input: W.FromImage, at: At, path: (string | number)[]): ImageBase {
  return { image: { text: input.image, origin: at(...path, 'image') }, ...(input.as ? { as: input.as } : {}), origin: at(...path) };
}

/** An override's parent stage: `from: <stage>` or `from: {stage, arg}`. */
export function stageBase(input: string | W.FromStage, origin: Origin): StageBase {
  return typeof input === 'string' ? { stage: input, origin } : { stage: input.stage, ...(input.arg ? { arg: input.arg } : {}), origin };
}

/** The matrix's cache (base undefined), or a stage's: its keys over the matrix's. null: no `ref` or `gha` anywhere (reported by the caller). */
export function cacheSpec(c: W.Cache | W.StageCache, base: CacheSpec | null | undefined, at: At, path: (string | number)[]): CacheSpec | null {
  const own = (key: 'ref' | 'gha') => (c[key] !== undefined ? { [key]: { text: c[key]!, origin: at(...path, key) } } : base?.[key] ? { [key]: base[key] } : {});
  const ref = own('ref');
  const gha = own('gha');
  if (!ref.ref && !gha.gha) return null;
  const list = (key: 'fallback' | 'to'): CacheEntry[] =>
    c[key] !== undefined
      ? c[key]!.map((e, i) => (typeof e === 'string' ? { type: 'registry', template: { text: e, origin: at(...path, key, i) } } : { type: 'gha', template: { text: e.gha, origin: at(...path, key, i, 'gha') } }))
      : (base?.[key] ?? []);
  const option = <K extends 'oci-mediatypes' | 'image-manifest'>(key: K, from: 'ociMediatypes' | 'imageManifest') => {
    const value = c[key] ?? base?.[from];
    return value === undefined ? {} : { [from]: value };
  };
  return {
    ...ref,
    ...gha,
    fallback: list('fallback'),
    to: list('to'),
    mode: c.mode ?? base?.mode ?? DEFAULTS.cache.mode,
    compression: c.compression ?? base?.compression ?? DEFAULTS.cache.compression,
    export: c.export ?? base?.export ?? DEFAULTS.cache.export,
    ...option('oci-mediatypes', 'ociMediatypes'),
    ...option('image-manifest', 'imageManifest'),
    ignoreError: c['ignore-error'] ?? base?.ignoreError ?? DEFAULTS.cache.ignoreError,
    layout: ('layout' in c ? c.layout : undefined) ?? base?.layout ?? DEFAULTS.cache.layout,
    origin: at(...path),
  };
}

/** `ci:` with its defaults (GitHub's 256 jobs per matrix). */
export function ciSpec(c: NonNullable<W.MatrixFile['ci']>, at: At): CiSpec {
  return { runners: dict(Object.entries(c.runners).map(([p, r]) => [p, Array.isArray(r) ? [...r] : r])), maxJobs: c['max-jobs'] ?? 256, origin: at('ci') };
}
