// The files `init` writes into the project: new files only (never one that
// exists), and the package.json it amends; each inside the project folder and
// reached without following a symlink (a pull request may have planted one).
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, constants } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { error, UserError, type Problem } from '../problems/problem.ts';

/** Why `path` (relative to `root`, / separated) cannot be created, or undefined: it and its folders are no symlinks, and it does not exist. */
export function cannotCreate(root: string, path: string): Problem | undefined {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const shown = parts.slice(0, i).join('/');
    let stats;
    try {
      stats = lstatSync(join(root, ...parts.slice(0, i)));
    } catch {
      return undefined; // the rest is made
    }
    if (stats.isSymbolicLink()) return error('init-symlink', `${shown} is a symlink: bake-matrix init writes no file through one.`, { hint: 'Replace the link by a real folder, or run init where there is none.' });
    if (i < parts.length && !stats.isDirectory()) return error('init-not-a-folder', `${shown} is not a folder, so ${path} cannot be made in it.`, { hint: `Move ${shown} aside.` });
    if (i === parts.length) return error('init-exists', `${path} exists: bake-matrix init never overwrites a file.`, { hint: `Keep it (init has nothing to add), or move it aside and run init again.` });
  }
  return undefined;
}

/** Creates `path` under `root` with `text`; fails if anything is there (O_EXCL: not even a symlink is followed). */
export function createFile(root: string, path: string, text: string, mode = 0o644): void {
  const problem = cannotCreate(root, path);
  if (problem) throw new UserError([problem]);
  const absolute = join(root, ...path.split('/'));
  mkdirSync(dirname(absolute), { recursive: true });
  const fd = openSync(absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** The text of a regular file at `path` (no symlink), or undefined when there is none. */
export function readRegular(root: string, path: string): string | undefined {
  const absolute = join(root, path);
  let stats;
  try {
    stats = lstatSync(absolute);
  } catch {
    return undefined;
  }
  if (!stats.isFile()) throw new UserError([error('init-not-a-file', `${path} is not a regular file (a symlink, a folder or a device): bake-matrix init leaves it alone.`, { hint: `Make ${path} a regular file, or run init elsewhere.` })]);
  return readFileSync(absolute, 'utf8');
}

/** Replaces the regular file `path` under `root` whole (a temp file beside it, renamed over it). */
export function replaceFile(root: string, path: string, text: string): void {
  const absolute = join(root, path);
  if (relative(root, absolute).split(sep).includes('..')) throw new Error(`replaceFile: ${path} is outside ${root}`);
  const temp = `${absolute}.bake-matrix-${process.pid}.tmp`;
  try {
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, absolute);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
