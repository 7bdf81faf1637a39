// The CLI's view of the pipeline: a generated matrix, or a ReportedError once
// the problems are printed (as text on stderr, or with --json as JSON on stdout
// only); and the one place commands write the generated files.
import { join, resolve } from 'node:path';
import { displayPath } from '../load/index.ts';
import { repairOutputFolder, writeFilesAtomic, type WriteOptions } from '../emit/write-atomic.ts';
import { generate, type Generated, type GenerateOptions } from '../generate.ts';
import { limitsFrom } from '../load/limits.ts';
import { formatProblems, problemsAsJson } from '../problems/format.ts';
import type { Io } from './io.ts';
import { reportProblems } from './reported-error.ts';

export { reportProblems } from './reported-error.ts';

export function generateOrThrow(matrix: string, io: Io, json = false, options: GenerateOptions = {}): Generated {
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

/** The same, from warnings already as JSON (run's reused generation keeps them so). */
export function withWarningsJson<T extends object>(result: T, warnings: readonly object[]): T & { warnings?: object[] } {
  return warnings.length ? { ...result, warnings: [...warnings] } : result;
}

/** Writes the generated bake files into `out` (all or nothing); returns their paths as shown. */
export function writeOutputs(generated: Generated, out: string, io: Io): string[] {
  const written = Object.keys(generated.outputs).map((name) => join(out, name));
  writeFilesAtomic(Object.values(generated.outputs).map((text, i) => ({ path: resolve(io.cwd, written[i]!), text, shown: written[i] })), writeOptions(io));
  return written;
}

/** Before reading the bake files: finishes the writes of a run that was killed, so the files read are one generation. */
export function repairOutputs(out: string, io: Io): void {
  const repaired = repairOutputFolder(resolve(io.cwd, out), out, writeOptions(io));
  if (repaired.length) io.stderr(`bake-matrix: finished writing ${repaired.map((f) => join(out, f)).join(', ')}, which a killed run had left half replaced.\n`);
}

/** BAKE_MATRIX_LOCK_TIMEOUT: seconds to wait for another bake-matrix writing the same folder. */
function writeOptions(io: Io): WriteOptions {
  const seconds = Number(io.env.BAKE_MATRIX_LOCK_TIMEOUT);
  return io.env.BAKE_MATRIX_LOCK_TIMEOUT && Number.isFinite(seconds) && seconds >= 0 ? { lockTimeoutMs: seconds * 1000 } : {};
}
