// Registry cache of one target, in the string form every buildx since v0.10
// reads: cache-from its own ref then the fallbacks, cache-to its own ref and
// the extra ones; a ref whose variable may be empty is written conditional. A ref written by two targets is an error (buildx#3819: the
// last export wins, so the cache of one of them is lost on every build).
import { error, pathOf, type Problem } from '../problems/problem.ts';
import type { CacheSpec, Origin, Template } from '../types/matrix.ts';
import { renderReference } from './reference-sample.ts';
import { conditionalBake, requiredVariables, type Rendered, type RenderProblem, type Scope } from '../template/index.ts';

export interface PlannedCache {
  from: string[];
  to: string[];
}

/** `invalid` gets a ref that is not an image reference (a "," in it would add exporter options: `,type=local,dest=...`). */
export function planCache(spec: CacheSpec, scope: Scope, report: (t: Template, problems: RenderProblem[]) => void, invalid: (p: Problem) => void = () => {}): PlannedCache | undefined {
  const renderRef = (t: Template): Rendered | undefined =>
    renderReference(t, scope, report, (text, why) =>
      invalid(error('bad-cache-ref', `The cache ref "${text}" is not an image reference: ${why}.`, {
        file: t.origin.file,
        pointer: t.origin.pointer,
        hint: 'A registry cache ref is [registry/]name[:tag], e.g. "{registry}/cache:{target}"; it is written into type=registry,ref=<ref>, so it holds no "," or "=".',
      })),
    );
  const ref = renderRef(spec.ref);
  if (!ref) return undefined;
  const fallback = spec.fallback.map(renderRef).filter((r) => r !== undefined);
  const extra = spec.to.map(renderRef).filter((r) => r !== undefined);
  return {
    from: [ref, ...fallback].map((r) => cacheEntry(r, '')),
    to: spec.export ? [ref, ...extra].map((r) => cacheEntry(r, exportOptions(spec))) : [],
  };
}

/**
 * `type=registry,ref=<ref><options>`. A ref that reads a run-time variable
 * whose default is empty (`{pr_base}`, `{git_sha}`) is left out while that
 * variable is empty: an entry that is "" then, which buildx drops.
 */
function cacheEntry(ref: Rendered, options: string): string {
  const conditions = requiredVariables(ref.pieces).filter((v) => v.default === '');
  if (conditions.length === 0) return `type=registry,ref=${ref.bake}${options}`;
  return conditionalBake([{ text: 'type=registry,ref=' }, ...ref.pieces, { text: options }], conditions.map((v) => v.env));
}

function exportOptions(spec: CacheSpec): string {
  let options = `,mode=${spec.mode}`;
  if (spec.compression !== 'none') options += `,compression=${spec.compression}`;
  if (spec.ociMediatypes !== undefined) options += `,oci-mediatypes=${spec.ociMediatypes}`;
  if (spec.imageManifest !== undefined) options += `,image-manifest=${spec.imageManifest}`;
  if (spec.ignoreError) options += ',ignore-error=true';
  return options;
}

/** Where the `index`-th cache-to entry of a target with this cache was written: `ref`, then each of `to`. */
export function cacheToOrigin(spec: CacheSpec, index: number): Origin {
  return index === 0 ? spec.ref.origin : (spec.to[index - 1]?.origin ?? spec.ref.origin);
}

/** `file (key.path)`, for a message that names a second place. */
export function placeOf(origin: Origin): string {
  return `${origin.file} (${pathOf(origin.pointer).join('.')})`;
}

/** The problem of two targets writing one cache ref, at the place of the second writer's entry, naming the first's when it is written elsewhere. */
export function cacheRefCollision(ref: string, first: { target: string; origin: Origin }, second: { target: string; origin: Origin }, why: string, hint: string): Problem {
  const samePlace = first.origin.file === second.origin.file && first.origin.pointer === second.origin.pointer;
  const places = samePlace ? '' : ` "${first.target}" writes it from ${placeOf(first.origin)}, "${second.target}" from ${placeOf(second.origin)}.`;
  return error('cache-ref-collision', `Targets "${first.target}" and "${second.target}" would both write the cache ref "${ref}": ${why}.${places}`, {
    file: second.origin.file,
    pointer: second.origin.pointer,
    hint,
  });
}

/** Which target writes which cache ref. */
export class CacheWriters {
  private readonly writers = new Map<string, { target: string; origin: Origin }>();

  /** `origin(i)`: where the i-th entry of `cacheTo` was written. */
  claim(cacheTo: readonly string[], target: string, origin: (index: number) => Origin): Problem | undefined {
    for (const [index, entry] of cacheTo.entries()) {
      const ref = /ref=([^,]*)/.exec(entry)?.[1] ?? entry;
      const writer = this.writers.get(ref);
      if (writer && writer.target !== target) {
        return cacheRefCollision(ref, writer, { target, origin: origin(index) }, 'the last export wins, so one of them loses its cache on every build (buildx#3819)', 'Put {target} into the cache ref (e.g. "{registry}/cache:{target}"), so that every target writes its own.');
      }
      this.writers.set(ref, { target, origin: origin(index) });
    }
    return undefined;
  }
}
