// Dockerfile checks: the stages' Dockerfiles exist inside the repository,
// define the stages the matrix builds, declare the args it passes, and get a
// value for every ARG they need. Reads each Dockerfile once, then is pure.
import type { SourceFile } from '../../load/source-file.ts';
import type { Plan } from '../../plan/index.ts';
import type { Problem } from '../../problems/problem.ts';
import type { Matrix } from '../../types/matrix.ts';
import { dockerfileProblems, pathsLeavingRoot } from './dockerfile-problems.ts';
import { loadDockerfiles } from './load-dockerfiles.ts';

export { loadDockerfiles } from './load-dockerfiles.ts';
export { parseDockerfile } from './parse-dockerfile.ts';

/** `root`: the project root (the CLI's working directory); matrix paths are relative to it. */
export function checkDockerfiles(files: readonly SourceFile[], matrix: Matrix, plan: Plan, root: string): Problem[] {
  const outside = pathsLeavingRoot(files);
  if (outside.length) return outside;
  const dockerfiles = loadDockerfiles(new Set(matrix.stages.map((s) => s.dockerfile)), root);
  return dockerfileProblems(files, matrix, plan, dockerfiles);
}
