// A user error whose problems are already printed: the entry point only sets
// its exit code; and the one function that prints problems and makes it.
import { formatProblems, problemsAsJson } from '../problems/format.ts';
import type { SourceFile } from '../load/source-file.ts';
import { UserError, type Problem } from '../problems/problem.ts';
import type { Io } from './io.ts';

export class ReportedError extends UserError {}

/** Prints problems (text on stderr, or JSON on stdout with --json) and returns the error that exits 2. */
export function reportProblems(problems: Problem[], files: readonly SourceFile[], io: Io, json: boolean, exitCode = 2): ReportedError {
  if (json) io.stdout(JSON.stringify({ problems: problemsAsJson(problems, files) }, null, 2) + '\n');
  else io.stderr(formatProblems(problems, files));
  return new ReportedError(problems, exitCode);
}
