// `root:` may name a folder above the matrix file (a matrix kept in `ci/` or
// `.github/bake/` builds the repository around it), but only a few levels up,
// and never the filesystem root: `docker buildx bake` runs there and every
// dockerfile, context and secret path is read relative to it, so a root of `/`
// (or `../../../../..` from a pull request) would open the whole machine.
import { dirname, isAbsolute, parse, relative, resolve, sep, win32 } from 'node:path';
import { error, type Problem } from '../problems/problem.ts';
import type { Origin } from '../types/matrix.ts';

/** How many folders `root:` may climb above the folder of the matrix file that sets it. */
export const MAX_ROOT_LEVELS = 4;

/** The absolute project root a file's `root:` names, or the problem with it. */
export function projectRoot(written: string, file: string, origin: Origin): { root: string } | { problem: Problem } {
  const folder = resolve(dirname(file));
  const where = { file: origin.file, pointer: origin.pointer };
  const hint = `\`root\` is a relative path from the folder of the matrix file that sets it, at most ${MAX_ROOT_LEVELS} levels up (e.g. \`root: ..\`), and not the filesystem root: keep the matrix file inside the project it builds.`;
  if (isAbsolute(written) || win32.isAbsolute(written) || /^[A-Za-z]:/.test(written)) {
    return { problem: error('bad-root', `root: "${written}" is an absolute path; it must be relative to the folder of ${origin.file}.`, { ...where, hint }) };
  }
  const root = resolve(folder, written);
  if (root === parse(root).root) {
    return { problem: error('bad-root', `root: "${written}" is the filesystem root (${root}): bake would run there and read paths from anywhere on the machine.`, { ...where, hint }) };
  }
  const up = relative(folder, root).split(sep).filter((part, i, parts) => part === '..' && parts.slice(0, i).every((p) => p === '..')).length;
  if (up > MAX_ROOT_LEVELS) {
    return { problem: error('bad-root', `root: "${written}" climbs ${up} folders above the folder of ${origin.file}; at most ${MAX_ROOT_LEVELS} are allowed.`, { ...where, hint }) };
  }
  return { root };
}
