// Where the matrix files are, without loading the parsers: `run` keys its reuse of the
// last generation on them (run/generation-record.ts) before it knows it must generate.
import { resolve } from 'node:path';
import { defaultMatrix, findMatrixFiles } from './find-matrix-files.ts';

/** The matrix files `input` names (one file, or those under a folder), absolute; undefined when there is nothing usable at `input`. */
export function matrixPaths(given: string | undefined, cwd = process.cwd()): string[] | undefined {
  const chosen = defaultMatrix(given, cwd);
  if (!chosen.ok) return undefined;
  const found = findMatrixFiles(resolve(cwd, chosen.input), (p) => p, cwd);
  return found.ok && found.problems.length === 0 ? found.files.map((f) => f.path) : undefined;
}
