// `bake-matrix run <names> [buildx flags]`: regenerate, preflight, show what
// will run, run `docker buildx bake` on this terminal, summarise, and exit
// with buildx's exit code. See src/run/ for each step.
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { problemsAsJson } from '../../problems/format.ts';
import type { Problem } from '../../problems/problem.ts';
import { buildCommand, shellQuote } from '../../run/build-command.ts';
import { dryRunJson, dryRunText } from '../../run/dry-run.ts';
import { readMetadata, tempMetadataFile } from '../../run/metadata.ts';
import { checkDocker, checkNames } from '../../run/preflight.ts';
import { closeToKnownFlag, flagOn, flagValues, parseRunArgs } from '../../run/run-args.ts';
import { createRunner, findOnPath } from '../../run/runner.ts';
import { knownNames, selectTargets } from '../../run/select-targets.ts';
import { summarize, summaryMarkdown, summaryText } from '../../run/summary.ts';
import { EXIT, type Command, type Io } from '../io.ts';
import { COMMON_OPTIONS } from '../options.ts';
import { generateOrThrow, ReportedError, reportProblems, writeOutputs } from '../pipeline.ts';
import { help } from './generate.ts';

const HELP = `Flags other than bake-matrix's own pass through to \`docker buildx bake\` unchanged
(--push, --load, --set K=V, --print, --progress plain, --builder B, --metadata-file F, ...);
a flag buildx does not know either but that is close to one is refused with "did you mean".

Before building, it checks that docker, buildx and the builder are there, and that the
builder offers every platform of the targets (linked \`target:\` contexts included).
After a build it prints each target's platforms and digest, and appends them as Markdown
to $GITHUB_STEP_SUMMARY when set. The exit code is buildx's.
`;

export const runCommand: Command = {
  name: 'run',
  summary: 'Generate the bake file, then `docker buildx bake` the given targets or groups',
  usage: 'bake-matrix run <target|group>... [--matrix PATH] [--out DIR] [--dry-run] [--json] [docker buildx bake flags]',
  options: { matrix: COMMON_OPTIONS.matrix, out: COMMON_OPTIONS.out, 'dry-run': { type: 'boolean' }, json: COMMON_OPTIONS.json, help: COMMON_OPTIONS.help, file: { type: 'string', short: 'f', multiple: true } },
  examples: [
    'npm run bake -- vllm-cu129                      # generate, then build vllm-cu129 (the -- keeps npm off the flags)',
    'bake-matrix run vllm-cu129 --dry-run            # what it would build, without docker',
    'bake-matrix run vllm --push --progress plain    # buildx flags pass through',
    'bake-matrix run vllm-cu129 -f ci.hcl --print    # with an overlay, print the resolved targets',
  ],
  details: HELP,
  async run(args, io) {
    const run = parseRunArgs(args, this.usage);
    if (run.help) return help(this, io);
    const unknownFlag = closeToKnownFlag(run.flags);
    if (unknownFlag) throw reportProblems([unknownFlag], [], io, run.json);
    const generated = generateOrThrow(run.matrix, io, run.json);
    writeOutputs(generated, run.out, io);
    const bakeFile = join(run.out, 'docker-bake.json' in generated.outputs ? 'docker-bake.json' : Object.keys(generated.outputs)[0]!);
    const bake = generated.plan.bake;
    const overlays = flagValues(run, 'file');
    const selection = selectTargets(bake, run.names, flagValues(run, 'set'));
    const listing = flagValues(run, 'list').length > 0 || flagOn(run, 'list-targets') || flagOn(run, 'list-variables');
    const printing = flagOn(run, 'print');
    const call = flagValues(run, 'call').at(-1);
    const building = !printing && !listing && !flagOn(run, 'check') && (call === undefined || call === 'build');

    if (!listing) fail(io, run.json, checkNames(selection.unknown, knownNames(bake), bakeFile, overlays, run.flags.filter((f) => f.unknown && f.value === undefined)));

    const theirMetadata = flagValues(run, 'metadata-file').at(-1);
    const ourMetadata = building && !run.dryRun && !theirMetadata ? tempMetadataFile() : undefined;
    const command = buildCommand(run, bakeFile, ourMetadata?.path);
    /** The command as the user would type it: without the metadata file bake-matrix adds. */
    const shown = buildCommand(run, bakeFile);
    if (run.dryRun) {
      io.stdout(run.json ? JSON.stringify(dryRunJson(shown, selection), null, 2) + '\n' : dryRunText(shown, selection, overlays));
      return EXIT.ok;
    }

    try {
      const docker = findOnPath('docker', io.env);
      const runner = docker ? createRunner(docker, io.cwd, io.env) : undefined;
      const ready = await checkDocker({
        runner,
        path: io.env.PATH ?? '',
        flags: run.flags,
        needBuilder: !printing && !listing,
        builder: flagValues(run, 'builder').at(-1),
        envBuilder: io.env.BUILDX_BUILDER || undefined,
        targets: [...selection.targets, ...selection.linked],
      });
      if (!ready.ok) fail(io, run.json, ready.problems);

      io.stderr(`bake-matrix: ${shellQuote([command.command, ...command.args])}\n`);
      const started = Date.now();
      const finished = await runner!.inherit(command.args);
      if (!building) return finished.exitCode;

      const metadata = readMetadata(resolve(io.cwd, theirMetadata ?? ourMetadata!.path));
      const summary = summarize({
        names: run.names,
        command: shellQuote([shown.command, ...shown.args]),
        exitCode: finished.exitCode,
        ...(finished.forwarded ? { signal: finished.forwarded } : {}),
        seconds: (Date.now() - started) / 1000,
        targets: selection.targets,
        metadata,
        // Targets an overlay defines are known only from what buildx reports.
        others: overlays.length ? [...(metadata?.keys() ?? [])].filter((k) => !k.includes('.')) : [],
      });
      io.stderr(summaryText(summary));
      if (run.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
      const stepSummary = io.env.GITHUB_STEP_SUMMARY;
      if (stepSummary) {
        try {
          appendFileSync(resolve(io.cwd, stepSummary), summaryMarkdown(summary));
        } catch (e) {
          io.stderr(`bake-matrix: could not append the summary to GITHUB_STEP_SUMMARY (${stepSummary}): ${(e as Error).message}\n`);
        }
      }
      return finished.exitCode;
    } finally {
      ourMetadata?.dispose();
    }
  },
};

/** Preflight problems, one short block each (no code frame: they are about the machine, not the matrix). */
function fail(io: Io, json: boolean, problems: Problem[]): void {
  if (problems.length === 0) return;
  if (json) {
    io.stdout(JSON.stringify({ problems: problemsAsJson(problems, []) }, null, 2) + '\n');
    throw new ReportedError(problems, EXIT.usage);
  }
  io.stderr(problems.map((p) => `bake-matrix run: ${p.message}\n${p.hint ? `  hint: ${p.hint}\n` : ''}`).join(''));
  throw new ReportedError(problems, EXIT.usage);
}

