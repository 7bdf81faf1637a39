// `bake-matrix ci <group> [--format json|github]`: the CI jobs that build the
// group natively per platform, as JSON on stdout (see src/ci/).
import { buildGraph, graphMermaid } from '../../inspect/graph.ts';
import { appendStepSummary } from '../../run/step-summary.ts';
import { ciGithub, ciJson, ciText, CI_FORMATS, type CiFormat } from '../../ci/ci-format.ts';
import { planCiJobs } from '../../ci/ci-jobs.ts';
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

Each job runs \`npm run bake -- <bake>\` (its targets, and \`--set <target>.cache-to=\` for the
targets it reuses) with --push; then \`bake-matrix manifest <group>\` merges the platforms.
A summary of the jobs goes to stderr; with $GITHUB_STEP_SUMMARY set, the graph of the build
(\`bake-matrix graph\`, Mermaid, which GitHub draws) is appended to it.
`;

const CI_OPTIONS = { matrix: COMMON_OPTIONS.matrix, help: COMMON_OPTIONS.help, format: { type: 'string', default: 'json' }, 'max-stages': { type: 'string' } } as const;

export const ciCommand: Command = {
  name: 'ci',
  summary: 'Print the CI jobs that build a group natively per platform, in dependency levels (JSON for a workflow matrix)',
  usage: 'bake-matrix ci [<group|target>...] [--format json|github] [--max-stages N] [--matrix PATH]',
  options: CI_OPTIONS,
  optionHelp: {
    format: { arg: 'json|github', text: 'json (default): every job, for GitLab, Buildkite, scripts; github: a strategy.matrix per stage' },
    'max-stages': { arg: 'N', text: 'fail (exit 2) when more than N stages of jobs are needed: the stage jobs the workflow has' },
  },
  examples: ['bake-matrix ci default', 'bake-matrix ci vllm --format github --max-stages 2'],
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
    const plan = planned.value;
    if (maxStages !== undefined && plan.stages > maxStages) {
      throw reportProblems([error('too-many-stages', `${positionals.join(' ') || 'default'} needs ${plan.stages} stages of CI jobs (${plan.levels} dependency levels${plan.sharded.length ? `, some split at ${plan.maxJobs} jobs` : ''}), but the workflow runs ${maxStages} (--max-stages).`, { hint: `Add stage jobs to the workflow (one per stage, each needing the one before) and raise --max-stages to ${plan.stages}.` })], [], io, false);
    }
    io.stderr(ciText(plan));
    // GitHub draws the Mermaid graph in the run's summary: what the jobs build, level by level.
    const graph = buildGraph(generated.plan, positionals);
    if (graph.ok) appendStepSummary(io, `### The build of ${positionals.join(' ') || 'default'}\n\n\`\`\`mermaid\n${graphMermaid(graph.value)}\`\`\`\n\n`);
    io.stdout(JSON.stringify(format === 'github' ? ciGithub(plan) : ciJson(plan)) + '\n');
    return EXIT.ok;
  },
};

