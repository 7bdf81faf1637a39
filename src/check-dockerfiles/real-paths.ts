// "Inside the project" on the real file system: every path the build reads
// (each target's Dockerfile and context, its local named contexts, each
// secret's src) is resolved with its symlinks (realpath) before it is compared
// with the project root, so a link that leads out of the project (to ~/.ssh,
// /etc, a CI runner's files) is refused like a written "../". A path that does
// not exist yet is resolved as far as it exists. The textual checks (absolute
// paths, "..") come first, in paths-inside-root.ts.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { error, type Problem } from '../problems/problem.ts';
import { leavesRoot, type ProjectRoot } from './paths-inside-root.ts';
import type { ReadPath } from './paths-read.ts';

export function realPathProblems(paths: readonly ReadPath[], root: ProjectRoot): Problem[] {
  const realRoot = realOrSelf(root.absolute);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const key = `${path.origin.file}#${path.origin.pointer}#${path.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (path.what === 'secret src' && (isAbsolute(path.value) || leavesRoot(path.value))) {
      problems.push(outside(path, 'is outside the project', root));
      continue;
    }
    if (leavesRoot(path.value)) continue; // reported by pathsLeavingRoot
    const real = realPathOf(resolve(root.absolute, path.value));
    if (isInside(real, realRoot)) continue;
    problems.push(outside(path, `leads out of the project through a symbolic link: it resolves to ${real}`, root));
  }
  return problems;
}

function outside(path: ReadPath, why: string, root: ProjectRoot): Problem {
  const hint =
    path.what === 'secret src'
      ? 'A secret read from a file must come from inside the project (e.g. a git-ignored .secrets/ folder CI writes); for anything else use `env:` (bake reads the secret from that environment variable).'
      : `Keep the ${path.what === 'dockerfile' ? 'Dockerfile' : path.what === 'context' ? 'build context' : 'named context'} inside the project, as a real folder or file rather than a link out of it, and write its path from the root.`;
  return error('path-outside-repository', `The ${path.what} "${path.value}" ${why}. The build may only read files inside the project root ${root.shown}.`, {
    file: path.origin.file,
    pointer: path.origin.pointer,
    hint,
  });
}

/**
 * The real path of `path`, or of its deepest existing ancestor joined with the
 * rest; a dangling symlink on the way is followed by its text (it may be
 * created later, and then it leads where it says).
 */
export function realPathOf(path: string, hops = 0): string {
  let rest = '';
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), rest);
    } catch {
      const target = linkTarget(current);
      if (target !== undefined && hops < 40) return realPathOf(join(resolve(dirname(current), target), rest), hops + 1);
      const parent = dirname(current);
      if (parent === current) return path;
      rest = join(current.slice(parent.length + 1), rest);
      current = parent;
    }
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
