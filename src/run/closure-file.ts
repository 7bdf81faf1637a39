// Where `run` puts the closure it hands buildx: <out>/.bake-matrix/run-<hash>.json,
// named after its content. The same request reuses its file; concurrent runs
// write the same bytes through a rename, so a reader never sees half a file;
// files unused for a day are removed. The folder ignores itself in git. (The
// record of the last generation is elsewhere: see generation-record.ts.)
//
// <out> may come from a pull request: .bake-matrix must be a real folder (a
// symbolic link there is refused, naming it), its .gitignore is created
// exclusively and never written through a link, and only regular files named
// run-<hash>.json are touched or pruned.
import { createHash } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { kindOf, lstatOf, NOFOLLOW } from '../emit/output-journal.ts';
import { writeAtomic } from '../emit/write-atomic.ts';
import { error, UserError } from '../problems/problem.ts';

export const CLOSURE_DIR = '.bake-matrix';
const GITIGNORE = '.gitignore';
const NAME = /^run-[0-9a-f]{16}\.json$/;
const KEEP_MS = 24 * 60 * 60 * 1000;

/** Writes (or reuses) the closure file under `outDir` (absolute; `shownOut` as the user sees it); returns its name inside CLOSURE_DIR. */
export function writeClosureFile(outDir: string, shownOut: string, text: string, now = Date.now()): string {
  const dir = ownFolder(outDir, shownOut);
  const name = `run-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`;
  const path = join(dir, name);
  if (lstatOf(path)?.isFile() && readFileSync(path, 'utf8') === text) {
    utimesSync(path, now / 1000, now / 1000); // in use: not pruned (a regular file: no link to touch through)
  } else {
    writeAtomic(path, text, (n) => NAME.test(n), `${shownOut}/${CLOSURE_DIR}/${name}`);
  }
  prune(dir, name, now);
  return name;
}

/** <out>/.bake-matrix, created with a .gitignore that ignores it whole; returns its path. A link or a file in the way is a UserError naming it. */
export function ownFolder(outDir: string, shownOut: string): string {
  const dir = join(outDir, CLOSURE_DIR);
  const shown = `${shownOut}/${CLOSURE_DIR}`;
  let stats = lstatOf(dir);
  if (!stats) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    stats = lstatOf(dir);
  }
  if (!stats?.isDirectory()) throw notOurs(shown, stats ? kindOf(stats) : 'missing', 'folder');
  const ignore = join(dir, GITIGNORE);
  const ignoreStats = lstatOf(ignore);
  if (!ignoreStats) {
    try {
      const fd = openSync(ignore, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o666);
      try {
        writeSync(fd, '# Written by bake-matrix run: the bake files it hands buildx (the closure of the names it builds).\n*\n');
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another run made it meanwhile
    }
  } else if (!ignoreStats.isFile()) throw notOurs(`${shown}/${GITIGNORE}`, kindOf(ignoreStats), 'file');
  return dir;
}

function notOurs(shown: string, kind: string, want: 'folder' | 'file'): UserError {
  return new UserError([
    error('run-folder-refused', `${shown} is ${kind}, not a ${want}: bake-matrix run writes its closure files only in a real folder of the output folder, never through a link.`, {
      hint: `Remove ${shown} (bake-matrix run creates it; it does not belong in a commit), then run again.`,
    }),
  ]);
}

function prune(dir: string, keep: string, now: number): void {
  for (const entry of readdirSync(dir)) {
    if (entry === keep || !NAME.test(entry)) continue;
    try {
      const path = join(dir, entry);
      const stats = lstatOf(path);
      if (stats?.isFile() && now - stats.mtimeMs > KEEP_MS) rmSync(path, { force: true });
    } catch {
      // another run removed it first
    }
  }
}
