// validate: SourceFile[] -> Matrix, or problems naming file, key and fix.
import { hasErrors, type Result } from '../problems/problem.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { Matrix } from '../types/matrix.ts';
import { normalize, type NormalizeOptions } from './normalize.ts';
import { checkRules } from './rules.ts';
import { checkSchema } from './schema-check.ts';

export function validateMatrix(files: readonly SourceFile[], options: NormalizeOptions = {}): Result<Matrix> {
  const schemaProblems = files.flatMap(checkSchema);
  if (hasErrors(schemaProblems)) return { ok: false, problems: schemaProblems };
  const { matrix, problems } = normalize(files, options);
  problems.push(...checkRules(matrix));
  if (hasErrors(problems)) return { ok: false, problems };
  return { ok: true, value: matrix, warnings: problems };
}
