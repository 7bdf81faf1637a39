// What `bake-matrix manifest` creates: for each tagged image of the names,
// one manifest list under its final tags from the digest of each of its
// platforms; for each `shared` tag, one manifest list from the digests of
// every image that carries it. Tags are computed as bake computes them, from
// the same run-time variables (the environment, else the defaults), and a
// tag that exists only `if` a variable is set is left out while it is empty.
import { error, type Problem, type Result } from '../problems/problem.ts';
import type { Plan } from '../plan/index.ts';
import { imageReferenceProblem } from '../plan/names.ts';
import type { PlannedTag } from '../plan/tags.ts';
import type { Variable } from '../types/matrix.ts';
import { resolveNames } from '../ci/resolve-names.ts';
import { evaluatePieces, type RuntimeValues } from '../template/index.ts';
import { repositoryOf } from '../plan/platform-name.ts';
import type { PushedImage } from './read-digests.ts';

export interface Manifest {
  /** The image (multi-platform target), or `shared tag <tag>`. */
  what: string;
  tags: string[];
  /** One per platform: `repo@sha256:...`. */
  sources: { platform: string; target: string; ref: string }[];
}

export interface ManifestPlan {
  manifests: Manifest[];
  /** Images of the names that have no tag under the current variables. */
  untagged: string[];
}

/** `values`: every bake variable's value for this run (runtimeValues()). */
export function planManifests(plan: Plan, names: readonly string[], pushed: ReadonlyMap<string, PushedImage>, values: RuntimeValues, files: readonly string[]): Result<ManifestPlan> {
  const pp = plan.perPlatform;
  if (!pp) return { ok: false, problems: [error('no-ci', 'The matrix has no `ci:` key, so there are no per-platform images to merge.', { hint: 'Add `ci: { runners: {...} }` to the matrix, build the per-platform targets (`bake-matrix ci`), then merge them.' })] };
  const resolved = resolveNames(plan, names.length ? names : ['default'], 'manifest');
  if (!resolved.ok) return resolved;
  const problems: Problem[] = [];
  const images = resolved.value.filter((t) => plan.targets.get(t)!.tags.length && plan.targets.get(t)!.platforms.length);
  const manifests: Manifest[] = [];
  const untagged: string[] = [];
  const shared = new Map<string, { tag: PlannedTag; sources: Manifest['sources']; images: string[] }>();
  const missing: string[] = [];

  const sourcesOf = (image: string): Manifest['sources'] =>
    plan.targets.get(image)!.platforms.flatMap((platform) => {
      const target = pp.targets.get(image)!.get(platform)!;
      const found = pushed.get(target);
      if (!found) {
        missing.push(`${image}: ${platform} (${target})`);
        return [];
      }
      const repository = found.repository ?? repositoryFromPlan(plan, image, values);
      return [{ platform, target, ref: `${repository}@${found.digest}` }];
    });

  for (const image of images) {
    const info = plan.targets.get(image)!;
    const tags = finalTags(info.tags.filter((t) => !t.shared), image, values, problems).map((f) => f.text);
    const sharedTags = finalTags(info.tags.filter((t) => t.shared), image, values, problems);
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
    problems.push(error('missing-platform', `No digest for ${missing.length} image platform${missing.length === 1 ? '' : 's'}: ${missing.join('; ')}.`, {
      hint: `Read from: ${files.join(', ') || 'no file'}. Each per-platform build writes its digest with --metadata-file (the CI job of that platform failed, or its metadata was not passed).`,
    }));
  }
  for (const [tag, entry] of shared) {
    const carriers = [...plan.targets.values()].filter((t) => t.tags.some((x) => x.shared && x.origin === entry.tag.origin)).map((t) => t.name);
    const left = carriers.filter((c) => !entry.images.includes(c));
    if (left.length) {
      problems.push(error('shared-tag-incomplete', `The shared tag "${tag}" also stands for ${left.join(', ')}, which ${left.length === 1 ? 'is' : 'are'} not among the names: its manifest would leave ${left.length === 1 ? 'it' : 'them'} out.`, { file: entry.tag.origin.file, pointer: entry.tag.origin.pointer, hint: `Name ${left.join(', ')} too, or a group that holds them.` }));
      continue;
    }
    const seen = new Map<string, string>();
    for (const s of entry.sources) {
      const other = seen.get(s.platform);
      if (other) problems.push(error('shared-tag-platform', `The shared tag "${tag}" would hold two ${s.platform} images, of ${other} and of ${s.target}: a client could not choose between them.`, { file: entry.tag.origin.file, pointer: entry.tag.origin.pointer, hint: 'A shared tag stands for images of different platforms (one manifest list); give the images tags of their own.' }));
      seen.set(s.platform, s.target);
    }
    manifests.push({ what: `shared tag ${tag}`, tags: [tag], sources: entry.sources });
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: { manifests, untagged }, warnings: [] };
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

/** `docker buildx imagetools create -t TAG... REPO@DIGEST...`, as argv. */
export function imagetoolsArgs(manifest: Manifest): string[] {
  return ['buildx', 'imagetools', 'create', ...manifest.tags.flatMap((t) => ['-t', t]), ...manifest.sources.map((s) => s.ref)];
}

/** Each bake variable as bake reads it: the environment variable of that name when set (even empty), else the default. */
export function runtimeValues(variables: readonly Variable[], env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(variables.map((v) => [v.env, env[v.env] ?? v.default]));
}
