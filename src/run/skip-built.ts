// `run --skip-built` / `ci --skip-built`: leave out what is already built.
//
// Each requested image's content tag (src/inputs/content-tags.ts) is looked up
// in the registry through `docker buildx imagetools inspect` (docker's own
// credentials; at most LOOKUPS at a time, each with a time limit). A requested
// target whose content tag exists is skipped; a requested target without a
// content tag (no tags: a base, a layer) is left out too when only skipped
// targets need it (it is linked by one and by no target still built). What is
// built gets its content tag and the inputs label, so the next run finds it.
import { inputDigests, INPUTS_LABEL, type DigestOptions, type InputDigest } from '../inputs/input-digests.ts';
import type { ContextDigest } from '../inputs/context-files.ts';
import { bakeValues, contentTagOf, imageTargetOf, type ContentTemplates } from '../inputs/content-tags.ts';
import { previewBake } from '../inspect/preview-bake.ts';
import { resolveTarget } from '../inspect/resolve-target.ts';
import { linkClosures, walkLinks } from '../links/walk-links.ts';
import { parseDockerReference } from '../reference/parse-reference.ts';
import { error, type Problem, type Result } from '../problems/problem.ts';
import { formatProblems } from '../problems/format.ts';
import type { BakeFile } from '../types/bake.ts';
import { createRunner, findOnPath, type Runner } from './runner.ts';
import { checkDocker } from './preflight.ts';
import { registryLookup } from './registry-lookup.ts';

/** `docker`: look images up with `docker buildx imagetools inspect` only, never in this process. */
const REGISTRY_LOOKUP_ENV = 'BAKE_MATRIX_REGISTRY_LOOKUP';

export const LOOKUPS = 8;
const LOOKUP_TIMEOUT_MS = 60_000;

export interface Skips {
  /** Requested targets to build, in the order requested. */
  build: string[];
  /** Requested targets whose image exists under its content tag. */
  skipped: { name: string; tag: string }[];
  /** Requested targets without a content tag that only skipped targets need. */
  unneeded: string[];
}

/**
 * Which requested targets to build, given each one's content tag (undefined:
 * none) and the content tags that exist.
 */
export function decideSkips(bake: BakeFile, requested: readonly string[], tags: ReadonlyMap<string, string | undefined>, existing: ReadonlySet<string>): Skips {
  const skipped = requested.filter((n) => {
    const tag = tags.get(n);
    return tag !== undefined && existing.has(tag);
  });
  const skippedSet = new Set(skipped);
  const closureOf = linkClosures(bake.target);
  const underSkipped = new Set<string>();
  for (const s of skipped) for (const t of closureOf(s)) if (t !== s) underSkipped.add(t);
  const dropped = new Set(requested.filter((n) => !skippedSet.has(n) && tags.get(n) === undefined && underSkipped.has(n)));
  // A dropped target that a built one still links is needed after all (and so on, down).
  for (let grew = true; grew; ) {
    grew = false;
    const kept = requested.filter((n) => !skippedSet.has(n) && !dropped.has(n));
    for (const n of kept) {
      for (const t of closureOf(n)) {
        if (t !== n && dropped.delete(t)) grew = true;
      }
    }
  }
  return {
    build: requested.filter((n) => !skippedSet.has(n) && !dropped.has(n)),
    skipped: skipped.map((name) => ({ name, tag: tags.get(name)! })),
    unneeded: requested.filter((n) => dropped.has(n)),
  };
}

/**
 * --pin-bases: the current digest of every base image the targets read (FROM
 * images, `docker-image://` contexts), so that a tag moved to a new image
 * changes the digests. A base that cannot be looked up is an error: a digest
 * (and a content tag pushed under it) must never stand for a base it could not see.
 */
export async function pinBases(bake: BakeFile, names: readonly string[], options: DigestOptions, runner: Runner): Promise<Result<Map<string, string>>> {
  const first = inputDigests(bake, names, options);
  if (!first.ok) return first;
  const refs = [...new Set([...first.value.values()].flatMap((d) => d.bases))];
  const lookups = await lookupImages(runner, refs, options.env);
  const unseen = [...lookups].flatMap(([ref, l]) => (l.exists ? [] : [`${ref} (${l.why})`]));
  if (unseen.length) {
    return { ok: false, problems: [error('base-not-found', `--pin-bases: ${unseen.length === 1 ? 'the base image' : `${unseen.length} base images`} ${unseen.join(', ')} could not be looked up, so ${unseen.length === 1 ? 'its' : 'their'} current digest cannot enter the input digests.`, { hint: 'Check the name and that docker can read it (`docker buildx imagetools inspect <image>`, `docker login`), or leave out --pin-bases: bases then enter as written.' })] };
  }
  return { ok: true, value: new Map([...lookups].flatMap(([ref, l]) => (l.exists ? [[ref, l.digest] as const] : []))), warnings: [] };
}

export type Lookup = { exists: true; digest: string } | { exists: false; why: string };

/**
 * Looks up each reference (already validated), LOOKUPS at a time: asked of the
 * registry in this process when it can answer for sure (registry-lookup.ts),
 * else with `imagetools inspect`. `env` (docker's config, and
 * BAKE_MATRIX_REGISTRY_LOOKUP=docker to always ask docker): without it, docker only.
 */
export async function lookupImages(runner: Runner, refs: readonly string[], env?: Readonly<Record<string, string | undefined>>): Promise<Map<string, Lookup>> {
  const out = new Map<string, Lookup>();
  const queue = [...new Set(refs)];
  const direct = env !== undefined && env[REGISTRY_LOOKUP_ENV] !== 'docker';
  const worker = async () => {
    for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
      const parsed = parseDockerReference(ref);
      if (!parsed.ok) {
        out.set(ref, { exists: false, why: `not an image reference: ${parsed.reason}` });
        continue;
      }
      const answered = direct ? await registryLookup(parsed.value, { env: env! }) : undefined;
      if (answered) {
        out.set(ref, answered);
        continue;
      }
      const r = await runner.capture(['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'], LOOKUP_TIMEOUT_MS);
      if (r.exitCode !== 0) {
        out.set(ref, { exists: false, why: r.failure ?? (r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode}`) });
        continue;
      }
      const digest = manifestDigest(r.stdout);
      out.set(ref, digest ? { exists: true, digest } : { exists: false, why: 'imagetools inspect printed no sha256 digest' });
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS, queue.length) }, worker));
  return out;
}

/** The `digest` of the descriptor `{{json .Manifest}}` prints, when it is sha256:<64 hex>. */
function manifestDigest(stdout: string): string | undefined {
  try {
    const digest = (JSON.parse(stdout) as { digest?: unknown }).digest;
    return typeof digest === 'string' && /^sha256:[a-f0-9]{64}$/.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}

export interface SkipPlan extends Skips {
  digests: Map<string, InputDigest>;
  /** Requested target -> its content tag (undefined: none). */
  tags: Map<string, string | undefined>;
  /** Requested target -> its other content tags ({inputs} tags after the first), made from the first when it is skipped. */
  moreTags: Map<string, string[]>;
  lookups: Map<string, Lookup>;
  /** What makes the digests less useful than they could be (a context holding .git): shown with the decision. */
  warnings: Problem[];
}

/** Digests, content tags and lookups for `requested` (target names), then the decision. */
export async function planSkips(bake: BakeFile, requested: readonly string[], root: string, env: Readonly<Record<string, string | undefined>>, runner: Runner, overrides: readonly string[] = [], pin = false, templates?: ContentTemplates): Promise<Result<SkipPlan>> {
  const images = [...new Set(requested.map((n) => imageTargetOf(bake, n)))];
  const contextCache = new Map<string, ContextDigest>();
  const pinned = pin ? await pinBases(bake, [...requested, ...images], { root, env, overrides, contextCache }, runner) : undefined;
  if (pinned && !pinned.ok) return pinned;
  const digests = inputDigests(bake, [...requested, ...images], { root, env, overrides, contextCache, ...(pinned ? { pinned: pinned.value } : {}) });
  if (!digests.ok) return digests;
  const values = bakeValues(bake, env);
  const tags = new Map<string, string | undefined>();
  const moreTags = new Map<string, string[]>();
  for (const name of requested) {
    const tag = contentTagOf(bake, name, digests.value, values, templates && { templates, env });
    tags.set(name, tag.ok ? tag.tag : undefined);
    if (tag.ok && tag.tags.length > 1) moreTags.set(name, tag.tags.slice(1));
  }
  const lookups = await lookupImages(runner, [...tags.values()].filter((t): t is string => t !== undefined), env);
  const existing = new Set([...lookups].flatMap(([ref, l]) => (l.exists ? [ref] : [])));
  return { ok: true, value: { ...decideSkips(bake, requested, tags, existing), digests: digests.value, tags, moreTags, lookups, warnings: digests.warnings }, warnings: [] };
}

/**
 * The bake file to build from: each target to build and every target it
 * links gets the inputs label; each of them that is its own image (not a
 * per-platform one, which pushes by digest) gets its content tags as well
 * (its {inputs} tags, rendered, or the default one).
 */
export function withContentTags(bake: BakeFile, build: readonly string[], digests: ReadonlyMap<string, InputDigest>, env: Readonly<Record<string, string | undefined>>, templates?: ContentTemplates): BakeFile {
  const values = bakeValues(bake, env);
  const target = { ...bake.target };
  for (const name of walkLinks(bake.target, build)) {
    const digest = digests.get(name);
    if (!digest) continue;
    const resolved = resolveTarget(bake, name);
    const labels = { ...(bake.target[name]!.labels ?? {}), [INPUTS_LABEL]: digest.digest };
    const own = { ...bake.target[name]!, labels };
    if (imageTargetOf(bake, name) === name) {
      const tag = contentTagOf(bake, name, digests, values, templates && { templates, env });
      if (tag.ok) own.tags = [...(resolved.tags?.value ?? []), ...tag.tags.map(escapeBake)];
    }
    target[name] = own;
  }
  return { ...bake, target };
}

/** A literal in a bake string: `${` and `%{` doubled (a content tag holds neither, but the repository came through a variable). */
const escapeBake = (s: string) => s.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

/** The final tags of a skipped image under this run's values (tags that resolve to "" are left out). */
export function finalTags(bake: BakeFile, name: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const values = bakeValues(bake, env);
  return (resolveTarget(bake, name).tags?.value ?? []).map((t) => previewBake(t, values)).filter((t) => t !== '');
}

export interface Retag {
  image: string;
  tags: string[];
  source: string;
  exitCode?: number;
  why?: string;
}

/**
 * Skipped images whose final tags do not all point at the image of their
 * content tag get them from its digest (`imagetools create -t <tag>...
 * <repository>@<digest>`), with no build. Per-platform targets are left to
 * `bake-matrix manifest`.
 */
export async function retagSkipped(bake: BakeFile, plan: SkipPlan, env: Readonly<Record<string, string | undefined>>, runner: Runner): Promise<Retag[]> {
  const wanted = plan.skipped.filter((s) => imageTargetOf(bake, s.name) === s.name);
  const finals = new Map(wanted.map((s) => [s.name, [...finalTags(bake, s.name, env), ...(plan.moreTags.get(s.name) ?? [])]]));
  const lookups = await lookupImages(runner, [...finals.values()].flat(), env);
  const out: Retag[] = [];
  for (const s of wanted) {
    const content = plan.lookups.get(s.tag);
    if (!content?.exists) continue;
    const tags = finals.get(s.name)!.filter((t) => {
      const l = lookups.get(t);
      return !(l?.exists && l.digest === content.digest);
    });
    if (!tags.length) continue;
    const invalid = tags.filter((t) => !parseDockerReference(t).ok);
    const source = `${s.tag.slice(0, s.tag.lastIndexOf(':'))}@${content.digest}`;
    if (invalid.length) {
      out.push({ image: s.name, tags, source, why: `not image references: ${invalid.join(', ')}` });
      continue;
    }
    const r = await runner.capture(['buildx', 'imagetools', 'create', ...tags.flatMap((t) => ['-t', t]), source], LOOKUP_TIMEOUT_MS * 5);
    out.push({ image: s.name, tags, source, ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}), ...(r.exitCode === 0 ? {} : { why: r.failure ?? (r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode}`) }) });
  }
  return out;
}

/** What --skip-built decided, for people. */
export function skipText(plan: SkipPlan, retags: readonly Retag[]): string {
  const lines: string[] = [];
  for (const s of plan.skipped) lines.push(`  skip   ${s.name}: ${s.tag} exists`);
  for (const n of plan.unneeded) lines.push(`  skip   ${n}: only skipped images need it`);
  for (const n of plan.build) {
    const tag = plan.tags.get(n);
    const lookup = tag ? plan.lookups.get(tag) : undefined;
    lines.push(`  build  ${n}: ${tag ? `${tag} ${lookup && !lookup.exists ? `not found (${lookup.why})` : 'not found'}` : 'no content tag (no tags)'}`);
  }
  for (const r of retags) lines.push(`  tag    ${r.image}: ${r.tags.join(', ')} <- ${r.source}${r.why ? ` FAILED: ${r.why}` : ''}`);
  const warnings = plan.warnings.length ? formatProblems(plan.warnings, []) : '';
  return `bake-matrix: --skip-built: ${plan.build.length} to build, ${plan.skipped.length + plan.unneeded.length} skipped\n${lines.join('\n')}\n${warnings}`;
}

/**
 * The docker to look images up with. Only its presence is checked (its
 * `docker-not-found` problem): a look-up that fails counts as "not found" and
 * `run` checks buildx and the builder before it builds. Asking `buildx
 * version` here would cost a no-change run a third of its time.
 */
export async function lookupRunner(env: NodeJS.ProcessEnv, cwd: string): Promise<Result<Runner>> {
  const docker = findOnPath('docker', env);
  if (docker) return { ok: true, value: createRunner(docker, cwd, env), warnings: [] };
  const ready = await checkDocker({ runner: undefined, path: env.PATH ?? '', flags: [], needBuilder: false, builder: undefined, envBuilder: undefined, targets: [] });
  if (ready.ok) throw new Error('checkDocker accepted a missing docker');
  return ready;
}
