// The CI jobs of a group: one job per (target closure, platform), in
// dependency levels, sharded into stages of at most `max-jobs` jobs.
//
// Per platform, the requested targets that no other requested target links
// are the *tops*. Every target of their closures (the `target:` links, all the
// way down) is built by exactly one job: the targets that the same set of
// tops needs form one job. A base that several tops need (base-cu129 and
// torch-cu129, needed by vLLM and SGLang) is thus its own job, and a job that
// links a target of another job comes a level after it. A later job still
// links that target (bake builds it again), but reads everything from the
// registry cache the earlier job wrote (cache ref per target and platform),
// and does not write that cache again (`--set <target>.cache-to=`).
import { error, type Result } from '../problems/problem.ts';
import type { Plan } from '../plan/index.ts';
import { runnerKeyOf } from '../plan/runner-of.ts';
import type { PerPlatform } from '../plan/per-platform.ts';
import { resolveNames } from './resolve-names.ts';
import { NAME } from '../plan/names.ts';
import { linkClosures, linksOf } from '../links/walk-links.ts';
import { resolveTarget } from '../inspect/resolve-target.ts';

export interface CiJob {
  /** Unique, usable in file and artifact names: `<level>-<first top>`. */
  id: string;
  /** For people: its tops and platform. */
  name: string;
  level: number;
  /** Which stage (matrix) runs it: levels in order, each split into chunks of at most max-jobs. */
  stage: number;
  platform: string;
  runner: string | string[];
  /** The per-platform targets it builds (and exports), parents first. */
  targets: string[];
  /** The tagged images among them (their multi-platform names), which it pushes by digest. */
  images: string[];
  /** Per-platform targets of earlier jobs it links, read from their cache. */
  reuses: string[];
  /** The arguments of `npm run bake --` (or `bake-matrix run`). */
  bake: string[];
  /**
   * Whether a target it builds reads or writes a GitHub Actions cache (`type=gha`): buildx drops such an
   * entry without a word unless the job's environment holds the runner's cache token and URL.
   */
  gha: boolean;
}

export interface CiPlan {
  names: string[];
  jobs: CiJob[];
  levels: number;
  stages: number;
  maxJobs: number;
  /** Levels split into several stages: level -> number of jobs. */
  sharded: { level: number; jobs: number; stages: number }[];
}

export function planCiJobs(plan: Plan, names: readonly string[]): Result<CiPlan> {
  const pp = plan.perPlatform;
  if (!pp) {
    return { ok: false, problems: [error('no-ci', 'The matrix has no `ci:` key, so the bake file has no per-platform targets to make CI jobs of.', { hint: 'Add `ci: { runners: { linux/amd64: ubuntu-24.04, linux/arm64: ubuntu-24.04-arm } }` to the matrix (one runner per platform).' })] };
  }
  const resolved = resolveNames(plan, names.length ? names : ['default'], 'ci');
  if (!resolved.ok) return resolved;
  const requested = { value: resolved.value.filter((t) => plan.targets.get(t)?.platforms.length) };
  if (requested.value.length === 0) return { ok: false, problems: [error('nothing-to-build', `${names.join(', ') || 'default'} select${names.length === 1 ? 's' : ''} no target with platforms.`)] };
  const order = new Map(Object.keys(plan.bake.target).map((n, i) => [n, i]));
  const byOrder = (a: string, b: string) => order.get(a)! - order.get(b)!;
  const jobs: Omit<CiJob, 'stage'>[] = [];
  const platforms = [...new Set(requested.value.flatMap((t) => plan.targets.get(t)!.platforms))];
  for (const platform of platforms) jobs.push(...jobsOf(plan, pp, requested.value, platform, byOrder));
  jobs.sort((a, b) => a.level - b.level || platforms.indexOf(a.platform) - platforms.indexOf(b.platform) || byOrder(a.targets[0]!, b.targets[0]!));
  return { ok: true, value: stageJobs(names, jobs, pp.maxJobs), warnings: [] };
}

/**
 * Jobs (sorted by level) into stages: each level in order, split into chunks of
 * at most `maxJobs`. Levels left without a job (ci --skip-built leaves jobs
 * out) are closed up, so that stage i+1 always follows a stage i that has jobs.
 */
export function stageJobs(names: readonly string[], jobs: readonly Omit<CiJob, 'stage'>[], maxJobs: number): CiPlan {
  const present = [...new Set(jobs.map((j) => j.level))].sort((a, b) => a - b);
  const staged: CiJob[] = [];
  const sharded: CiPlan['sharded'] = [];
  let stage = 0;
  present.forEach((old, level) => {
    const here = jobs.filter((j) => j.level === old);
    const chunks = Math.ceil(here.length / maxJobs);
    if (chunks > 1) sharded.push({ level, jobs: here.length, stages: chunks });
    here.forEach((job, i) => staged.push({ ...job, level, stage: stage + Math.floor(i / maxJobs) }));
    stage += chunks;
  });
  return { names: [...names], jobs: staged, levels: present.length, stages: stage, maxJobs, sharded };
}

function jobsOf(plan: Plan, pp: PerPlatform, requested: readonly string[], platform: string, byOrder: (a: string, b: string) => number): Omit<CiJob, 'stage'>[] {
  const variant = (t: string) => pp.targets.get(t)?.get(platform);
  const closure = linkClosures(plan.bake.target);
  const wanted = requested.map(variant).filter((v): v is string => v !== undefined);
  const tops = wanted.filter((t) => !wanted.some((o) => o !== t && closure(o).has(t)));
  /** Target -> the tops whose closure holds it: the job it belongs to. */
  const keyOf = new Map<string, string>();
  for (const top of tops) for (const t of closure(top)) keyOf.set(t, [keyOf.get(t), top].filter(Boolean).join(' '));
  const members = new Map<string, string[]>();
  for (const [t, key] of keyOf) members.set(key, [...(members.get(key) ?? []), t]);

  const levelOf = new Map<string, number>();
  const level = (key: string): number => {
    const known = levelOf.get(key);
    if (known !== undefined) return known;
    const below = members.get(key)!.flatMap((t) => linksOf(plan.bake.target[t])).map((l) => keyOf.get(l)!).filter((k) => k !== key);
    const value = below.length ? 1 + Math.max(...below.map(level)) : 0;
    levelOf.set(key, value);
    return value;
  };
  const asked = new Set(wanted);
  return [...members.entries()].map(([key, all]) => {
    all.sort(byOrder);
    // Tagged targets the names do not ask for are built as links only: not pushed.
    const filtered = all.filter((t) => asked.has(t) || plan.targets.get(pp.of.get(t)!.target)!.tags.length === 0);
    const targets = filtered.length ? filtered : all; // never an empty call: bake would build `default`
    const own = new Set(all);
    const jobTops = all.filter((t) => !all.some((o) => o !== t && closure(o).has(t)));
    const reuses = [...new Set(all.flatMap((t) => [...closure(t)]))].filter((t) => !own.has(t)).sort(byOrder);
    const originals = (list: string[]) => list.map((t) => pp.of.get(t)!.target);
    const lvl = level(key);
    // Every image of a job is of one Windows release, or of none: the first top's os.version picks the runner.
    const osVersion = originals(jobTops).map((t) => plan.targets.get(t)?.osVersion).find((v) => v !== undefined);
    const runner = pp.runners[runnerKeyOf(pp.runners, platform, osVersion)!]!;
    return {
      id: `${lvl}-${jobTops[0]}`,
      name: `${originals(jobTops).join(', ')} (${platform})`,
      level: lvl,
      platform,
      runner,
      targets,
      images: originals(targets.filter((t) => asked.has(t))).filter((t) => plan.targets.get(t)!.tags.length > 0),
      reuses,
      bake: bakeArgs(targets, reuses),
      gha: [...targets, ...reuses].some((t) => usesGhaCache(plan.bake, t)),
    };
  });
}

/** Whether a target's cache entries, its own or inherited (as bake resolves them), include a `type=gha` one. */
function usesGhaCache(bake: Plan['bake'], name: string): boolean {
  const resolved = resolveTarget(bake, name);
  return [...resolved['cache-from'].map((c) => c.value), ...(resolved['cache-to']?.value ?? [])].some((e) => e.startsWith('type=gha'));
}

/**
 * A job's `npm run bake --` arguments: target names, then `--set <target>.cache-to=`.
 * Generated names are [a-zA-Z0-9_-] and never start with "-": one that would
 * become an option (or more than one word) is a bug, never printed.
 */
function bakeArgs(targets: readonly string[], reuses: readonly string[]): string[] {
  for (const name of [...targets, ...reuses]) {
    if (!NAME.test(name) || name.startsWith('-')) throw new Error(`internal: the CI job argument ${JSON.stringify(name)} is not a target name`);
  }
  return [...targets, ...reuses.flatMap((t) => ['--set', `${t}.cache-to=`])];
}
