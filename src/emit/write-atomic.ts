// The only code that writes the bake files (and run's own files), all or
// nothing, one writer per folder. Under the folder's lock (output-lock.ts):
// what a killed run left is finished first; every new file is written in full
// to a temp file beside it; the previous files are kept aside (hard links); a
// journal is put in place (output-journal.ts); the files to remove are
// removed, then the temps renamed over the finals; the journal is removed. An
// error on the way puts the previous files back (through a journal too, so a
// kill during that is finished as well). A reader, a crash, a kill or a full
// disk never leaves half a file, nor, past the next run, a mix of old and new
// files. A single file (the default `generate`) is one rename: old or new at
// every instant, for any reader.
//
// Everything it writes, renames or removes is an entry of that one folder,
// reached without following a symbolic link: the folder itself must be a real
// folder (not a link), temp files are created exclusively, renames replace a
// link rather than write through it, and a journal is replayed only when it
// names the folder's own files.
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { dict } from '../dict.ts';
import { error, UserError } from '../problems/problem.ts';
import { noStep, type Step } from './kill-point.ts';
import type { ByteSource } from './byte-writer.ts';
import { applyJournal, JOURNAL_FILE, kindOf, lstatOf, needsRecovery, recoverFolder, sha256, SourceError, tempName, writeDurably, writeJournal, type JournalEntry, type OwnNames } from './output-journal.ts';
import { lockOutputFolder } from './output-lock.ts';
import { writeProblem } from './write-error.ts';

export interface FileToWrite {
  /** Absolute path. */
  path: string;
  /** The content, or a source of it, streamed into the file as it is made. */
  text: string | ByteSource;
  /** As shown to the user. */
  shown?: string;
}

export interface WriteOptions {
  /** How long to wait for another writer of the folder; default DEFAULT_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
  /** The names in the folder this writer owns (a journal naming others is refused); default: the files written. */
  owns?: OwnNames;
  /** Names in the folder to remove as part of the same write, before any file is replaced; each must be owned. */
  remove?: readonly string[];
  /** The folder as shown to the user, when there is no file to show it by (only removals). */
  shownDir?: string;
  /** Called before each file-system step (the kill test's hook, kill-point.ts). */
  step?: Step;
}

interface Staged {
  name: string;
  shown: string;
  /** The new content's temp file and hash; none: the file is removed. */
  temp?: string;
  sha256?: string;
  /** The previous file, linked aside. */
  previous?: string;
}

/**
 * Writes every file (all in one folder) and removes `options.remove`, or
 * changes nothing; throws a UserError saying why in words (or, when a source
 * fails to make its content, what it threw). Returns each written file's
 * name -> SHA-256.
 */
export function writeFilesAtomic(files: readonly FileToWrite[], options: WriteOptions = {}): Record<string, string> {
  const hashes = dict<string>();
  if (files.length === 0 && !options.remove?.length) return hashes;
  const dir = files.length ? dirname(files[0]!.path) : undefined;
  if (!dir) throw new Error('writeFilesAtomic: removing needs a file to write beside');
  if (files.some((f) => dirname(f.path) !== dir)) throw new Error('writeFilesAtomic: every file must be in one folder');
  const shownDir = options.shownDir ?? dirname(files[0]!.shown ?? files[0]!.path);
  const names = files.map((f) => nameOf(f.path));
  const owns = options.owns ?? ((name: string) => names.includes(name));
  if (![...names, ...(options.remove ?? [])].every(owns)) throw new Error('writeFilesAtomic: a file it does not own');
  const step = options.step ?? noStep;
  ensureFolder(dir, shownDir);
  let culprit = shownDir;
  withLock(dir, shownDir, options, () => {
    recoverFolder(dir, shownDir, owns, step);
    const staged: Staged[] = [];
    let done = 0;
    try {
      for (const name of options.remove ?? []) {
        if (!lstatOf(join(dir, name))) continue;
        const entry: Staged = { name, shown: `${shownDir}/${name}` };
        staged.push(entry);
        culprit = entry.shown;
        keepPrevious(dir, entry, step);
      }
      for (const file of files) {
        const entry: Staged = { name: nameOf(file.path), shown: file.shown ?? file.path, temp: tempName() };
        staged.push(entry);
        culprit = entry.shown;
        entry.sha256 = hashes[entry.name] = writeDurably(join(dir, entry.temp!), file.text, step);
        keepPrevious(dir, entry, step);
      }
      writeJournal(dir, staged.map(journalEntry), step);
      for (const entry of staged) {
        culprit = entry.shown;
        if (entry.temp === undefined) {
          step(`remove ${entry.name}`);
          rmSync(join(dir, entry.name), { force: true });
        } else {
          step(`rename ${entry.temp} -> ${entry.name}`);
          renameSync(join(dir, entry.temp), join(dir, entry.name));
        }
        done++;
      }
      step(`remove ${JOURNAL_FILE}`);
      rmSync(join(dir, JOURNAL_FILE), { force: true });
    } catch (e) {
      const kept = rollBack(dir, staged, done);
      if (e instanceof SourceError) throw e; // nothing was replaced: a bug, not a failed write (withLock throws its reason)
      throw new UserError([writeProblem(e, culprit, kept)]);
    } finally {
      for (const entry of staged) {
        for (const name of [entry.temp, entry.previous]) if (name) rmSync(join(dir, name), { force: true });
      }
    }
  });
  return hashes;
}

/** Writes one file, alone in what it owns of its folder (`owns`: the names a journal there may name). */
export function writeAtomic(path: string, text: string, owns?: OwnNames, shown?: string): void {
  writeFilesAtomic([{ path, text, ...(shown !== undefined ? { shown } : {}) }], owns ? { owns } : {});
}

/** Finishes what a killed writer left in `dir`, under its lock; nothing to do is the common case. */
export function repairOutputFolder(dir: string, shown: string, owns: OwnNames, options: WriteOptions = {}): string[] {
  if (!needsRecovery(dir)) return [];
  ensureFolder(dir, shown);
  return withLock(dir, shown, options, () => recoverFolder(dir, shown, owns, options.step));
}

/**
 * The folder the files go into: created when missing; a real folder, never a
 * symbolic link (whose files would land wherever it points) nor anything else.
 */
export function ensureFolder(dir: string, shown: string): void {
  const link = linkOnTheWay(dir, shown);
  if (link !== undefined) {
    throw new UserError([
      error('output-folder-link', `${link} is a symbolic link: bake-matrix writes, renames and removes files only in a real folder, never through a link (its files would land wherever it points).`, {
        hint: `Replace the link ${link} with a folder, or write somewhere else with --out DIR.`,
      }),
    ]);
  }
  const stats = lstatOf(dir);
  if (stats) {
    if (!stats.isDirectory()) throw new UserError([writeProblem(Object.assign(new Error(`${kindOf(stats)} is in the way`), { code: 'EEXIST' }), shown, true)]);
    return;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError([writeProblem(e, shown, true)]);
  }
}

/**
 * The first folder on the way to `dir` that is a symbolic link, as shown: every
 * component of a relative `shown` (those are in the project, where a pull
 * request can plant a link), the last one of an absolute path (above the
 * project, links such as /tmp -> /private/tmp are the machine's).
 */
export function linkOnTheWay(dir: string, shown: string): string | undefined {
  const parts = isAbsolute(shown) ? [] : shown.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const tail = parts.length ? join(...parts) : '';
  const base = dir.slice(0, dir.length - tail.length);
  if (parts.includes('..') || !dir.endsWith(tail) || !/[\\/]$/.test(base)) return lstatOf(dir)?.isSymbolicLink() ? shown : undefined;
  for (let i = 1; i < parts.length; i++) {
    if (lstatOf(join(base, ...parts.slice(0, i)))?.isSymbolicLink()) return join(...parts.slice(0, i));
  }
  return lstatOf(dir)?.isSymbolicLink() ? shown : undefined;
}

/**
 * Runs `action` holding the folder's lock; file system errors of the lock and the clean-up become
 * UserErrors. A SourceError is thrown as what the source threw, even an error with a `code`.
 */
function withLock<T>(dir: string, shown: string, options: WriteOptions, action: () => T): T {
  let lock;
  try {
    lock = lockOutputFolder(dir, shown, options.lockTimeoutMs);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError([writeProblem(e, shown, true)]);
  }
  try {
    return action();
  } catch (e) {
    if (e instanceof SourceError) throw e.reason;
    if (e instanceof UserError || !(e as NodeJS.ErrnoException).code) throw e;
    throw new UserError([writeProblem(e, shown, true)]);
  } finally {
    lock.release();
  }
}

const nameOf = (path: string) => path.slice(dirname(path).length + 1);

const journalEntry = (s: Staged): JournalEntry => (s.temp === undefined ? { file: s.name } : { file: s.name, temp: s.temp, sha256: s.sha256! });

/** Hard-links the file being replaced or removed aside (the link itself when it is one), for a roll-back. */
function keepPrevious(dir: string, entry: Staged, step: Step): void {
  if (!lstatOf(join(dir, entry.name))) return;
  entry.previous = tempName();
  step(`link ${entry.name} aside`);
  linkSync(join(dir, entry.name), join(dir, entry.previous));
}

/** Puts the previous files back over the `done` first steps; true when that worked (or nothing was done). */
function rollBack(dir: string, staged: readonly Staged[], done: number): boolean {
  if (done === 0) {
    rmSync(join(dir, JOURNAL_FILE), { force: true });
    return true;
  }
  try {
    // The journal of the way back replaces the one forward: a kill now still ends in the previous files.
    const entries: JournalEntry[] = staged.slice(0, done).map((s) => {
      if (!s.previous) return { file: s.name };
      const copy = tempName();
      linkSync(join(dir, s.previous), join(dir, copy));
      return { file: s.name, temp: copy, sha256: sha256(readFileSync(join(dir, copy))) };
    });
    writeJournal(dir, entries);
    applyJournal(dir, entries);
    return true;
  } catch {
    return false;
  }
}
