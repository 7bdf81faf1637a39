// The pipeline, end to end: load -> validate -> expand -> plan -> check Dockerfiles -> per-platform targets -> emit.
// Pure but for reading the matrix; writing is the caller's choice.
import type { ByteSource } from './emit/byte-writer.ts';
import { bakeSources, lazyTexts, type BakeFormat } from './emit/emit-bake.ts';
import { emptySelections } from './expand/empty-selections.ts';
import { expandMatrix } from './expand/index.ts';
import { cellLimitProblems, targetLimitProblems } from './expand/size-limits.ts';
import { loadMatrix } from './load/index.ts';
import { DEFAULT_LIMITS, type Limits } from './load/limits.ts';
import { stageLimitProblems } from './load/stage-limits.ts';
import type { SourceFile } from './load/source-file.ts';
import { planBake, type Plan } from './plan/index.ts';
import { planPerPlatform } from './plan/per-platform.ts';
import { hasErrors, type Problem } from './problems/problem.ts';
import type { Matrix } from './types/matrix.ts';
import { checkDockerfiles } from './check-dockerfiles/index.ts';
import { validateMatrix } from './validate/index.ts';

export interface Generated {
  files: SourceFile[];
  matrix: Matrix;
  plan: Plan;
  /**
   * File name -> its bytes, made while they are read: docker-bake.json and/or
   * docker-bake.hcl, per `format`. writeOutputs streams them into the files, so
   * a big bake file is never one string.
   */
  sources: Record<string, ByteSource>;
  /** File name -> content (the same files as `sources`), each text made when first read. */
  outputs: Record<string, string>;
  warnings: Problem[];
}

export type GenerateResult = { ok: true; value: Generated } | { ok: false; problems: Problem[]; files: SourceFile[] };

export interface GenerateOptions {
  /** Which bake file(s) to emit; default `both`. */
  format?: BakeFormat;
  /**
   * The project root (absolute) unless a matrix file sets `root`: paths are
   * relative to it. generate() passes the folder holding the matrix.
   */
  root?: string;
  /** Check the Dockerfiles (they exist, define each target, declare the args) when the root is known; default true. */
  dockerfiles?: boolean;
  /** Limits on the input's size (load/limits.ts); default DEFAULT_LIMITS. */
  limits?: Limits;
}

export function generate(matrixPath: string | undefined, cwd = process.cwd(), options: GenerateOptions = {}): GenerateResult {
  const loaded = loadMatrix(matrixPath, cwd, options.limits);
  if (!loaded.ok) return { ok: false, problems: loaded.problems, files: loaded.files };
  return generateFrom(loaded.value, { root: loaded.root, ...options });
}

export function generateFrom(files: SourceFile[], options: GenerateOptions = {}): GenerateResult {
  const tooLong = stageLimitProblems(files, options.limits ?? DEFAULT_LIMITS);
  if (tooLong.length) return { ok: false, problems: tooLong, files };
  const validated = validateMatrix(files, options.root !== undefined ? { defaultRoot: options.root } : {});
  if (!validated.ok) return { ok: false, problems: validated.problems, files };
  const matrix = validated.value;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const tooMany = cellLimitProblems(matrix, limits);
  if (tooMany.length) return { ok: false, problems: tooMany, files };
  const expansion = expandMatrix(matrix);
  const tooManyTargets = targetLimitProblems(expansion, limits);
  if (tooManyTargets.length) return { ok: false, problems: tooManyTargets, files };
  const selectionProblems = emptySelections(matrix, expansion);
  if (hasErrors(selectionProblems)) return { ok: false, problems: selectionProblems, files };
  const planned = planBake(matrix, expansion, limits);
  if (!planned.ok) return { ok: false, problems: planned.problems, files };
  const root = { absolute: matrix.root, shown: matrix.root };
  const dockerfileProblems = options.root !== undefined && options.dockerfiles !== false ? checkDockerfiles(matrix, planned.value, root, limits) : [];
  if (hasErrors(dockerfileProblems)) return { ok: false, problems: dockerfileProblems, files };
  const perPlatform = planPerPlatform(matrix, planned.value, limits);
  if (!perPlatform.ok) return { ok: false, problems: perPlatform.problems, files };
  const sources = bakeSources(perPlatform.value.bake, options.format);
  const warnings = [...validated.warnings, ...selectionProblems, ...planned.warnings, ...dockerfileProblems];
  return { ok: true, value: { files, matrix, plan: perPlatform.value, sources, outputs: lazyTexts(sources), warnings } };
}
