// `bake-matrix ci` output: plain JSON (one list of jobs with their level and
// stage, for a script), GitHub's `strategy.matrix` objects, one per stage,
// each `{ "include": [...] }` of at most max-jobs jobs, a GitLab child
// pipeline, or Buildkite steps for `buildkite-agent pipeline upload`.
//
// The GitLab and Buildkite forms hold what each job builds and where (its
// runner, level and `bake` arguments); what a job runs is the project's own:
// GitLab jobs extend the hidden job `.bake-matrix-job`, Buildkite steps run
// `.buildkite/bake-job.sh`, both with $BAKE_MATRIX_JOB (the job's id) and $BAKE
// (its arguments) set (templates/gitlab/, templates/buildkite/).
import { error, type Problem, type Result } from '../problems/problem.ts';
import { printable } from '../problems/printable.ts';
import type { CiJob, CiPlan } from './ci-jobs.ts';

export const CI_FORMATS = ['json', 'github', 'gitlab', 'buildkite'] as const;
export type CiFormat = (typeof CI_FORMATS)[number];

export function ciJson(plan: CiPlan): object {
  return { names: plan.names, levels: plan.levels, stages: plan.stages, 'max-jobs': plan.maxJobs, sharded: plan.sharded, jobs: plan.jobs };
}

/** A GitHub matrix entry: every value a string or a list, `targets` and `bake` joined by spaces for `run:`. */
function githubEntry(job: CiJob) {
  return { id: job.id, name: job.name, level: job.level, platform: job.platform, runner: job.runner, targets: job.targets.join(' '), bake: job.bake.join(' '), images: job.images.join(' '), gha: String(job.gha) };
}

export function ciGithub(plan: CiPlan): object {
  const stages = Array.from({ length: plan.stages }, (_, s) => ({ include: plan.jobs.filter((j) => j.stage === s).map(githubEntry) }));
  return { count: plan.stages, jobs: plan.jobs.length, 'max-jobs': plan.maxJobs, levels: plan.levels, 'stage-levels': stages.map((s) => s.include[0]?.level ?? -1), stages };
}

/** One line per stage and job, for stderr: what the JSON holds, and where a level was split. */
export function ciText(plan: CiPlan): string {
  const lines = [`bake-matrix ci: ${plan.jobs.length} jobs in ${plan.levels} level${plan.levels === 1 ? '' : 's'}, ${plan.stages} stage${plan.stages === 1 ? '' : 's'} (at most ${plan.maxJobs} jobs each)`];
  for (const s of plan.sharded) lines.push(`  level ${s.level} has ${s.jobs} jobs: split into ${s.stages} stages run one after the other (a GitHub matrix holds at most 256 jobs; ci.max-jobs is ${plan.maxJobs})`);
  for (const job of plan.jobs) lines.push(`  stage ${job.stage}  level ${job.level}  ${job.platform.padEnd(12)} ${job.targets.join(' ')}${job.reuses.length ? `  (reuses ${job.reuses.join(' ')})` : ''}`);
  return lines.join('\n') + '\n';
}

/** The hidden GitLab job every generated job extends, and the Buildkite step's command. */
export const GITLAB_EXTENDS = '.bake-matrix-job';
export const BUILDKITE_COMMAND = 'bash .buildkite/bake-job.sh';

/** What each generated job or step sets: its id (for its metadata file's name) and its `bake-matrix run` arguments. */
function jobVariables(job: CiJob): Record<string, string> {
  return { BAKE_MATRIX_JOB: job.id, BAKE: job.bake.join(' ') };
}

/**
 * A GitLab child pipeline (JSON, which is YAML): one stage per level,
 * `level-0` first, each job on the runners tagged with its runner label(s).
 * Levels, not max-jobs stages: GitLab has no per-matrix limit.
 */
export function ciGitlab(plan: CiPlan): object {
  const pipeline: Record<string, unknown> = { stages: Array.from({ length: plan.levels }, (_, l) => `level-${l}`) };
  for (const job of plan.jobs) {
    pipeline[job.id] = { extends: GITLAB_EXTENDS, stage: `level-${job.level}`, tags: [job.runner].flat(), variables: jobVariables(job) };
  }
  return pipeline;
}

/**
 * Buildkite steps for `buildkite-agent pipeline upload`: one group per level,
 * each after the one before; a step per job on the agents of its runner: a
 * label is the queue (`agents: {queue: <label>}`), a list is agent tags
 * `key=value`. Each step uploads its metadata file, metadata/<id>.json.
 */
export function ciBuildkite(plan: CiPlan): Result<object> {
  const problems: Problem[] = [];
  const agents = (job: CiJob): Record<string, string> | string[] => {
    if (!Array.isArray(job.runner)) return { queue: job.runner };
    for (const tag of job.runner) {
      if (!/^[^=]+=/.test(tag)) problems.push(error('buildkite-agent-tag', `The runner of ${job.platform} is a list holding "${printable(tag)}", which is not a Buildkite agent tag (key=value).`, { hint: `For Buildkite, write the runner of ${job.platform} in ci.runners as a queue name (a string) or as a list of key=value agent tags.` }));
    }
    return job.runner;
  };
  const steps = Array.from({ length: plan.levels }, (_, level) => ({
    group: `level ${level}`,
    key: `bake-matrix-level-${level}`,
    ...(level > 0 ? { depends_on: `bake-matrix-level-${level - 1}` } : {}),
    steps: plan.jobs
      .filter((job) => job.level === level)
      .map((job) => ({ label: job.name, key: `bake-matrix-${job.id}`, agents: agents(job), env: jobVariables(job), command: BUILDKITE_COMMAND, artifact_paths: `metadata/${job.id}.json` })),
  }));
  const unique = [...new Map(problems.map((p) => [p.message, p])).values()];
  return unique.length ? { ok: false, problems: unique } : { ok: true, value: { steps }, warnings: [] };
}
