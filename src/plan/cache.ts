// The cache of one target, in the string form every buildx since v0.10
// reads: registry refs (type=registry) and GitHub Actions scopes (type=gha).
// cache-from is its own entries then the fallbacks, cache-to its own entries
// and the extra ones (a list that names an own entry places it); an entry
// whose variable may be empty is written conditional. A ref or scope written
// by two targets is an error (buildx#3819: the last export wins, so the cache
// of one of them is lost on every build).
import { error, pathOf, type Problem } from '../problems/problem.ts';
import type { CacheEntry, CacheSpec, Origin, Template } from '../types/matrix.ts';
import { renderReference, sampleNote, sampleText } from './reference-sample.ts';
import { conditionalBake, render, type Piece, type Rendered, type RenderProblem, type Scope } from '../template/index.ts';

export interface PlannedCache {
  from: string[];
  to: string[];
}

/** ordered() of each spec and list, made once: every target of a stage has the same. */
const orderedOf = new WeakMap<CacheSpec, Map<readonly CacheEntry[], CacheEntry[]>>();

/** The target's own entries (its `ref`, then its `gha` scope), each first unless the list names it: then where it is named (read only). */
function ordered(spec: CacheSpec, list: readonly CacheEntry[]): CacheEntry[] {
  let bySpec = orderedOf.get(spec);
  if (!bySpec) orderedOf.set(spec, (bySpec = new Map()));
  let entries = bySpec.get(list);
  if (!entries) bySpec.set(list, (entries = orderedEntries(spec, list)));
  return entries;
}

function orderedEntries(spec: CacheSpec, list: readonly CacheEntry[]): CacheEntry[] {
  const own: CacheEntry[] = [];
  if (spec.ref) own.push({ type: 'registry', template: spec.ref });
  if (spec.gha) own.push({ type: 'gha', template: spec.gha });
  const named = (e: CacheEntry) => list.some((l) => l.type === e.type && l.template.text === e.template.text);
  return [...own.filter((e) => !named(e)), ...list];
}

/** A GitHub Actions cache scope: written into type=gha,scope=<scope>, so no "," or "=" and no spaces. */
const SCOPE = /^[A-Za-z0-9._\/-]{1,255}$/;

/**
 * A spec's entries as each target renders them: its distinct entries (an own entry is in cache-from
 * and cache-to, rendered and checked once), and cache-from and cache-to as indexes into them. Made
 * once per spec: every target of a stage has the same.
 */
interface CacheShape {
  unique: readonly CacheEntry[];
  from: readonly number[];
  to: readonly number[];
  /** The options of each cache-to entry, by its place in `to`. */
  toOptions: readonly string[];
}

const shapes = new WeakMap<CacheSpec, CacheShape>();

function shapeOf(spec: CacheSpec): CacheShape {
  let shape = shapes.get(spec);
  if (!shape) {
    const unique: CacheEntry[] = [];
    const indexOf = (entry: CacheEntry): number => {
      const known = unique.findIndex((u) => u.template === entry.template && u.type === entry.type);
      return known === -1 ? unique.push(entry) - 1 : known;
    };
    const from = ordered(spec, spec.fallback).map(indexOf);
    const to = spec.export ? ordered(spec, spec.to).map(indexOf) : [];
    shape = { unique, from, to, toOptions: to.map((i) => exportOptions(spec, unique[i]!.type)) };
    shapes.set(spec, shape);
  }
  return shape;
}

/** `invalid` gets a ref that is not an image reference (a "," in it would add exporter options: `,type=local,dest=...`), or a scope that is not a plain name. */
export function planCache(spec: CacheSpec, scope: Scope, report: (t: Template, problems: RenderProblem[]) => void, invalid: (p: Problem) => void = () => {}): PlannedCache | undefined {
  const { unique, from, to, toOptions } = shapeOf(spec);
  // Arrays of their final length: a pushed one has room for 16 more, and the two lists are kept in the bake target.
  const rendered = new Array<Rendered>(unique.length);
  let failed = false;
  for (let i = 0; i < unique.length; i++) {
    const one = renderEntry(unique[i]!, scope, report, invalid);
    if (one) rendered[i] = one;
    else failed = true;
  }
  if (failed) return undefined;
  const fromText = new Array<string>(from.length);
  for (let k = 0; k < from.length; k++) fromText[k] = cacheEntry(rendered[from[k]!]!, unique[from[k]!]!.type, '');
  const toText = new Array<string>(to.length);
  for (let k = 0; k < to.length; k++) toText[k] = cacheEntry(rendered[to[k]!]!, unique[to[k]!]!.type, toOptions[k]!);
  return { from: fromText, to: toText };
}

function renderEntry({ type, template: t }: CacheEntry, scope: Scope, report: (t: Template, problems: RenderProblem[]) => void, invalid: (p: Problem) => void): Rendered | undefined {
  if (type === 'registry') {
    return renderReference(t, scope, report, (text, why) =>
      invalid(error('bad-cache-ref', `The cache ref "${text}" is not an image reference: ${why}.`, {
        file: t.origin.file,
        pointer: t.origin.pointer,
        hint: 'A registry cache ref is [registry/]name[:tag], e.g. "{registry}/cache:{target}"; it is written into type=registry,ref=<ref>, so it holds no "," or "=".',
      })),
    );
  }
  const result = render(t, scope);
  if (!result.ok) {
    report(t, result.problems);
    return undefined;
  }
  const text = sampleText(result.value);
  if (SCOPE.test(text)) return result.value;
  invalid(error('bad-cache-scope', `The GitHub Actions cache scope "${text}" is not a plain name${sampleNote(result.value)}: it may hold letters, digits, ".", "_", "-" and "/" only (at most 255).`, {
    file: t.origin.file,
    pointer: t.origin.pointer,
    hint: 'Write a scope such as "{target}" or "{target}-main": it is written into type=gha,scope=<scope>, so it holds no "," or "=".',
  }));
  return undefined;
}

/**
 * `type=registry,ref=<ref><options>` or `type=gha,scope=<scope><options>`. An
 * entry that reads a run-time variable whose default is empty (`{pr_base}`,
 * `{git_sha}`) is left out while that variable is empty: an entry that is ""
 * then, which buildx drops.
 */
function cacheEntry(entry: Rendered, type: CacheEntry['type'], options: string): string {
  const head = type === 'gha' ? 'type=gha,scope=' : 'type=registry,ref=';
  const conditions = entry.usesVariables ? emptyByDefault(entry.pieces) : undefined;
  if (!conditions) return `${head}${entry.bake}${options}`;
  return conditionalBake([{ text: head }, ...entry.pieces, { text: options }], conditions);
}

/** The variables the text reads in full whose default is empty, in order of first use (requiredVariables with an empty default); undefined when none. */
function emptyByDefault(pieces: readonly Piece[]): string[] | undefined {
  let out: string[] | undefined;
  for (const piece of pieces) {
    if (!('expr' in piece) || !piece.runtime || piece.runtime.optional || piece.runtime.default !== '') continue;
    if (!out?.includes(piece.runtime.env)) (out ??= []).push(piece.runtime.env);
  }
  return out;
}

/** cache-to options: a GitHub Actions cache takes mode and ignore-error; the registry options are for registry refs. */
function exportOptions(spec: CacheSpec, type: CacheEntry['type']): string {
  let options = `,mode=${spec.mode}`;
  if (type === 'registry') {
    if (spec.compression !== 'none') options += `,compression=${spec.compression}`;
    if (spec.ociMediatypes !== undefined) options += `,oci-mediatypes=${spec.ociMediatypes}`;
    if (spec.imageManifest !== undefined) options += `,image-manifest=${spec.imageManifest}`;
  }
  if (spec.ignoreError) options += ',ignore-error=true';
  return options;
}

/** Where the `index`-th cache-to entry of a target with this cache was written. */
export function cacheToOrigin(spec: CacheSpec, index: number): Origin {
  return ordered(spec, spec.to)[index]?.template.origin ?? spec.origin;
}

/** What a cache-to entry writes: a registry ref or a GitHub Actions scope, as the collision checks compare them. */
export function cacheWritten(entry: string): { key: string; what: string } {
  const scope = /(?:^|,)scope=([^,]*)/.exec(entry)?.[1];
  if (/^(?:\$\{[^}]*\? ")?type=gha,/.test(entry) && scope !== undefined) return { key: `gha\0${scope}`, what: `GitHub Actions cache scope "${scope}"` };
  const ref = /ref=([^,]*)/.exec(entry)?.[1] ?? entry;
  return { key: ref, what: `cache ref "${ref}"` };
}

const REGISTRY_HEAD = 'type=registry,ref=';

/** cacheWritten(entry).key, without the regular expressions for the common plain registry entry. */
function writtenKey(entry: string): string {
  if (!entry.startsWith(REGISTRY_HEAD)) return cacheWritten(entry).key;
  const end = entry.indexOf(',', REGISTRY_HEAD.length);
  return end === -1 ? entry.slice(REGISTRY_HEAD.length) : entry.slice(REGISTRY_HEAD.length, end);
}

/** `file (key.path)`, for a message that names a second place. */
export function placeOf(origin: Origin): string {
  return `${origin.file} (${pathOf(origin.pointer).join('.')})`;
}

/** The problem of two targets writing one cache ref, at the place of the second writer's entry, naming the first's when it is written elsewhere. */
export function cacheRefCollision(written: { what: string }, first: { target: string; origin: Origin }, second: { target: string; origin: Origin }, why: string, hint: string): Problem {
  const samePlace = first.origin.file === second.origin.file && first.origin.pointer === second.origin.pointer;
  const places = samePlace ? '' : ` "${first.target}" writes it from ${placeOf(first.origin)}, "${second.target}" from ${placeOf(second.origin)}.`;
  return error('cache-ref-collision', `Targets "${first.target}" and "${second.target}" would both write the ${written.what}: ${why}.${places}`, {
    file: second.origin.file,
    pointer: second.origin.pointer,
    hint,
  });
}

/** Which target writes which cache ref. */
export class CacheWriters {
  /** The spec (shared by a stage's targets, no closure per target): where an entry was written is looked up only for a message. */
  private readonly writers = new Map<string, { target: string; index: number; spec: CacheSpec }>();

  /** `cacheTo`: the cache-to entries of `target`, planned from `spec`. */
  claim(cacheTo: readonly string[], target: string, spec: CacheSpec): Problem | undefined {
    for (let index = 0; index < cacheTo.length; index++) {
      const entry = cacheTo[index]!;
      const key = writtenKey(entry);
      const writer = this.writers.get(key);
      if (writer && writer.target !== target) {
        return cacheRefCollision(cacheWritten(entry), { target: writer.target, origin: cacheToOrigin(writer.spec, writer.index) }, { target, origin: cacheToOrigin(spec, index) }, 'the last export wins, so one of them loses its cache on every build (buildx#3819)', 'Put {target} into the cache ref or scope (e.g. "{registry}/cache:{target}", "{target}"), so that every target writes its own.');
      }
      this.writers.set(key, { target, index, spec });
    }
    return undefined;
  }
}
