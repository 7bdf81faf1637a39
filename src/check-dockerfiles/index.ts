// Dockerfile checks, a step of its own after plan: every path a target builds
// from stays inside the project root, and each Dockerfile exists, defines the
// stages the matrix builds, declares the args it passes, and gets a value for
// every ARG it needs. Reads each Dockerfile once, then is pure.
import type { Plan } from '../plan/index.ts';
import type { Problem } from '../problems/problem.ts';
import type { Matrix } from '../types/matrix.ts';
import { dockerfileProblems } from './dockerfile-problems.ts';
import { loadDockerfiles } from './load-dockerfiles.ts';
import { pathsLeavingRoot, type ProjectRoot } from './paths-inside-root.ts';

export { loadDockerfiles } from './load-dockerfiles.ts';
export { parseDockerfile } from './parse-dockerfile.ts';
export type { ProjectRoot } from './paths-inside-root.ts';

export function checkDockerfiles(matrix: Matrix, plan: Plan, root: ProjectRoot): Problem[] {
  const outside = pathsLeavingRoot(plan, root);
  if (outside.length) return outside;
  const paths = new Set<string>();
  for (const t of plan.targets.values()) if (t.location) paths.add(t.location.dockerfilePath);
  return dockerfileProblems(matrix, plan, loadDockerfiles(paths, root.absolute), root);
}
