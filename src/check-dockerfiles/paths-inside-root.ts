// Every path a target builds from (its context, its Dockerfile, its local
// named contexts) is relative to the project root and must stay inside it:
// bake refuses a path outside its working directory.
import { statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { isLocalContext } from '../plan/paths.ts';
import type { ReadPath } from './paths-read.ts';
import type { Plan } from '../plan/index.ts';
import { error, type Problem } from '../problems/problem.ts';
import type { Origin } from '../types/matrix.ts';
import { targetList } from '../problems/target-list.ts';

export interface ProjectRoot {
  absolute: string;
  /** As shown in messages. */
  shown: string;
}

/** Whether a relative path climbs out of the folder it is relative to. */
export function leavesRoot(path: string): boolean {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return normal === '..' || normal.startsWith('../') || posix.isAbsolute(normal);
}

/** Paths written with ".." or absolute (a secret's src is judged in real-paths.ts, with its own hint). */
export function pathsLeavingRoot(paths: readonly ReadPath[], root: ProjectRoot): Problem[] {
  const problems = new Map<string, Problem>();
  for (const { what, value, origin } of paths) {
    const key = `${origin.file}#${origin.pointer}#${value}`;
    if (what === 'secret src' || !leavesRoot(value) || problems.has(key)) continue;
    problems.set(
      key,
      error('path-outside-repository', `The ${what} "${value}" is outside the project root ${root.shown}: paths are relative to it, and bake refuses a path outside the folder it runs in.`, {
        file: origin.file,
        pointer: origin.pointer,
        hint: `Move the ${what === 'dockerfile' ? 'Dockerfile' : 'folder'} into ${root.shown} and write its path from there (e.g. "docker/${what === 'dockerfile' ? 'Dockerfile' : 'app'}"), or set \`root:\` to a folder that contains it.`,
      }),
    );
  }
  return [...problems.values()];
}

/** Paths of one line listed in a message at most; the rest are counted. */
const SHOWN_PATHS = 5;

/**
 * Build contexts and local named contexts that are not folders under the root
 * (bake would fail late, per target): one problem per line of the matrix,
 * however many targets it renders for, naming each missing path and its targets.
 */
export function missingContexts(plan: Plan, root: ProjectRoot): Problem[] {
  const lines = new Map<string, { what: 'context' | 'named context'; origin: Origin; missing: Map<string, string[]> }>();
  const folders = new Map<string, boolean>();
  const folder = (path: string) => {
    let is = folders.get(path);
    if (is === undefined) folders.set(path, (is = isFolder(resolve(root.absolute, path))));
    return is;
  };
  const check = (what: 'context' | 'named context', path: string, origin: Origin, target: string) => {
    if (!isLocalContext(path) || folder(path)) return;
    const key = `${origin.file}#${origin.pointer}#${what}`;
    const line = lines.get(key) ?? { what, origin, missing: new Map<string, string[]>() };
    lines.set(key, line);
    const targets = line.missing.get(path) ?? [];
    line.missing.set(path, targets);
    targets.push(target);
  };
  for (const t of plan.targets.values()) {
    if (t.location) check('context', t.location.contextPath, t.location.contextOrigin, t.name);
    for (const c of Object.values(t.namedContexts ?? {})) if (c.local) check('named context', c.value, c.origin, t.name);
  }
  return [...lines.values()].map(({ what, origin, missing }) => {
    const paths = [...missing];
    const shown = paths.slice(0, SHOWN_PATHS).map(([path, targets]) => `"${path}" for ${targetList(targets)}`);
    const more = paths.length > SHOWN_PATHS ? ` and ${paths.length - SHOWN_PATHS} more` : '';
    const count = paths.reduce((n, [, targets]) => n + targets.length, 0);
    const message =
      paths.length === 1
        ? `The ${what} "${paths[0]![0]}" of ${targetList(paths[0]![1])} is not a folder (paths are relative to the project root ${root.shown}).`
        : `The ${what} is not a folder for ${count} targets (paths are relative to the project root ${root.shown}): ${shown.join('; ')}${more}.`;
    return error('context-not-found', message, {
      file: origin.file,
      pointer: origin.pointer,
      hint: paths.length === 1 ? `Create it, or write the path of an existing folder relative to ${root.shown}.` : `Create them, or write the ${what} so that it names existing folders, relative to ${root.shown}.`,
    });
  });
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
