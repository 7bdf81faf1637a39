// The builds an original image list (test/fixtures/real-matrices/<case>/original.json)
// stands for, in the shape the generated bake file resolves to, so the two can
// be compared as sets. How each field of the fixture maps:
//
//   dockerfile, context, target   as they are (target null: the Dockerfile's last stage)
//   platforms, args, tags         the image's platforms, args and tags
//   variables                     run-time values: `${NAME}` in a tag or arg is the value the
//                                 test gives the bake variable NAME (the same env name)
//   platformArgs / platformTags   one build per platform (the original builds each platform
//                                 natively and merges them): args ∪ platformArgs[P], pushed tags
//                                 platformTags[P]; the image's `tags` are the merged manifest,
//                                 so they are shared by the per-platform builds (`shared: true`:
//                                 bake does not push them, `bake-matrix manifest` makes them)
//   staging                       the tags the build itself pushes before the publish step re-tags
//                                 it: names of the same image, so they are expected beside `tags`
//                                 (staging.platformTags beside platformTags)
//   sharedTags                    tags pointing at several images (one manifest list): `shared: true`
//   parentImage / dependsOn       the parent build is linked (a `target:` context); checked apart
//   runtimeTags                   not known before the build: left out, listed by the test
//   output                        the build's output (buildx's CSV form), as it is; none: []
//   cacheFrom, cacheTo            its cache-from and cache-to entries (CSV form), as they are; none: []
//
// Every other field must be listed by the case as not asserted, with the reason.
import { posix } from 'node:path';

export interface OriginalImage {
  id: string;
  dockerfile: string;
  target: string | null;
  context: string;
  platforms: string[];
  args: Record<string, string>;
  tags: string[];
  platformArgs?: Record<string, Record<string, string>>;
  platformTags?: Record<string, string[]>;
  sharedTags?: string[];
  staging?: { tags?: string[]; platformTags?: Record<string, string[]> };
  runtimeTags?: string[];
  parentImage?: string | null;
  dependsOn?: string[];
  [other: string]: unknown;
}

export interface Original {
  source: { repo: string; commit: string };
  variables?: Record<string, string>;
  images: OriginalImage[];
}

/** One build: what one bake target makes (or what the original makes for one image, or one platform of it). */
export interface Build {
  context: string;
  /** The Dockerfile's path relative to the context. */
  dockerfile: string;
  target: string | null;
  platforms: string[];
  args: Record<string, string>;
  /** Pushed by the build. */
  tags: string[];
  /** On several builds on purpose: one manifest list made after the builds. */
  shared: string[];
  /** bake `output` entries; []: buildx's default. */
  output: string[];
  cacheFrom: string[];
  cacheTo: string[];
}

/** The fields of an original image this mapping reads. */
export const MAPPED_FIELDS = ['id', 'dockerfile', 'target', 'context', 'platforms', 'args', 'tags', 'platformArgs', 'platformTags', 'sharedTags', 'staging', 'runtimeTags', 'parentImage', 'dependsOn', 'parentVariant', 'perPlatformBuild', 'output', 'cacheFrom', 'cacheTo'];

export interface ExpectedBuild extends Build {
  /** The original image it comes from. */
  image: string;
}

/** `${NAME}` in the original's text, replaced by the value the test gives NAME. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the original uses \${${name}}, which the test gives no value`);
    return value;
  });
}

/** A cache field of the original: one CSV entry (a workflow's `cache-from: type=gha`) or a list of them. */
function list(value: unknown): string[] | undefined {
  return typeof value === 'string' ? [value] : (value as string[] | undefined);
}

export function expectedBuilds(original: Original, values: Readonly<Record<string, string>>): ExpectedBuild[] {
  const sub = (texts: readonly string[] | undefined) => (texts ?? []).map((t) => substitute(t, values));
  const subArgs = (args: Record<string, string> | undefined) => Object.fromEntries(Object.entries(args ?? {}).map(([k, v]) => [k, substitute(v, values)]));
  const builds: ExpectedBuild[] = [];
  for (const image of original.images) {
    const where = { image: image.id, context: posix.normalize(image.context), dockerfile: posix.normalize(image.dockerfile), target: image.target, output: typeof image.output === 'string' ? sub([image.output]) : [], cacheFrom: sub(list(image.cacheFrom)), cacheTo: sub(list(image.cacheTo)) };
    if (image.platformArgs || image.platformTags) {
      for (const platform of image.platforms) {
        builds.push(normalized({
          ...where,
          platforms: [platform],
          args: { ...subArgs(image.args), ...subArgs(image.platformArgs?.[platform]) },
          tags: sub([...(image.platformTags?.[platform] ?? []), ...(image.staging?.platformTags?.[platform] ?? [])]),
          shared: sub([...image.tags, ...(image.staging?.tags ?? []), ...(image.sharedTags ?? [])]),
        }));
      }
    } else {
      builds.push(normalized({
        ...where,
        platforms: image.platforms,
        args: subArgs(image.args),
        tags: sub([...image.tags, ...(image.staging?.tags ?? [])]),
        shared: sub(image.sharedTags),
      }));
    }
  }
  return builds;
}

/** Sorted lists (bake's order of tags and platforms means nothing) and sorted arg names, for comparing. */
export function normalized<B extends Build>(b: B): B {
  return {
    ...b,
    platforms: [...new Set(b.platforms)].sort(),
    args: Object.fromEntries(Object.entries(b.args).sort(([x], [y]) => (x < y ? -1 : 1))),
    tags: [...new Set(b.tags)].sort(),
    shared: [...new Set(b.shared)].sort(),
  };
}

/** A build without where it comes from: equal keys, equal builds. */
export function buildKey(b: Build): string {
  const { context, dockerfile, target, platforms, args, tags, shared, output, cacheFrom, cacheTo } = normalized(b);
  return JSON.stringify({ context, dockerfile, target, platforms, args, tags, shared, output, cacheFrom, cacheTo });
}
