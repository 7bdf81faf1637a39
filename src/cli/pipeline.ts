// The CLI's view of the pipeline: a generated matrix, or a UserError carrying the problems.
import { generate, type Generated, type GenerateOptions } from '../generate.ts';
import { formatProblems, problemsAsJson } from '../problems/format.ts';
import { UserError } from '../problems/problem.ts';
import type { Io } from './io.ts';

export class ReportedError extends UserError {}

export function generateOrThrow(matrix: string, io: Io, json = false, options: GenerateOptions = {}): Generated {
  const result = generate(matrix, io.cwd, options);
  if (!result.ok) {
    if (json) io.stdout(JSON.stringify({ problems: problemsAsJson(result.problems, result.files) }, null, 2) + '\n');
    io.stderr(formatProblems(result.problems, result.files));
    throw new ReportedError(result.problems);
  }
  if (result.value.warnings.length) io.stderr(formatProblems(result.value.warnings, result.value.files));
  return result.value;
}
