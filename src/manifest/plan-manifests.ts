// What `bake-matrix manifest` creates: for each tagged image of the names,
// one manifest list under its final tags from the digest of each of its
// platforms; for each `shared` tag, one manifest list from the digests of
// every image that carries it. Tags are computed as bake computes them, from
// the same run-time variables (the environment, else the defaults), and a
// tag that exists only `if` a variable is set is left out while it is empty.
import { error, pointerOf, type Problem, type Result } from '../problems/problem.ts';
import { printable } from '../problems/printable.ts';
import { isPinnedReference, parseDockerReference, parseReference } from '../reference/parse-reference.ts';
import { NAME_KEY } from '../run/metadata.ts';
import type { Plan } from '../plan/index.ts';
import { imageReferenceProblem } from '../plan/names.ts';
import type { PlannedTag } from '../plan/tags.ts';
import type { Variable } from '../types/matrix.ts';
import { resolveNames } from '../ci/resolve-names.ts';
import { evaluatePieces, type RuntimeValues } from '../template/index.ts';
import { repositoryOf } from '../plan/platform-name.ts';
import { manifestPlatform } from '../plan/shared-tags.ts';
import { IMAGE_MANIFEST_TYPES, type PushedImage } from './read-digests.ts';

export interface Manifest {
  /** The image (multi-platform target), or `shared tag <tag>`. */
  what: string;
  tags: string[];
  /**
   * One per platform: `repo@sha256:...`. A Windows image with an `os_version` also has its
   * descriptor: imagetools create does not copy os.version from the image's config into the list
   * (buildx 0.13.1), so the source is handed over as a descriptor that carries it.
   */
  sources: { platform: string; osVersion?: string; descriptor?: { mediaType: string; size: number }; target: string; ref: string }[];
}

/**
 * What one problem keeps from being made: `all` (the default) makes nothing
 * while any manifest has a problem; `group` leaves out every manifest of each
 * name (group or target) given that holds a manifest with a problem; `tag`
 * leaves out only the manifest lists with a problem (an image's, or one
 * shared tag's). Problems of the input as a whole (metadata, names) stop
 * everything whatever the scope.
 */
export const MANIFEST_SCOPES = ['all', 'group', 'tag'] as const;
export type ManifestScope = (typeof MANIFEST_SCOPES)[number];

/** A manifest list left out under a scope, and the codes of the problems that left it out. */
export interface NotMade {
  what: string;
  tags: string[];
  because: string[];
}

export interface ManifestPlan {
  /** The manifest lists to make. */
  manifests: Manifest[];
  /** Images of the names that have no tag under the current variables. */
  untagged: string[];
  /** With a scope other than `all`: the manifest lists left out, and the problems why (the command exits 2 after making the others). */
  notMade: NotMade[];
  held: Problem[];
}

/** A problem, and the manifests (by `what`) it concerns. */
interface Found {
  problem: Problem;
  concerns: string[];
}

/** `values`: every bake variable's value for this run (runtimeValues()). */
/**
 * With --skip-built (`skip`): an image whose content tag exists is made from
 * that tag's digest (one source, the manifest list already there) instead of
 * per-platform digests; every other image gets its content tag among its tags.
 */
export interface ManifestSkips {
  /** Image -> `<repository>@sha256:...` of its existing content tag. */
  existing: ReadonlyMap<string, string>;
  /** Image -> its content tag (the one looked up). */
  contentTags: ReadonlyMap<string, string>;
  /** Image -> its other content tags ({inputs} tags after the first). */
  moreTags?: ReadonlyMap<string, readonly string[]>;
}

export function planManifests(plan: Plan, names: readonly string[], pushed: ReadonlyMap<string, PushedImage>, values: RuntimeValues, files: readonly string[], scope: ManifestScope = 'all', skip?: ManifestSkips): Result<ManifestPlan> {
  const pp = plan.perPlatform;
  if (!pp) return { ok: false, problems: [error('no-ci', 'The matrix has no `ci:` key, so there are no per-platform images to merge.', { hint: 'Add `ci: { runners: {...} }` to the matrix, build the per-platform targets (`bake-matrix ci`), then merge them.' })] };
  const given = names.length ? names : ['default'];
  const resolved = resolveNames(plan, given, 'manifest');
  if (!resolved.ok) return resolved;
  const isImage = (t: string) => plan.targets.get(t)!.tags.length > 0 && plan.targets.get(t)!.platforms.length > 0;
  const images = resolved.value.filter(isImage);
  const found: Found[] = [];
  const manifests: Manifest[] = [];
  const untagged: string[] = [];
  const shared = new Map<string, { tag: PlannedTag; sources: Manifest['sources']; images: string[] }>();
  const missing: { image: string; text: string }[] = [];

  /** Sources refused (a repository that is no name, metadata naming another one): the image's manifests are not made. */
  const sourceProblems: { image: string; problem: Problem }[] = [];
  // A source is always `<the image's own repository>@sha256:<64 hex>`: the metadata may only agree.
  const sourcesOf = (image: string): Manifest['sources'] => {
    const existing = skip?.existing.get(image);
    if (existing) return [{ platform: plan.targets.get(image)!.platforms.join(','), target: image, ref: existing }];
    return plan.targets.get(image)!.platforms.flatMap((platform) => {
      const target = pp.targets.get(image)!.get(platform)!;
      const found = pushed.get(target);
      if (!found) {
        missing.push({ image, text: `${image}: ${platform} (${target})` });
        return [];
      }
      const repository = repositoryFromPlan(plan, image, values);
      const own = parseReference(repository);
      if (!own.ok || own.value.tag !== undefined || own.value.digest !== undefined) {
        sourceProblems.push({ image, problem: error('bad-repository', `The repository "${printable(repository)}" that ${target} pushes to is not an image name${own.ok ? '' : `: ${own.reason}`}.`, { hint: 'It is the repository of the first tag of the image, under the run-time variables of this run: set them as for the build jobs.' }) });
        return [];
      }
      const foreign = found.repositories.filter((r) => r !== repository);
      if (foreign.length) {
        sourceProblems.push({ image, problem: error('metadata-foreign-repository', `${target} was pushed to ${foreign.map((r) => `"${printable(r)}"`).join(', ')} (${found.file}), but its own repository is "${repository}": bake-matrix merges only images of the repository the bake file names.`, {
          file: found.file,
          pointer: pointerOf([target, NAME_KEY]),
          hint: 'Set the run-time variables (REGISTRY, ...) as for the build jobs, and pass the metadata files the builds wrote, unchanged.',
        }) });
        return [];
      }
      const ref = `${repository}@${found.digest}`;
      if (!isPinnedReference(ref, repository)) throw new Error(`internal: the manifest source ${JSON.stringify(ref)} is not ${repository}@sha256:<64 hex>`);
      const osVersion = platform.startsWith('windows/') ? plan.targets.get(image)!.osVersion : undefined;
      if (osVersion === undefined) return [{ platform, target, ref }];
      if (!found.descriptor || !IMAGE_MANIFEST_TYPES.includes(found.descriptor.mediaType)) {
        sourceProblems.push({ image, problem: error('os-version-not-settable', `${target} is a ${platform} image with os_version ${osVersion}, but ${found.file} ${found.descriptor ? `says it pushed an index (${found.descriptor.mediaType})` : 'gives no containerimage.descriptor for it'}: its manifest list entry can carry the os.version only when the build pushed one image manifest.`, {
          file: found.file,
          pointer: pointerOf([target, 'containerimage.descriptor']),
          hint: 'Build the Windows images without attestations (`--provenance=false --sbom=false`), so each pushes one image manifest, and pass the metadata files the builds wrote, unchanged.',
        }) });
        return [];
      }
      return [{ platform, osVersion, descriptor: found.descriptor, target, ref }];
    });
  };

  for (const image of images) {
    const info = plan.targets.get(image)!;
    const bad: Problem[] = [];
    const tags = finalTags(info.tags.filter((t) => !t.shared), image, values, bad).map((f) => f.text);
    const contentTag = skip?.contentTags.get(image);
    if (contentTag) for (const t of [...(skip!.existing.has(image) ? [] : [contentTag]), ...(skip!.moreTags?.get(image) ?? [])]) if (!tags.includes(t)) tags.push(t);
    const sharedTags = finalTags(info.tags.filter((t) => t.shared), image, values, bad);
    // A bad tag keeps the image's own manifest list and the shared tags it carries from being made.
    found.push(...bad.map((problem) => ({ problem, concerns: [image, ...sharedTags.map((s) => sharedWhat(s.text))] })));
    if (tags.length === 0 && sharedTags.length === 0) {
      untagged.push(image);
      continue;
    }
    const sources = sourcesOf(image);
    if (tags.length) manifests.push({ what: image, tags, sources });
    for (const { text, tag } of sharedTags) {
      const entry = shared.get(text) ?? { tag, sources: [], images: [] };
      entry.sources.push(...sources);
      entry.images.push(image);
      shared.set(text, entry);
    }
  }
  if (missing.length) {
    const concerns = [...new Set(missing.map((m) => m.image))].flatMap((image) => [image, ...[...shared].filter(([, e]) => e.images.includes(image)).map(([text]) => sharedWhat(text))]);
    found.push({
      problem: error('missing-platform', `No digest for ${missing.length} image platform${missing.length === 1 ? '' : 's'}: ${missing.map((m) => m.text).join('; ')}.`, {
        hint: `Read from: ${files.join(', ') || 'no file'}. Each per-platform build writes its digest with --metadata-file (the CI job of that platform failed, or its metadata was not passed).`,
      }),
      concerns,
    });
  }
  for (const { image, problem } of sourceProblems) found.push({ problem, concerns: [image, ...[...shared].filter(([, e]) => e.images.includes(image)).map(([text]) => sharedWhat(text))] });
  // Who carries a shared tag is decided by the tag as rendered for this run, not by the tag entry: one entry
  // (`latest{-flavor}`, `{framework}-solo:{version}`) can stand for several tags, each with its own images.
  const carriers = shared.size ? sharedCarriers(plan, values, isImage) : new Map<string, string[]>();
  for (const [tag, entry] of shared) {
    const what = sharedWhat(tag);
    const at = { file: entry.tag.origin.file, pointer: entry.tag.origin.pointer };
    const left = (carriers.get(tag) ?? []).filter((c) => !entry.images.includes(c));
    if (left.length) {
      found.push({ problem: error('shared-tag-incomplete', `The shared tag "${tag}" also stands for ${left.join(', ')}, which ${left.length === 1 ? 'is' : 'are'} not among the names: its manifest would leave ${left.length === 1 ? 'it' : 'them'} out.`, { ...at, hint: `Name ${left.join(', ')} too, or a group that holds ${left.length === 1 ? 'it' : 'them'}; or make the other manifest lists with --scope tag.` }), concerns: [what] });
      continue;
    }
    // One image per platform, Windows images told apart by os.version (generate refuses what it can tell
    // from the tag entries; this catches tags that meet only under this run's variables).
    const seen = new Map<string, string>();
    for (const s of entry.sources) {
      // An image that exists already (--skip-built) is one source for all its platforms.
      for (const platform of s.platform.split(',')) {
        const place = manifestPlatform(platform, s.osVersion);
        const other = seen.get(place);
        if (other) found.push({ problem: error('shared-tag-platform', `The shared tag "${tag}" would hold two ${place} images, of ${other} and of ${s.target}: a client could not choose between them.`, { ...at, hint: 'A shared tag stands for images of different platforms (one manifest list), or of different Windows versions (`os_version`); give the images tags of their own.' }), concerns: [what] });
        seen.set(place, s.target);
      }
    }
    // A source handed over as a descriptor is read from the tags' repository (buildx infers it from them).
    const tagRepository = parseDockerReference(tag);
    const elsewhere = entry.sources.filter((s) => s.descriptor && tagRepository.ok && !s.ref.startsWith(`${tagRepository.value.name}@`));
    if (elsewhere.length) found.push({ problem: error('os-version-other-repository', `The shared tag "${tag}" holds Windows images with an os_version from another repository (${elsewhere.map((s) => s.ref.split('@')[0]).join(', ')}): imagetools create takes them as descriptors, read from the tag's own repository.`, { ...at, hint: 'Push the Windows images to the repository of the shared tag (their first tag names it).' }), concerns: [what] });
    manifests.push({ what, tags: [tag], sources: entry.sources });
  }
  if (!found.length) return { ok: true, value: { manifests, untagged, notMade: [], held: [] }, warnings: [] };
  if (scope === 'all') return { ok: false, problems: found.map((f) => f.problem) };

  // Why each manifest is left out: the codes of its own problems, or the name given that holds one.
  const reasons = new Map<string, string[]>();
  const leaveOut = (what: string, reason: string) => {
    const list = reasons.get(what) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(what, list);
  };
  for (const f of found) for (const what of f.concerns) leaveOut(what, f.problem.code);
  if (scope === 'group') {
    // Each name given is one unit: a name that holds a manifest with a problem makes none of its manifests.
    const imagesOf = (what: string) => (what.startsWith(SHARED_PREFIX) ? (shared.get(what.slice(SHARED_PREFIX.length))?.images ?? []) : [what]);
    const withProblems = [...reasons.keys()];
    for (const name of given) {
      const members = new Set((resolveNames(plan, [name], 'manifest') as { ok: true; value: string[] }).value);
      const holds = (what: string) => imagesOf(what).some((i) => members.has(i));
      if (withProblems.some(holds)) for (const m of manifests) if (holds(m.what) && !reasons.has(m.what)) leaveOut(m.what, `${name} holds a manifest list with a problem`);
    }
  }
  const order = (what: string) => (manifests.findIndex((m) => m.what === what) + manifests.length + 1) % (manifests.length + 1);
  const notMade = [...reasons].sort(([a], [b]) => order(a) - order(b)).map(([what, because]) => ({ what, tags: manifests.find((m) => m.what === what)?.tags ?? (what.startsWith(SHARED_PREFIX) ? [what.slice(SHARED_PREFIX.length)] : []), because }));
  return { ok: true, value: { manifests: manifests.filter((m) => !reasons.has(m.what)), untagged, notMade, held: found.map((f) => f.problem) }, warnings: [] };
}

const SHARED_PREFIX = 'shared tag ';
const sharedWhat = (tag: string) => SHARED_PREFIX + tag;

/** Shared tag as rendered for this run -> every image of the plan that carries it. */
function sharedCarriers(plan: Plan, values: RuntimeValues, isImage: (t: string) => boolean): Map<string, string[]> {
  const carriers = new Map<string, string[]>();
  for (const target of plan.targets.values()) {
    if (!target.tags.some((t) => t.shared) || !isImage(target.name)) continue;
    for (const { text } of finalTags(target.tags.filter((t) => t.shared), target.name, values, [])) {
      const list = carriers.get(text) ?? [];
      if (!list.includes(target.name)) list.push(target.name);
      carriers.set(text, list);
    }
  }
  return carriers;
}

/** The tags as bake writes them under `values`, each with the tag it comes from: conditional ones left out while a condition is empty. */
function finalTags(tags: readonly PlannedTag[], image: string, values: RuntimeValues, problems: Problem[]): { text: string; tag: PlannedTag }[] {
  const out: { text: string; tag: PlannedTag }[] = [];
  for (const tag of tags) {
    if (tag.if?.some((v) => !values[v])) continue;
    const text = evaluatePieces(tag.pieces, values);
    const invalid = imageReferenceProblem(text);
    if (invalid) {
      const variables = [...new Set(tag.sources.flatMap((s) => (s.variable ? [s.variable] : [])))];
      problems.push(error('bad-tag', `The tag "${text}" of ${image} is not a valid image reference: ${invalid}.`, { file: tag.origin.file, pointer: tag.origin.pointer, hint: variables.length ? `It reads ${variables.join(', ')} from the environment: set ${variables.length === 1 ? 'it' : 'them'} as for the build jobs.` : 'Fix the tag template.' }));
      continue;
    }
    if (!out.some((o) => o.text === text)) out.push({ text, tag });
  }
  return out;
}

/** Where the image was pushed by digest when the metadata does not say: the repository of its first unconditional tag. */
function repositoryFromPlan(plan: Plan, image: string, values: RuntimeValues): string {
  const tags = plan.targets.get(image)!.tags;
  const tag = tags.find((t) => !t.if) ?? tags[0]!;
  return evaluatePieces(repositoryOf(tag.pieces) ?? tag.pieces, values);
}

/**
 * `docker buildx imagetools create -t TAG... REPO@DIGEST...`, as argv. Every
 * tag is an image reference and every source `repo@sha256:<64 hex>` (checked
 * by planManifests): one that is not is a bug, never handed to docker.
 */
export function imagetoolsArgs(manifest: Manifest): string[] {
  for (const tag of manifest.tags) {
    const parsed = parseDockerReference(tag);
    if (!parsed.ok) throw new Error(`internal: the manifest tag ${JSON.stringify(tag)} is not an image reference`);
  }
  for (const source of manifest.sources) {
    const parsed = parseReference(source.ref);
    if (!parsed.ok || !isPinnedReference(source.ref, parsed.value.name)) throw new Error(`internal: the manifest source ${JSON.stringify(source.ref)} is not repo@sha256:<64 hex>`);
  }
  return ['buildx', 'imagetools', 'create', ...manifest.tags.flatMap((t) => ['-t', t]), ...manifest.sources.map(sourceArg)];
}

/**
 * `repo@sha256:...`, or for a Windows image with an os.version its OCI descriptor as JSON (buildx
 * takes a descriptor as a source, in the repository of the tags), whose platform carries it.
 */
function sourceArg(source: Manifest['sources'][number]): string {
  if (source.osVersion === undefined || !source.descriptor) return source.ref;
  const [os, architecture, variant] = source.platform.split('/');
  const platform = { architecture, os, ...(variant ? { variant } : {}), 'os.version': source.osVersion };
  return JSON.stringify({ mediaType: source.descriptor.mediaType, digest: source.ref.slice(source.ref.indexOf('@') + 1), size: source.descriptor.size, platform });
}

/** Each bake variable as bake reads it: the environment variable of that name when set (even empty), else the default. */
export function runtimeValues(variables: readonly Variable[], env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(variables.map((v) => [v.env, env[v.env] ?? v.default]));
}
