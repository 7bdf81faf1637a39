// The pipeline, end to end: load -> validate -> expand -> plan -> emit.
// Pure but for reading the matrix; writing is the caller's choice.
import { emitJson } from './emit/json.ts';
import { expandMatrix } from './expand/index.ts';
import { loadMatrix } from './load/index.ts';
import type { SourceFile } from './load/source-file.ts';
import { planBake, type Plan } from './plan/index.ts';
import type { Problem } from './problems/problem.ts';
import type { Matrix } from './types/matrix.ts';
import { validateMatrix } from './validate/index.ts';

export interface Generated {
  files: SourceFile[];
  matrix: Matrix;
  plan: Plan;
  /** File name -> content, e.g. docker-bake.json. */
  outputs: Record<string, string>;
  warnings: Problem[];
}

export type GenerateResult = { ok: true; value: Generated } | { ok: false; problems: Problem[]; files: SourceFile[] };

export function generate(matrixPath: string, cwd = process.cwd()): GenerateResult {
  const loaded = loadMatrix(matrixPath, cwd);
  if (!loaded.ok) return { ok: false, problems: loaded.problems, files: [] };
  return generateFrom(loaded.value);
}

export function generateFrom(files: SourceFile[]): GenerateResult {
  const validated = validateMatrix(files);
  if (!validated.ok) return { ok: false, problems: validated.problems, files };
  const matrix = validated.value;
  const planned = planBake(matrix, expandMatrix(matrix));
  if (!planned.ok) return { ok: false, problems: planned.problems, files };
  const outputs = { 'docker-bake.json': emitJson(planned.value.bake) };
  return { ok: true, value: { files, matrix, plan: planned.value, outputs, warnings: [...validated.warnings, ...planned.warnings] } };
}
