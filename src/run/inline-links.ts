// A linked target that was not asked for is built by buildx as a build of its
// own (its own solve, cache imports and cache export) and its result handed to
// the targets that link it; its outputs are dropped (bake.go: loadLinks). Each
// such build costs buildx and BuildKit time before the first step and after
// the last, and, on a builder with no local cache, every one imports and
// exports its cache again. When the target that links it would build the very
// same stages itself, from the same Dockerfile with the same values for every
// ARG those stages read, the link changes nothing but that cost: BuildKit
// shares identical steps between the builds of one bake anyway.
//
// So `run` leaves such links out of the closure file it hands buildx: each
// target that linked T is written whole (its inherits resolved into it),
// without its `<stage> = "target:T"` contexts and with T's `cache-from`
// entries added.
// T qualifies when it is not requested and, for every target that is still
// built and links it:
//   - T builds the stage the link replaces, from the same context and
//     Dockerfile (no template in either), for the same platforms;
//   - T binds no stage differently (its contexts are among the consumer's);
//   - the consumer binds none of the stages T builds itself, and binds no name
//     T does not (an image a stage of T starts from, `name::platform`), and
//     every ARG those stages declare (and every global or predefined ARG) has
//     the same value in both; the Dockerfile is read and parsed (size-bounded,
//     inside the project root, links resolved);
//   - the consumer builds no stage FROM T's stage, or no stage on that stage's
//     FROM chain declares an ARG or has FROM --platform: built in place, a
//     stage hands the stages FROM it its ARGs (BuildKit's dockerfile2llb,
//     dispatchState.init) and its platform, which a linked result does not
//     (its image config only): their RUN steps would see other variables;
//   - no stage of T declares TARGETSTAGE (the target stage's name);
//   - the consumer keeps T's labels (it sets every key itself) and has the
//     same secrets (by id, the last entry of an id winning, as buildx keeps);
//   - when T has a cache-to, every cache-to of the consumer is mode=max and not
//     inline (which holds every step of its build, T's included). T's own
//     cache ref is then not written by this run: a later build of T on its
//     own reads the last one written;
//   - neither sets an attribute this module does not know (network, ssh, ...),
//     an empty context or a `__proto__` key; every inherited block exists.
// buildx drops an unrequested link's outputs anyway (before v0.16 it keeps its
// tags, and its docker driver loads it into the image store unless
// BUILDX_NO_DEFAULT_LOAD is set, which run sets with --push or --load).
// Overlays (-f) and --set values other than for every target ('*') turn it off.
import { resolve, sep } from 'node:path';
import { builtStages } from '../check-dockerfiles/arg-scope.ts';
import { findStage, parseDockerfile, type DockerfileModel, type DockerStage } from '../check-dockerfiles/parse-dockerfile.ts';
import { PREDEFINED_ARGS } from '../check-dockerfiles/predefined-args.ts';
import { leavesRoot } from '../check-dockerfiles/paths-inside-root.ts';
import { realPathOf } from '../check-dockerfiles/real-paths.ts';
import { resolveTarget, type ResolvedTarget } from '../inspect/resolve-target.ts';
import { DEFAULT_LIMITS } from '../load/limits.ts';
import { expandGroups, inheritsOf, walkLinks } from '../links/walk-links.ts';
import type { BakeFile, BakeTarget } from '../types/bake.ts';
import { readRegularFile } from './read-json-file.ts';

const SCHEME = 'target:';

/** Attributes whose effect on a link this module knows; a block with any other keeps its links. */
const KNOWN = new Set(['description', 'inherits', 'context', 'dockerfile', 'target', 'contexts', 'args', 'labels', 'tags', 'secret', 'platforms', 'cache-from', 'cache-to', 'output', 'annotations']);

/** `--set` keys (for every target, `*.`) that change T and its consumers alike, or only outputs. */
const SAME_FOR_ALL = /^\*\.(platform|args\.[^=]+|labels\.[^=]+|tags|output|push|load|attest|provenance|sbom|annotations)$/;

export interface InlineRequest {
  /** The names asked for (targets or groups; none means `default`). */
  names: readonly string[];
  sets: readonly string[];
  overlays: number;
  /** The project root: where buildx runs and the bake file's paths start. */
  root: string;
}

export interface Inlined {
  bake: BakeFile;
  /** The linked targets now built inside the targets that linked them, in file order. */
  inlined: string[];
}

export function inlineLinks(bake: BakeFile, request: InlineRequest): Inlined {
  const none = { bake, inlined: [] };
  if (request.overlays > 0) return none;
  if (!request.sets.every((s) => SAME_FOR_ALL.test(s.slice(0, s.includes('=') ? s.indexOf('=') : s.length)))) return none;

  const requested = new Set<string>();
  expandGroups(bake.group, request.names.length ? request.names : ['default'], (name, _root, isGroup) => {
    if (!isGroup && Object.hasOwn(bake.target, name)) requested.add(name);
  });
  const built = walkLinks(bake.target, requested);
  const candidates = built.filter((name) => !requested.has(name));
  if (candidates.length === 0) return none;

  const resolved = memo((name: string) => resolveTarget(bake, name));
  // Each target's inherits chain, walked once: whether it is of a known shape, its secrets, its whole block.
  const chainOf = memo((name: string) => chain(bake, name));
  const known = memo((name: string) => chainKnown(chainOf(name)));
  const secrets = memo((name: string) => (chainOf(name) ?? []).flatMap((block) => block.secret ?? []));
  const realRoot = realPathOf(request.root);
  const dockerfiles = new Map<string, DockerfileModel | undefined>();
  const dockerfile = (r: ResolvedTarget): DockerfileModel | undefined => {
    const context = r.context?.value ?? '.';
    const file = r.dockerfile?.value ?? 'Dockerfile';
    const path = resolve(request.root, context, file);
    if (!dockerfiles.has(path)) dockerfiles.set(path, readModel(request.root, realRoot, context, file, path));
    return dockerfiles.get(path);
  };

  // Who links whom (resolved contexts), once: a target's consumers are those still built.
  const consumersOf = new Map<string, string[]>();
  const linksOf = new Map<string, string[]>();
  for (const name of built) {
    const links = Object.values(resolved(name).contexts).flatMap((c) => (typeof c.value === 'string' && c.value.startsWith(SCHEME) ? [c.value.slice(SCHEME.length)] : []));
    linksOf.set(name, links);
    for (const link of links) {
      const list = consumersOf.get(link);
      if (list) list.push(name);
      else consumersOf.set(link, [name]);
    }
  }
  const inlined = new Set(candidates);
  const linkers = (target: string) => (consumersOf.get(target) ?? []).filter((name) => !inlined.has(name));
  const fits = (target: string, consumer: string): boolean =>
    known(target) && known(consumer) && qualifies(resolved(target), resolved(consumer), target, secrets(target), secrets(consumer), dockerfile);
  // Whether a consumer fits does not depend on what else is inlined; a target that must stay a
  // build of its own only adds itself as a consumer of its links (which can only keep more), so
  // checking each (link, consumer) pair once ends at the largest set that qualifies, in any order.
  const keep: string[] = [];
  for (const target of candidates) if (!linkers(target).every((consumer) => fits(target, consumer))) keep.push(target);
  for (let target = keep.pop(); target !== undefined; target = keep.pop()) {
    if (!inlined.delete(target)) continue;
    for (const link of linksOf.get(target) ?? []) if (inlined.has(link) && !fits(link, target)) keep.push(link);
  }
  if (inlined.size === 0) return none;

  // Per consumer: the cache-from entries it reads already, and those of its inlined links it gains.
  const reads = new Map<string, { have: Set<string>; extra: string[] }>();
  const inOrder = Object.keys(bake.target).filter((n) => inlined.has(n));
  for (const target of inOrder) {
    for (const consumer of linkers(target)) {
      let r = reads.get(consumer);
      if (!r) reads.set(consumer, (r = { have: new Set(resolved(consumer)['cache-from'].map((c) => c.value)), extra: [] }));
      for (const { value } of resolved(target)['cache-from']) if (!r.have.has(value)) r.have.add(value), r.extra.push(value);
    }
  }
  // Each consumer is written whole (its inherits resolved into it), less its links to inlined
  // targets: an inherited context cannot be removed in a child (bake merges maps key by key), and
  // a parent may bind the same stage to another target (a per-platform target's multi-platform
  // parent does). Every other block stays as it is.
  const target: Record<string, BakeTarget> = {};
  for (const [name, block] of Object.entries(bake.target)) {
    const r = reads.get(name);
    if (!r) {
      target[name] = block;
      continue;
    }
    const whole = flatten(chainOf(name) ?? []);
    const contexts = Object.entries(whole.contexts ?? {}).filter(([, v]) => !(v.startsWith(SCHEME) && inlined.has(v.slice(SCHEME.length))));
    if (contexts.length) whole.contexts = Object.fromEntries(contexts);
    else delete whole.contexts;
    if (r.extra.length) whole['cache-from'] = [...(whole['cache-from'] ?? []), ...r.extra];
    target[name] = whole;
  }
  return { bake: { ...bake, target }, inlined: inOrder };
}

function qualifies(
  t: ResolvedTarget,
  c: ResolvedTarget,
  name: string,
  tSecrets: readonly string[],
  cSecrets: readonly string[],
  dockerfile: (r: ResolvedTarget) => DockerfileModel | undefined,
): boolean {
  const keys = Object.entries(c.contexts).filter(([, v]) => v.value === SCHEME + name).map(([key]) => key);
  const stage = t.target?.value.toLowerCase();
  if (keys.length !== 1 || stage === undefined || keys[0]!.toLowerCase() !== stage) return false;
  const stageKey = keys[0]!;
  const same = (a?: { value: unknown }, b?: { value: unknown }) => JSON.stringify(a?.value) === JSON.stringify(b?.value);
  if (!same(t.context, c.context) || !same(t.dockerfile, c.dockerfile) || !same(t.platforms, c.platforms)) return false;
  if ([t.context?.value, t.dockerfile?.value].some((v) => v?.includes('${'))) return false;
  if (!Object.entries(t.contexts).every(([k, v]) => c.contexts[k]?.value === v.value)) return false;
  if (!Object.keys(t.labels).every((k) => Object.hasOwn(c.labels, k))) return false;
  if (!sameSecrets(tSecrets, cSecrets)) return false;
  const tCacheTo = t['cache-to']?.value ?? [];
  const cCacheTo = c['cache-to']?.value ?? [];
  const keepsAll = (entry: string) => {
    const fields = entry.split(',').map((f) => f.trim());
    return fields.includes('mode=max') && !fields.includes('type=inline');
  };
  if (tCacheTo.length && (cCacheTo.length === 0 || !cCacheTo.every(keepsAll))) return false;

  const model = dockerfile(t);
  const from = model && findStage(model, stage);
  const consumerStage = model && c.target && findStage(model, c.target.value);
  if (!model || !from || !consumerStage) return false;
  // The stages T builds itself (not bound by its contexts): the consumer now builds them.
  // It must not bind one of them, or a name they may start from, to something else.
  const inPlay = builtStages(model, from, new Set(Object.keys(t.contexts).map((k) => k.toLowerCase())));
  for (const key of Object.keys(c.contexts)) {
    if (key === stageKey || t.contexts[key]?.value === c.contexts[key]!.value) continue;
    const named = findStage(model, key.split('::')[0]!.toLowerCase());
    if (!named || inPlay.includes(named)) return false;
  }
  if (inPlay.some((s) => s.args.some((a) => a.name === 'TARGETSTAGE'))) return false;
  if (fromReaches(model, consumerStage, from) && !plainFromChain(model, from)) return false;
  const declared = new Set([...model.globalArgs, ...inPlay.flatMap((s) => s.args)].map((a) => a.name));
  for (const key of new Set([...Object.keys(t.args), ...Object.keys(c.args)])) {
    if (t.args[key]?.value === c.args[key]?.value) continue;
    if (declared.has(key) || PREDEFINED_ARGS.has(key) || key.startsWith('BUILDKIT_') || /^(TARGET|BUILD)[A-Z]*$/.test(key)) return false;
  }
  return true;
}

/**
 * Whether any stage the consumer could build (all links taken away) starts FROM `stage`, or
 * FROM a variable that may name it: such a stage takes `stage`'s ARGs and platform when
 * `stage` is built in place.
 */
function fromReaches(model: DockerfileModel, consumer: DockerStage, stage: DockerStage): boolean {
  return builtStages(model, consumer, NONE).some((s) => s !== stage && (s.parent === stage.index || (s.fromCandidates ?? []).includes(stage.index)));
}

/** Whether no stage on `stage`'s FROM chain (it, its FROM stage, and so on) declares an ARG, has FROM --platform or a FROM variable that may name a stage. */
function plainFromChain(model: DockerfileModel, stage: DockerStage): boolean {
  const seen = new Set<number>();
  for (let s: DockerStage | undefined = stage; s && !seen.has(s.index); s = s.parent === undefined ? undefined : model.stages[s.parent]) {
    seen.add(s.index);
    if (s.args.length || s.fromPlatform || s.fromCandidates?.length) return false;
  }
  return true;
}

const NONE: ReadonlySet<string> = new Set();

/** Secrets by id, the last entry of an id winning (buildx removes the earlier ones); equal maps, or the very same list when an entry has no id. */
function sameSecrets(a: readonly string[], b: readonly string[]): boolean {
  const byId = (list: readonly string[]) => {
    const map = new Map<string, string>();
    for (const entry of list) {
      const id = entry.split(',').map((f) => f.trim()).find((f) => f.startsWith('id='));
      if (!id) return undefined;
      map.set(id, entry);
    }
    return map;
  };
  const ma = byId(a);
  const mb = byId(b);
  if (!ma || !mb) return JSON.stringify(a) === JSON.stringify(b);
  return ma.size === mb.size && [...ma].every(([id, entry]) => mb.get(id) === entry);
}

/** The Dockerfile a target builds, parsed; undefined when it is not a regular file inside the root within the size limit. */
function readModel(root: string, realRoot: string, context: string, file: string, path: string): DockerfileModel | undefined {
  if (leavesRoot(context) || leavesRoot(file)) return undefined;
  if (!realPathOf(path).startsWith(realRoot + sep)) return undefined; // a link on the way leads out of the root
  const read = readRegularFile(path, DEFAULT_LIMITS.dockerfileSize, 'a Dockerfile');
  if (!read.ok) return undefined;
  try {
    return parseDockerfile(read.text, path.slice(root.length + 1));
  } catch {
    return undefined;
  }
}

/** Whether a target and every block it inherits set only attributes this module knows, each of the shape generated. */
function chainKnown(blocks: readonly BakeTarget[] | undefined): boolean {
  return !!blocks?.every((block) => typeof block === 'object' && block !== null && Object.entries(block).every(([k, v]) => KNOWN.has(k) && wellFormed(k, v)));
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Strings, lists of strings, or maps of strings (a null map value is bake's "not set"), as the key takes. */
function wellFormed(key: string, value: unknown): boolean {
  if (key === 'contexts' || key === 'args' || key === 'labels') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    // buildx deletes an empty context when it resolves each block (Target.normalize), which flatten does not model.
    return Object.entries(value).every(([k, v]) => k !== '__proto__' && (v === null || (isString(v) && (key !== 'contexts' || v !== ''))));
  }
  if (key === 'context' || key === 'dockerfile' || key === 'target' || key === 'description') return isString(value);
  return Array.isArray(value) && value.every(isString);
}

/** Maps merged key by key (a null is "not set"), lists appended; every other attribute replaced (bake.go: Target.Merge). */
const MERGED_MAPS = new Set(['args', 'labels', 'contexts']);
const APPENDED = new Set(['cache-from', 'secret', 'annotations']);

/** The target as bake resolves it through `inherits`, as one block without `inherits` (only KNOWN attributes: see chainKnown). */
function flatten(blocks: readonly BakeTarget[]): BakeTarget {
  const out: Record<string, unknown> = {};
  for (const block of blocks) {
    for (const [key, value] of Object.entries(block)) {
      if (key === 'inherits') continue;
      if (MERGED_MAPS.has(key)) out[key] = { ...(out[key] as object), ...Object.fromEntries(Object.entries(value as Record<string, string | null>).filter(([, v]) => v !== null)) };
      else if (APPENDED.has(key)) out[key] = [...((out[key] as string[]) ?? []), ...(value as string[])];
      else out[key] = value;
    }
  }
  return out as BakeTarget;
}

/**
 * The blocks a target's attributes come from, in the order bake merges them: each parent's
 * (in order, each resolved the same way: a block inherited twice counts twice), then its own.
 * Undefined for a cycle (bake's resolution of one is not modelled here), a missing block (buildx
 * fails on it) or a chain of more than MAX_CHAIN blocks.
 */
function chain(bake: BakeFile, name: string): BakeTarget[] | undefined {
  const out: BakeTarget[] = [];
  const path = new Set<string>();
  const visit = (n: string): boolean => {
    // Bounded in depth (the walk recurses) and in blocks (a block inherited twice counts twice).
    if (path.has(n) || path.size >= MAX_CHAIN || out.length >= MAX_CHAIN) return false;
    if (!Object.hasOwn(bake.target, n)) return false; // buildx fails on it: leave it to buildx
    path.add(n);
    const block = bake.target[n]!;
    for (const parent of inheritsOf(block)) if (!visit(parent)) return false;
    path.delete(n);
    out.push(block);
    return true;
  };
  return visit(name) ? out : undefined;
}

const MAX_CHAIN = 256;

function memo<T>(f: (name: string) => T): (name: string) => T {
  const cache = new Map<string, T>();
  return (name) => {
    if (!cache.has(name)) cache.set(name, f(name));
    return cache.get(name)!;
  };
}
