// The CLI's view of the pipeline: a generated matrix, or a ReportedError once
// the problems are printed (as text on stderr, or with --json as JSON on stdout
// only); and the one place commands write the generated files.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath } from '../load/index.ts';
import { BAKE_FILE_NAMES, isBakeFileName, isGeneratedHcl } from '../emit/emit-bake.ts';
import { killPoints } from '../emit/kill-point.ts';
import { lstatOf, NOFOLLOW, readJournal, type JournalEntry } from '../emit/output-journal.ts';
import { writeFilesAtomic, type WriteOptions } from '../emit/write-atomic.ts';
import { generate, type Generated, type GenerateOptions } from '../generate.ts';
import { limitsFrom } from '../load/limits.ts';
import { formatProblems, problemsAsJson } from '../problems/format.ts';
import type { Io } from './io.ts';
import { reportProblems } from './reported-error.ts';
import { withWarningsJson } from './warnings-json.ts';

export { reportProblems } from './reported-error.ts';

export function generateOrThrow(matrix: string | undefined, io: Io, json = false, options: GenerateOptions = {}): Generated {
  const { limits, problems } = limitsFrom(io.env);
  if (problems.length) throw reportProblems(problems, [], io, json);
  const result = generate(matrix, io.cwd, { limits, ...options });
  if (!result.ok) throw reportProblems(result.problems, result.files, io, json);
  const warnings = warningsText(result.value);
  if (warnings && !json) io.stderr(warnings);
  return result.value;
}

/** Where the bake files go: `--out` (relative to the working directory), else `bake` in the project root. */
export function outDir(out: string | undefined, generated: Generated, io: Io): string {
  return out ?? displayPath(join(generated.matrix.root, 'bake'), io.cwd);
}

/** The warnings of a generation as printed ('' when none). */
export function warningsText(generated: Generated): string {
  return generated.warnings.length ? formatProblems(generated.warnings, generated.files) : '';
}


/** A command's JSON result, with the warnings of the generation when there were any (--json prints them nowhere else). */
export function withWarnings<T extends object>(result: T, generated: Generated | undefined): T & { warnings?: object[] } {
  return withWarningsJson(result, generated?.warnings.length ? problemsAsJson(generated.warnings, generated.files) : []);
}

/** What writeOutputs did: the files written and removed, and bake files of another format it left alone, as shown. */
export interface Written {
  written: string[];
  /** File name -> SHA-256 of the bytes written. */
  hashes: Record<string, string>;
  removed: string[];
  /** A notice per bake file of the other format left in the folder that bake-matrix did not write (plain buildx merges it). */
  notes: string[];
}

/**
 * Writes the generated bake files into `out` (all or nothing). A docker-bake.hcl
 * an earlier generate wrote, in a folder now generated as JSON only, is removed
 * in the same write: plain `docker buildx bake` would load it too and merge it
 * over the new JSON.
 */
export function writeOutputs(generated: Generated, out: string, io: Io): Written {
  const names = Object.keys(generated.sources);
  const written = names.map((name) => join(out, name));
  const left = leftoverBakeFiles(resolve(io.cwd, out), names);
  // Streamed from the model into the files: the texts are never made whole.
  const hashes = writeFilesAtomic(
    names.map((name, i) => ({ path: resolve(io.cwd, written[i]!), text: generated.sources[name]!, shown: written[i] })),
    { ...writeOptions(io), owns: isBakeFileName, remove: left.ours, shownDir: out },
  );
  return { written, hashes, removed: left.ours.map((name) => join(out, name)), notes: left.others.map((name) => leftoverNote(join(out, name), written)) };
}

/** The bake files in `outAbsolute` other than `names`: those bake-matrix generated (an HCL with its header), and the others. */
export function leftoverBakeFiles(outAbsolute: string, names: readonly string[]): { ours: string[]; others: string[] } {
  const ours: string[] = [];
  const others: string[] = [];
  for (const name of Object.values(BAKE_FILE_NAMES)) {
    if (names.includes(name)) continue;
    const path = join(outAbsolute, name);
    const stats = lstatOf(path);
    if (!stats) continue;
    if (name === BAKE_FILE_NAMES.hcl && stats.isFile() && isGeneratedHcl(head(path))) ours.push(name);
    else others.push(name);
  }
  return { ours, others };
}

/** The notice for a bake file of the other format that bake-matrix did not write (it is left alone). */
export function leftoverNote(shown: string, beside: readonly string[]): string {
  return `bake-matrix: note: ${shown} is still there (bake-matrix removes only a docker-bake.hcl it generated); plain \`docker buildx bake\` with no -f loads it too and merges it with ${beside.join(', ')}.\n`;
}

/** The first bytes of a regular file, read without following a link. */
function head(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  try {
    const buffer = Buffer.alloc(256);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The journal a killed write left in `out` (its entries, checked: a hostile one is a UserError), or undefined; reads only. */
export function pendingWrite(out: string, io: Io): JournalEntry[] | undefined {
  const dir = resolve(io.cwd, out);
  if (lstatOf(dir)?.isDirectory() !== true) return undefined;
  return readJournal(dir, out, isBakeFileName);
}

/** BAKE_MATRIX_LOCK_TIMEOUT: seconds to wait for another bake-matrix writing the same folder; and the kill test's hook. */
function writeOptions(io: Io): WriteOptions {
  const seconds = Number(io.env.BAKE_MATRIX_LOCK_TIMEOUT);
  return {
    ...(io.env.BAKE_MATRIX_LOCK_TIMEOUT && Number.isFinite(seconds) && seconds >= 0 ? { lockTimeoutMs: seconds * 1000 } : {}),
    step: killPoints(io.env),
  };
}
