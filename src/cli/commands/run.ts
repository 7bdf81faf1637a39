// `bake-matrix run <names> [buildx flags]`: regenerate, preflight, show what
// will run, run `docker buildx bake` on this terminal, summarise, and exit
// with buildx's exit code. See src/run/ for each step.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { problemsAsJson } from '../../problems/format.ts';
import type { Problem } from '../../problems/problem.ts';
import type { BakeFile } from '../../types/bake.ts';
import { BAKE_FILE_NAMES } from '../../emit/emit-bake.ts';
import { emitJson } from '../../emit/json.ts';
import { buildCommand, commandLine, nameProblems } from '../../run/build-command.ts';
import { buildxEnv } from '../../run/default-load.ts';
import { requestClosure } from '../../run/closure.ts';
import { withoutRepeatedCacheFrom } from '../../run/cache-from-repeats.ts';
import { inlineLinks } from '../../run/inline-links.ts';
import { CLOSURE_DIR, writeClosureFile } from '../../run/closure-file.ts';
import { dryRunJson, dryRunText } from '../../run/dry-run.ts';
import { recordGeneration, reuseGeneration } from '../../run/generation-record.ts';
import { readMetadata, tempMetadataFile } from '../../run/metadata.ts';
import { linkedOutputDests } from '../../run/output-dests.ts';
import { askDocker, checkDocker, checkNames } from '../../run/preflight.ts';
import { unsafeVariableValues } from '../../run/variable-values.ts';
import { closeToKnownFlag, flagOn, flagValues, parseRunArgs, RUN_OPTIONS, type RunArgs } from '../../run/run-args.ts';
import { fromRoot, rebaseRunPaths } from '../../run/rebase-paths.ts';
import { createRunner, findOnPath } from '../../run/runner.ts';
import { knownNames, selectTargets } from '../../run/select-targets.ts';
import { appendStepSummary } from '../../run/step-summary.ts';
import type { ContentTemplates } from '../../inputs/content-tags.ts';
import { summarize, summaryMarkdown, summaryText } from '../../run/summary.ts';
import { EXIT, type Command, type Io } from '../io.ts';
import { ReportedError, reportProblems } from '../reported-error.ts';
import { withWarningsJson } from '../warnings-json.ts';
import { help } from '../help.ts';

const HELP = `Flags other than bake-matrix's own pass through to \`docker buildx bake\` unchanged
(--push, --load, --set K=V, --print, --progress plain, --builder B, --metadata-file F, ...);
a flag buildx does not know either but that is close to one is refused with "did you mean".

buildx gets only what the names need: their groups and targets, every inherited and linked
target, and the variables they use, written to <out>/.bake-matrix/run-<hash>.json (buildx
reads and resolves it much faster than the whole file). --full-file (and an overlay read from
stdin) hands it the whole file. Either leaves out cache-from entries that are empty or repeat one
the target has under this run's variables (buildx v0.20+ leaks them between sibling targets).
A linked target that was not asked for is built inside the targets that link it when they
would build the very same stages with the same args and platforms (one build instead of
several: fewer solves, cache imports and exports); --keep-links builds each on its own.

Before building, it checks that docker, buildx and the builder are there, and that the
builder offers every platform of the targets (linked \`target:\` contexts included).
After a build it prints each target's platforms and digest, and appends them as Markdown
to $GITHUB_STEP_SUMMARY when set. The exit code is buildx's.
`;

export const runCommand: Command = {
  name: 'run',
  summary: 'Generate the bake file, then `docker buildx bake` the given targets or groups',
  usage: 'bake-matrix run <target|group>... [--matrix PATH] [--out DIR] [--dry-run] [--full-file] [--skip-built [--pin-bases]] [--json] [-f FILE]... [docker buildx bake flags]',
  // -f is buildx's, listed because the help explains overlays.
  options: { ...RUN_OPTIONS, file: { type: 'string', short: 'f', multiple: true } },
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
    fail(io, run.json, nameProblems(run.names));
    const unknownFlag = closeToKnownFlag(run.flags);
    if (unknownFlag) throw reportProblems([unknownFlag], [], io, run.json);
    const current = await currentBake(run, io);
    // A new generation's files are written while docker answers the preflight (below), or on the
    // way out when the run stops before it: they are current whatever happens next.
    try {
      return await afterGeneration(run, io, current);
    } finally {
      current.write();
    }
  },
};

/** The rest of `run`, once the model is there: checks, --skip-built, the preflight, buildx and its summary. */
async function afterGeneration(run: RunArgs, io: Io, current: CurrentBake): Promise<number> {
  const { bake, out, root, warnings, contentTags } = current;
  // buildx runs in the project root: every path it reads is written from there.
  const bakeFile = fromRoot(join(out, BAKE_FILE_NAMES.json), io.cwd, root);
  run = rebaseRunPaths(run, io.cwd, root);
  const overlays = flagValues(run, 'file');
  let selection = selectTargets(bake, run.names, flagValues(run, 'set'));
  const listing = flagValues(run, 'list').length > 0 || flagOn(run, 'list-targets') || flagOn(run, 'list-variables');
  const printing = flagOn(run, 'print');
  const call = flagValues(run, 'call').at(-1);
  const building = !printing && !listing && !flagOn(run, 'check') && (call === undefined || call === 'build');

  if (!listing) fail(io, run.json, checkNames(selection.unknown, knownNames(bake), bakeFile, overlays, run.flags.filter((f) => f.unknown && f.value === undefined)));

  // --skip-built: look the images up, leave out what exists, tag and label what is built.
  let handedBake = bake;
  if (run.skipBuilt && building && !run.dryRun) {
    // Loaded only here: the digests, the look-ups and the retagging are for --skip-built alone.
    const [{ lookupRunner, planSkips, retagSkipped, skipText, withContentTags }, { buildSets }] = await Promise.all([import('../../run/skip-built.ts'), import('../../inputs/input-digests.ts')]);
    const lookup = await lookupRunner(io.env, root);
    if (!lookup.ok) {
      fail(io, run.json, lookup.problems);
      return EXIT.usage;
    }
    const runner = lookup.value;
    const planned = await planSkips(bake, selection.targets.map((t) => t.name), root, io.env, runner, buildSets(flagValues(run, 'set')), run.pinBases, contentTags);
    if (!planned.ok) throw reportProblems(planned.problems, [], io, run.json);
    const retags = flagOn(run, 'push') ? await retagSkipped(bake, planned.value, io.env, runner) : [];
    if (!run.json) io.stderr(skipText(planned.value, retags));
    const retagFailed = retags.some((r) => r.exitCode !== 0);
    if (planned.value.build.length === 0) {
      if (run.json) io.stdout(JSON.stringify(withWarningsJson({ built: [], skipped: planned.value.skipped, unneeded: planned.value.unneeded, retagged: retags }, warnings), null, 2) + '\n');
      else io.stderr('bake-matrix: every requested image exists: nothing handed to buildx.\n');
      return retagFailed ? EXIT.failed : EXIT.ok;
    }
    handedBake = withContentTags(bake, planned.value.build, planned.value.digests, io.env, contentTags);
    run = { ...run, names: planned.value.build, fullFile: false };
    selection = selectTargets(handedBake, run.names, flagValues(run, 'set'));
  }
  if (!run.dryRun && !listing) {
    const built = [...selection.targets, ...selection.linked].map((t) => t.name);
    fail(io, run.json, [...unsafeVariableValues(handedBake, built, io.env), ...(building ? linkedOutputDests(handedBake, selection.targets.map((t) => t.name), root) : [])]);
  }
  const docker = run.dryRun ? undefined : findOnPath('docker', io.env);
  const runner = docker ? createRunner(docker, root, io.env) : undefined;
  const check = {
    runner,
    path: io.env.PATH ?? '',
    flags: run.flags,
    needBuilder: !printing && !listing,
    builder: flagValues(run, 'builder').at(-1),
    envBuilder: io.env.BUILDX_BUILDER || undefined,
    targets: [...selection.targets, ...selection.linked],
  };
  // Docker answers (0.1-0.3 s) while a new generation's bake files are written and recorded
  // (about 0.1 s at 10 000 targets); the closure file comes after them, in the folder they checked.
  const asked = run.dryRun ? undefined : askDocker(check);
  current.write();
  // buildx reads the blocks the names need, not the whole file (listing wants every name).
  const { path: handed, inlined } = listing ? { path: bakeFile, inlined: [] } : handedFile(handedBake, bake, bakeFile, run, overlays, out, resolve(io.cwd, out), root, io.env);

  const theirMetadata = flagValues(run, 'metadata-file').at(-1);
  const ourMetadata = building && !run.dryRun && !theirMetadata ? tempMetadataFile() : undefined;
  const env = building ? buildxEnv(run, io.env) : {};
  const command = buildCommand(run, handed, ourMetadata?.path, env);
  /** The command as the user would type it: without the metadata file bake-matrix adds. */
  const shown = buildCommand(run, handed, undefined, env);
  const here = root === resolve(io.cwd);
  if (run.dryRun) {
    if (run.skipBuilt && building && !run.json) io.stderr('bake-matrix: --skip-built: nothing looked up under --dry-run; this is the plan before any image is skipped (`bake-matrix hash` shows the content tags it would look up).\n');
    io.stdout(run.json ? JSON.stringify(withWarningsJson({ ...dryRunJson(shown, selection, inlined), cwd: root }, warnings), null, 2) + '\n' : (here ? '' : `(in ${root})\n`) + dryRunText(shown, selection, overlays, inlined));
    return EXIT.ok;
  }

  try {
    const ready = await checkDocker(check, asked);
    if (!ready.ok) fail(io, run.json, ready.problems);

    if (!run.json && inlined.length) io.stderr(`bake-matrix: built inside the targets that link them (same stages, args and platforms; --keep-links to build them on their own): ${listed(inlined)}\n`);
    if (!run.json) io.stderr(`bake-matrix: ${here ? '' : `(in ${root}) `}${commandLine(command)}\n`);
    const started = Date.now();
    const finished = await runner!.inherit(command.args, command.env);
    if (!building) return finished.exitCode;

    const metadata = readMetadata(resolve(root, theirMetadata ?? ourMetadata!.path));
    const summary = summarize({
      names: run.names,
      command: commandLine(shown),
      exitCode: finished.exitCode,
      ...(finished.forwarded ? { signal: finished.forwarded } : {}),
      seconds: (Date.now() - started) / 1000,
      targets: selection.targets,
      metadata,
      // Targets an overlay defines are known only from what buildx reports.
      others: overlays.length ? [...(metadata?.keys() ?? [])].filter((k) => !k.includes('.')) : [],
    });
    if (!run.json) io.stderr(summaryText(summary));
    if (run.json) io.stdout(JSON.stringify(withWarningsJson(summary, warnings), null, 2) + '\n');
    appendStepSummary(io, summaryMarkdown(summary));
    return finished.exitCode;
  } finally {
    ourMetadata?.dispose();
  }
}

interface CurrentBake {
  bake: BakeFile;
  out: string;
  root: string;
  warnings: object[];
  contentTags: ContentTemplates;
  /** Writes a new generation's bake files and records it (once; later calls do nothing); nothing for a reused one. */
  write: () => void;
}

/**
 * The generated model, the output folder (as given or defaulted) and the project root: from the
 * last generation when no input changed, else generated now (written by its `write()`). The
 * pipeline is loaded only then (about 150 modules): a run on an unchanged matrix starts buildx
 * without it.
 */
async function currentBake(run: RunArgs, io: Io): Promise<CurrentBake> {
  const generation = { matrix: run.matrix, out: run.out, cwd: io.cwd };
  const reused = reuseGeneration(generation);
  if (reused) {
    if (reused.warnings && !run.json) io.stderr(reused.warnings);
    return { ...reused, warnings: reused.warningsJson, write: () => {} };
  }
  const [{ generateOrThrow, outDir, warningsText, writeOutputs }, { pathsRead }, { contentTemplatesOf }] = await Promise.all([
    import('../pipeline.ts'),
    import('../../check-dockerfiles/paths-read.ts'),
    import('../../inputs/content-tags.ts'),
  ]);
  const generated = generateOrThrow(run.matrix, io, run.json);
  const out = outDir(run.out, generated, io);
  const warnings = problemsAsJson(generated.warnings, generated.files);
  const contentTags = contentTemplatesOf(generated.plan);
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const { notes, hashes } = writeOutputs(generated, out, io);
    if (!run.json) for (const note of notes) io.stderr(note);
    // Every path the checks read: a change to any of them (a symlink included) means generate again.
    const checked = pathsRead(generated.matrix, generated.plan).map((p) => p.value);
    const loaded = new Map(generated.files.flatMap((f) => (f.absolutePath ? [[f.absolutePath, f.text] as const] : [])));
    recordGeneration(generation, { out, root: generated.matrix.root, checked, loaded, contentTags }, hashes, warningsText(generated), warnings);
  };
  return { bake: generated.plan.bake, out, root: generated.matrix.root, warnings, contentTags, write };
}

/**
 * The file buildx gets (its path relative to the root) and the links built inside their consumers:
 * the closure of the request, written beside the generated file, its unrequested links built inside
 * their consumers where that changes nothing (run/inline-links.ts; not with --keep-links); the whole
 * model, links kept, with --full-file or when an overlay cannot be read here (stdin, missing: buildx
 * reads or reports it). Either way without the cache-from entries buildx v0.20+ would leak between
 * sibling targets (cache-from-repeats.ts): the generated file itself only when it is the whole model
 * (`generated`, not one --skip-built tagged) and has no such entry.
 */
function handedFile(bake: BakeFile, generated: BakeFile, bakeFile: string, run: RunArgs, overlays: readonly string[], out: string, outAbsolute: string, root: string, env: NodeJS.ProcessEnv): { path: string; inlined: string[] } {
  const texts = run.fullFile ? undefined : overlayTexts(overlays, root);
  let model = bake;
  let inlined: string[] = [];
  if (texts) {
    const sets = flagValues(run, 'set');
    const closure = requestClosure(bake, { names: run.names, sets, overlays: texts });
    ({ bake: model, inlined } = run.keepLinks ? { bake: closure, inlined: [] } : inlineLinks(closure, { names: run.names, sets, overlays: texts.length, root }));
  }
  const handed = withoutRepeatedCacheFrom(model, env);
  if (handed === generated) return { path: bakeFile, inlined };
  return { path: fromRoot(join(outAbsolute, CLOSURE_DIR, writeClosureFile(outAbsolute, out, emitJson(handed))), root, root), inlined };
}

/** The text of each overlay, or undefined when one cannot be read here. */
function overlayTexts(overlays: readonly string[], root: string): string[] | undefined {
  const texts: string[] = [];
  for (const overlay of overlays) {
    if (overlay === '-') return undefined;
    try {
      texts.push(readFileSync(resolve(root, overlay), 'utf8'));
    } catch {
      return undefined;
    }
  }
  return texts;
}

/** Up to five names, then how many more. */
function listed(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

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

