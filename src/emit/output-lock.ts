// One writer at a time per output folder: a lock file created with O_EXCL
// holding the writer's pid, host and start time. A lock whose process is gone
// (same host, pid not running) or that is older than any write takes is stale
// and taken over; a live one is waited for, briefly, then reported. A lock
// path that is not a regular file (a folder, a symbolic link, dangling or not)
// is none of ours: it is reported at once, never waited for nor followed.
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { error, UserError } from '../problems/problem.ts';

export const LOCK_FILE = '.bake-matrix.lock';
/** A write holds the lock for well under a second; a lock this old is left over. */
export const STALE_AFTER_MS = 5 * 60_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

interface Holder {
  pid: number;
  host: string;
  started: number;
}

export interface OutputLock {
  release(): void;
}

/** Takes the lock of `dir` (which must exist); throws a UserError when another live writer keeps it past `timeoutMs`. */
export function lockOutputFolder(dir: string, shown: string, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS): OutputLock {
  const path = join(dir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, host: hostname(), started: Date.now() };
  const text = JSON.stringify(mine) + '\n';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o666);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseIf(path, text) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (stats && !stats.isFile()) throw notALock(shown, stats);
    const seen = stats && readHolder(path);
    if (seen === undefined) {
      if (Date.now() >= deadline) throw lockedError(shown, path, undefined, timeoutMs);
      continue; // released meanwhile
    }
    if (isStale(seen.holder, seen.mtime)) {
      takeOver(path, seen.text);
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(shown, path, seen.holder, timeoutMs);
    sleep(25 + Math.random() * 50);
  }
}

/** A lock file holds one short line; more is not ours. */
const MAX_LOCK_BYTES = 4096;

function readHolder(path: string): { holder: Holder | undefined; text: string; mtime: number } | undefined {
  try {
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    let mtime: number;
    let text: string;
    try {
      const stats = fstatSync(fd);
      mtime = stats.mtimeMs;
      text = stats.size > MAX_LOCK_BYTES ? '' : readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(text) as Holder;
    } catch {
      holder = undefined; // being written, or garbage: judged by its age
    }
    return { holder, text, mtime };
  } catch {
    return undefined;
  }
}

function isStale(holder: Holder | undefined, mtime: number): boolean {
  if (Date.now() - mtime > STALE_AFTER_MS) return true;
  if (!holder) return Date.now() - mtime > 2_000;
  return holder.host === hostname() && !isRunning(holder.pid);
}

export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves a stale lock aside; if it turns out to be a fresh one taken meanwhile, puts it back. */
function takeOver(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) linkSync(aside, path);
  } catch {
    // a new lock is in place already: it wins
  } finally {
    rmSync(aside, { force: true });
  }
}

function releaseIf(path: string, text: string): void {
  try {
    if (readFileSync(path, 'utf8') === text) rmSync(path, { force: true });
  } catch {
    // gone already
  }
}

function notALock(shown: string, stats: Stats): UserError {
  const kind = stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a folder' : 'a special file';
  const path = `${shown}/${LOCK_FILE}`;
  return new UserError([
    error('output-lock-unusable', `${path} is ${kind}, not a lock file bake-matrix made: it cannot lock ${shown}, and it follows no link.`, {
      hint: `Remove ${path} (bake-matrix creates the lock itself while it writes; it does not belong in a commit), then run again.`,
    }),
  ]);
}

function lockedError(shown: string, path: string, holder: Holder | undefined, timeoutMs: number): UserError {
  const who = holder ? `bake-matrix (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}, since ${new Date(holder.started).toISOString()})` : 'bake-matrix';
  return new UserError([
    error('output-locked', `Another ${who} is writing the bake files in ${shown}; waited ${+(timeoutMs / 1000).toFixed(1)} s for it to finish.`, {
      hint: `Wait for it and run again. If no such process runs, remove ${path}. BAKE_MATRIX_LOCK_TIMEOUT=<seconds> waits longer.`,
    }),
  ]);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
