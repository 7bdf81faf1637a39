// `bake-matrix ci` output: plain JSON (one list of jobs with their level and
// stage, for GitLab, Buildkite or a script), or GitHub's `strategy.matrix`
// objects, one per stage, each `{ "include": [...] }` of at most max-jobs jobs.
import type { CiJob, CiPlan } from './ci-jobs.ts';

export const CI_FORMATS = ['json', 'github'] as const;
export type CiFormat = (typeof CI_FORMATS)[number];

export function ciJson(plan: CiPlan): object {
  return { names: plan.names, levels: plan.levels, stages: plan.stages, 'max-jobs': plan.maxJobs, sharded: plan.sharded, jobs: plan.jobs };
}

/** A GitHub matrix entry: every value a string or a list, `targets` and `bake` joined by spaces for `run:`. */
function githubEntry(job: CiJob) {
  return { id: job.id, name: job.name, level: job.level, platform: job.platform, runner: job.runner, targets: job.targets.join(' '), bake: job.bake.join(' '), images: job.images.join(' ') };
}

export function ciGithub(plan: CiPlan): object {
  const stages = Array.from({ length: plan.stages }, (_, s) => ({ include: plan.jobs.filter((j) => j.stage === s).map(githubEntry) }));
  return { count: plan.stages, jobs: plan.jobs.length, 'max-jobs': plan.maxJobs, levels: plan.levels, 'stage-levels': stages.map((s) => s.include[0]!.level), stages };
}

/** One line per stage and job, for stderr: what the JSON holds, and where a level was split. */
export function ciText(plan: CiPlan): string {
  const lines = [`bake-matrix ci: ${plan.jobs.length} jobs in ${plan.levels} level${plan.levels === 1 ? '' : 's'}, ${plan.stages} stage${plan.stages === 1 ? '' : 's'} (at most ${plan.maxJobs} jobs each)`];
  for (const s of plan.sharded) lines.push(`  level ${s.level} has ${s.jobs} jobs: split into ${s.stages} stages run one after the other (a GitHub matrix holds at most 256 jobs; ci.max-jobs is ${plan.maxJobs})`);
  for (const job of plan.jobs) lines.push(`  stage ${job.stage}  level ${job.level}  ${job.platform.padEnd(12)} ${job.targets.join(' ')}${job.reuses.length ? `  (reuses ${job.reuses.join(' ')})` : ''}`);
  return lines.join('\n') + '\n';
}
