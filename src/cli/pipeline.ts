// The CLI's view of the pipeline: a generated matrix, or a UserError carrying the
// problems; and the one place commands write the generated files.
import { join, resolve } from 'node:path';
import { displayPath } from '../load/index.ts';
import { writeFilesAtomic } from '../emit/write-atomic.ts';
import { generate, type Generated, type GenerateOptions } from '../generate.ts';
import { formatProblems, problemsAsJson } from '../problems/format.ts';
import type { Io } from './io.ts';
import { ReportedError } from './reported-error.ts';

export function generateOrThrow(matrix: string, io: Io, json = false, options: GenerateOptions = {}): Generated {
  const result = generate(matrix, io.cwd, options);
  if (!result.ok) {
    if (json) io.stdout(JSON.stringify({ problems: problemsAsJson(result.problems, result.files) }, null, 2) + '\n');
    io.stderr(formatProblems(result.problems, result.files));
    throw new ReportedError(result.problems);
  }
  const warnings = warningsText(result.value);
  if (warnings) io.stderr(warnings);
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

/** Writes the generated bake files into `out` (all or nothing); returns their paths as shown. */
export function writeOutputs(generated: Generated, out: string, io: Io): string[] {
  const written = Object.keys(generated.outputs).map((name) => join(out, name));
  writeFilesAtomic(Object.values(generated.outputs).map((text, i) => ({ path: resolve(io.cwd, written[i]!), text, shown: written[i] })));
  return written;
}
