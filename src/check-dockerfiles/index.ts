// Dockerfile checks, a step of its own after plan: every path a target builds
// from stays inside the project root, and each Dockerfile exists, defines the
// stages the matrix builds, declares the args it passes, and gets a value for
// every ARG it needs. Reads each Dockerfile once, then is pure.
import { DEFAULT_LIMITS, type Limits } from '../load/limits.ts';
import type { Plan } from '../plan/index.ts';
import { error, type Problem } from '../problems/problem.ts';
import type { Matrix } from '../types/matrix.ts';
import { dockerfileProblems } from './dockerfile-problems.ts';
import { loadDockerfiles } from './load-dockerfiles.ts';
import { isFolder, missingContexts, pathsLeavingRoot, type ProjectRoot } from './paths-inside-root.ts';
import { pathsRead } from './paths-read.ts';
import { realPathProblems } from './real-paths.ts';

export { loadDockerfiles } from './load-dockerfiles.ts';
export { parseDockerfile } from './parse-dockerfile.ts';
export type { ProjectRoot } from './paths-inside-root.ts';

export function checkDockerfiles(matrix: Matrix, plan: Plan, root: ProjectRoot, limits: Pick<Limits, 'dockerfileSize'> = DEFAULT_LIMITS): Problem[] {
  if (!isFolder(root.absolute)) {
    return [error('root-not-found', `The project root ${root.shown} is not a folder: every dockerfile, context and secret path is relative to it.`, {
      file: matrix.rootOrigin.file === '(built-in)' ? matrix.sources[0] : matrix.rootOrigin.file,
      pointer: matrix.rootOrigin.file === '(built-in)' ? '' : matrix.rootOrigin.pointer,
      hint: '`root` is relative to the matrix file that sets it (e.g. `root: ..` for the folder above it).',
    })];
  }
  const read = pathsRead(matrix, plan);
  const outside = pathsLeavingRoot(read, root);
  if (outside.length) return outside;
  const throughLinks = realPathProblems(read, root);
  if (throughLinks.length) return throughLinks;
  const missing = missingContexts(plan, root);
  if (missing.length) return missing;
  const paths = new Set<string>();
  for (const t of plan.targets.values()) if (t.location) paths.add(t.location.dockerfilePath);
  return dockerfileProblems(matrix, plan, loadDockerfiles(paths, root.absolute, limits), root);
}

