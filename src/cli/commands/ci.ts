// `bake-matrix ci <group> [--format json|github|gitlab|buildkite]`: the CI jobs that build the
// group natively per platform, as JSON on stdout (see src/ci/).
import { buildGraph, graphMermaid } from '../../inspect/graph.ts';
import { appendStepSummary } from '../../run/step-summary.ts';
import { ciBuildkite, ciGithub, ciGitlab, ciJson, ciText, CI_FORMATS, type CiFormat } from '../../ci/ci-format.ts';
import { planCiJobs, stageJobs, type CiPlan } from '../../ci/ci-jobs.ts';
import { lookupRunner, planSkips, skipText } from '../../run/skip-built.ts';
import type { BakeFile } from '../../types/bake.ts';
import { contentTemplatesOf, type ContentTemplates } from '../../inputs/content-tags.ts';
import type { Io } from '../io.ts';
import { error } from '../../problems/problem.ts';
import { EXIT, type Command } from '../io.ts';
import { COMMON_OPTIONS, parseChoice, parseOptions } from '../options.ts';
import { help } from '../help.ts';
import { generateOrThrow } from '../pipeline.ts';
import { reportProblems } from '../reported-error.ts';

const HELP = `Needs \`ci:\` in the matrix (the runner of each platform). One job per platform and
set of targets: the targets every requested image needs alone are built in its job; a base
that several need is built once, in its own job, a level earlier, and the later jobs read it
from its registry cache (cache ref per target and platform) instead of building it again.

The JSON: {"jobs": [{id, name, level, stage, platform, runner, targets, images, reuses,
bake}], "levels", "stages", ...}; with --format github {"count", "stages": [{"include":
[...]}, ...]}, where each stages[i] is a strategy.matrix of at most ci.max-jobs (default
256, GitHub's limit) jobs: a level with more jobs is split into stages run one after another.
With --format gitlab, a child pipeline: a stage per level, a job per CI job extending the
hidden job .bake-matrix-job (yours to define: templates/gitlab/), tags from ci.runners;
with --format buildkite, {"steps": [...]} for \`buildkite-agent pipeline upload\`: a group
per level, a step per job running .buildkite/bake-job.sh (templates/buildkite/) on the
agents of its runner. Both set BAKE_MATRIX_JOB (the job's id) and BAKE (its arguments).

Each job runs \`npm run bake -- <bake>\` (its targets, and \`--set <target>.cache-to=\` for the
targets it reuses) with --push; then \`bake-matrix manifest <group>\` merges the platforms.
A summary of the jobs goes to stderr; with $GITHUB_STEP_SUMMARY set, the graph of the build
(\`bake-matrix graph\`, Mermaid, which GitHub draws) is appended to it.
`;

const CI_OPTIONS = { matrix: COMMON_OPTIONS.matrix, help: COMMON_OPTIONS.help, format: { type: 'string', default: 'json' }, 'max-stages': { type: 'string' }, 'skip-built': { type: 'boolean', default: false }, 'pin-bases': { type: 'boolean', default: false } } as const;

export const ciCommand: Command = {
  name: 'ci',
  summary: 'Print the CI jobs that build a group natively per platform, in dependency levels (JSON for a workflow matrix)',
  usage: 'bake-matrix ci [<group|target>...] [--format json|github|gitlab|buildkite] [--max-stages N] [--skip-built [--pin-bases]] [--matrix PATH]',
  options: CI_OPTIONS,
  optionHelp: {
    format: { arg: 'json|github|gitlab|buildkite', text: 'json (default): every job, for scripts; github: a strategy.matrix per stage; gitlab: a child pipeline; buildkite: steps to upload' },
    'max-stages': { arg: 'N', text: 'fail (exit 2) when more than N stages of jobs are needed: the stage jobs the workflow has' },
    'skip-built': { text: 'look every image up by its content tag and leave out the jobs with nothing to build; the jobs left run `bake --skip-built` (docker needed)' },
  },
  examples: ['bake-matrix ci default', 'bake-matrix ci vllm --format github --max-stages 2', 'bake-matrix ci default --format buildkite | buildkite-agent pipeline upload'],
  details: HELP,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, CI_OPTIONS, this.usage, true);
    if (values.help) return help(this, io);
    const format: CiFormat = parseChoice('format', values.format, CI_FORMATS, this.usage, 'a CI format');
    // Digits only: Number() would read "0x10" as 16, "1e1" as 10 and " 2 " as 2.
    const maxStages = values['max-stages'] === undefined ? undefined : /^[1-9][0-9]{0,8}$/.test(values['max-stages']) ? Number(values['max-stages']) : NaN;
    if (maxStages !== undefined && !(Number.isInteger(maxStages) && maxStages > 0)) throw reportProblems([error('usage', `Option --max-stages: "${values['max-stages']}" is not a positive whole number.`, { hint: `Usage: ${this.usage}` })], [], io, false);
    const generated = generateOrThrow(values.matrix, io, false);
    const planned = planCiJobs(generated.plan, positionals);
    if (!planned.ok) throw reportProblems(planned.problems, [], io, false);
    let plan = planned.value;
    if (values['skip-built']) plan = await skipBuiltJobs(generated.plan.bake, plan, generated.matrix.root, io, values['pin-bases'], contentTemplatesOf(generated.plan));
    if (maxStages !== undefined && plan.stages > maxStages) {
      throw reportProblems([error('too-many-stages', `${positionals.join(' ') || 'default'} needs ${plan.stages} stages of CI jobs (${plan.levels} dependency levels${plan.sharded.length ? `, some split at ${plan.maxJobs} jobs` : ''}), but the workflow runs ${maxStages} (--max-stages).`, { hint: `Add stage jobs to the workflow (one per stage, each needing the one before) and raise --max-stages to ${plan.stages}.` })], [], io, false);
    }
    const buildkite = format === 'buildkite' ? ciBuildkite(plan) : undefined;
    if (buildkite && !buildkite.ok) throw reportProblems(buildkite.problems, [], io, false);
    io.stderr(ciText(plan));
    // GitHub draws the Mermaid graph in the run's summary: what the jobs build, level by level.
    const graph = buildGraph(generated.plan, positionals);
    if (graph.ok) appendStepSummary(io, `### The build of ${positionals.join(' ') || 'default'}\n\n\`\`\`mermaid\n${graphMermaid(graph.value)}\`\`\`\n\n`);
    const output = format === 'github' ? ciGithub(plan) : format === 'gitlab' ? ciGitlab(plan) : buildkite?.ok ? buildkite.value : ciJson(plan);
    // GitHub's goes into $GITHUB_OUTPUT on one line; a child pipeline or upload is a file people read.
    io.stdout((format === 'gitlab' || format === 'buildkite' ? JSON.stringify(output, null, 2) : JSON.stringify(output)) + '\n');
    return EXIT.ok;
  },
};


/** ci --skip-built: the jobs with something left to build, each running `bake --skip-built`; the decision on stderr. */
async function skipBuiltJobs(bake: BakeFile, plan: CiPlan, root: string, io: Io, pin: boolean, templates: ContentTemplates): Promise<CiPlan> {
  const runner = await lookupRunner(io.env, root);
  if (!runner.ok) throw reportProblems(runner.problems, [], io, false);
  const requested = [...new Set(plan.jobs.flatMap((j) => j.targets))];
  const skips = await planSkips(bake, requested, root, io.env, runner.value, [], pin, templates);
  if (!skips.ok) throw reportProblems(skips.problems, [], io, false);
  io.stderr(skipText(skips.value, []));
  const build = new Set(skips.value.build);
  const jobs = plan.jobs.filter((j) => j.targets.some((t) => build.has(t))).map(({ stage: _stage, ...j }) => ({ ...j, bake: [...j.bake, '--skip-built', ...(pin ? ['--pin-bases'] : [])] }));
  return stageJobs(plan.names, jobs, plan.maxJobs);
}
