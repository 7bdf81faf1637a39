// The journal that keeps a folder's files one generation across a kill. The
// new files are written in full to temp files first; then a journal naming
// each final file, its temp file and the temp's SHA-256 (or that the file is
// to be removed) is put in place in one rename; only then are the steps
// carried out in order, and the journal removed. A run killed between two
// steps leaves the journal: the next writer of the folder (under its lock)
// finishes them. Temp files of dead runs are removed then too. Each final file
// is always whole (rename is atomic).
//
// The journal comes from the folder, and the folder may come from a pull
// request: it is read only when it is a regular file of at most
// MAX_JOURNAL_BYTES, and replayed only when every entry names a file the
// folder's writer owns (`owns`) and a temp file of ours; anything else is
// refused, naming the journal and the entry, and nothing is replayed.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { error, UserError } from '../problems/problem.ts';
import { stringSource, type ByteSource } from './byte-writer.ts';
import { noStep, type Step } from './kill-point.ts';
import { LOCK_FILE } from './output-lock.ts';

export const JOURNAL_FILE = '.bake-matrix.journal';
const TEMP = /^\.bake-matrix\.\d+\.[a-z0-9]+\.tmp$/;
/** The temp names of earlier versions (`.<pid>.<random>.tmp`). */
const OLD_TEMP = /^\.\d+\.[a-z0-9]+\.tmp$/;
/** A journal names a handful of files; anything bigger was not written by bake-matrix. */
export const MAX_JOURNAL_BYTES = 64 * 1024;
/** O_NOFOLLOW where the platform has it (not on Windows, which has no such links to follow by accident). */
export const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Which file names in its folder a writer owns: the only ones a journal may name. */
export type OwnNames = (name: string) => boolean;

/** One step: make `file` the content of `temp` (whose hash is `sha256`), or remove `file` when `temp` is undefined. */
export interface JournalEntry {
  file: string;
  temp?: string;
  sha256?: string;
}

export function tempName(): string {
  return `.bake-matrix.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

export const isTempName = (name: string): boolean => TEMP.test(name) || OLD_TEMP.test(name);

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * Writes a new file (created exclusively, never through a link) in full and
 * flushes it to disk; returns the SHA-256 of the bytes written. The content is
 * a text, or a source whose chunks are written as it makes them (a 100 000-target
 * bake file never exists whole). An error of the source itself (not of writing)
 * is thrown as a SourceError holding it.
 */
export function writeDurably(path: string, data: string | ByteSource, step: Step = noStep): string {
  step(`write ${path}`);
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o666);
  try {
    const hash = createHash('sha256');
    const write = (bytes: Uint8Array) => {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      hash.update(bytes);
    };
    const source = typeof data === 'string' ? stringSource(data) : data;
    let failed: unknown;
    try {
      source((bytes) => {
        try {
          write(bytes);
        } catch (e) {
          failed = e;
          throw e;
        }
      });
    } catch (e) {
      if (e === failed) throw e; // the file system's error
      throw new SourceError(e);
    }
    step(`flush ${path}`);
    fsyncSync(fd);
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** What a ByteSource threw while writeDurably wrote it: a bug of its maker, not a failed write. */
export class SourceError extends Error {
  constructor(readonly reason: unknown) {
    super(`the content to write could not be made: ${(reason as Error)?.message ?? String(reason)}`);
  }
}

/** Puts the journal in place in one step (a temp file renamed); its temp file is removed (the link itself, never followed) when that fails. */
export function writeJournal(dir: string, entries: JournalEntry[], step: Step = noStep): void {
  const temp = join(dir, tempName());
  try {
    writeDurably(temp, JSON.stringify({ pid: process.pid, entries }) + '\n', step);
    step(`rename ${temp} -> ${JOURNAL_FILE}`);
    renameSync(temp, join(dir, JOURNAL_FILE));
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  syncFolder(dir);
}

/** Carries out each step whose temp file is still there, in order; then removes the journal. */
export function applyJournal(dir: string, entries: readonly JournalEntry[], step: Step = noStep): void {
  for (const entry of entries) {
    const final = join(dir, entry.file);
    if (entry.temp === undefined) {
      if (lstatOf(final)) {
        step(`remove ${final}`);
        rmSync(final, { force: true });
      }
      continue;
    }
    const temp = join(dir, entry.temp);
    const stats = lstatOf(temp);
    if (!stats) continue; // done before the kill
    if (stats.isFile() && sha256(readFileSync(temp)) === entry.sha256) {
      step(`rename ${temp} -> ${entry.file}`);
      renameSync(temp, final);
    } else rmSync(temp, { force: true }); // not what was written (or not a file): the next generate rewrites it
  }
  syncFolder(dir);
  step(`remove ${JOURNAL_FILE}`);
  rmSync(join(dir, JOURNAL_FILE), { force: true });
}

/**
 * The entries of the journal a killed run left in `dir`, or undefined when
 * there is none; a UserError, naming it (as `shownDir`/journal) and the
 * offending entry, when it is not one bake-matrix wrote for this folder.
 */
export function readJournal(dir: string, shownDir: string, owns: OwnNames): JournalEntry[] | undefined {
  const path = join(dir, JOURNAL_FILE);
  const shown = `${shownDir}/${JOURNAL_FILE}`;
  const stats = lstatOf(path);
  if (!stats) return undefined;
  const refuse = (why: string) =>
    new UserError([
      error('journal-refused', `${shown} ${why}; bake-matrix replays only a journal it wrote, naming the files of this folder. Nothing was replayed.`, {
        hint: `Remove ${shown} (a file a killed bake-matrix leaves; it does not belong in a commit), then run the command again.`,
      }),
    ]);
  if (!stats.isFile()) return refuseKind(stats, refuse);
  if (stats.size > MAX_JOURNAL_BYTES) throw refuse(`is ${stats.size} bytes, more than a journal's ${MAX_JOURNAL_BYTES}`);
  let text: string;
  const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  try {
    if (fstatSync(fd).size > MAX_JOURNAL_BYTES) throw refuse(`is more than a journal's ${MAX_JOURNAL_BYTES} bytes`);
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse('is not JSON');
  }
  const entries = (parsed as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw refuse('has no list of entries');
  const names = new Set<string>();
  for (const [i, raw] of entries.entries()) {
    const entry = raw as Partial<Record<keyof JournalEntry, unknown>> | null;
    const where = `entry ${i + 1}`;
    if (!entry || typeof entry !== 'object' || typeof entry.file !== 'string') throw refuse(`${where} names no file`);
    if (!isPlainName(entry.file) || !owns(entry.file)) throw refuse(`${where} names ${JSON.stringify(entry.file)}, which is not a file bake-matrix writes in this folder`);
    if (names.has(entry.file)) throw refuse(`${where} names ${JSON.stringify(entry.file)} twice`);
    names.add(entry.file);
    if (entry.temp === undefined && entry.sha256 === undefined) continue;
    if (typeof entry.temp !== 'string' || !TEMP.test(entry.temp)) throw refuse(`${where} names the temp file ${JSON.stringify(entry.temp)}, which is not one of bake-matrix's`);
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) throw refuse(`${where} has no SHA-256 of its temp file`);
  }
  return entries as JournalEntry[];
}

function refuseKind(stats: Stats, refuse: (why: string) => UserError): never {
  throw refuse(`is ${kindOf(stats)}, not a journal file`);
}

/** What a folder entry is, in words. */
export function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFile()) return 'a file';
  return 'a special file (a device, socket or pipe)';
}

const isPlainName = (name: string) => name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);

/**
 * Finishes what a killed run left (under the folder's lock): applies a journal
 * left behind (refusing one that names anything but `owns`), then removes every
 * temp file of ours. Returns the files repaired.
 */
export function recoverFolder(dir: string, shownDir: string, owns: OwnNames, step: Step = noStep): string[] {
  const entries = readJournal(dir, shownDir, owns);
  if (entries) applyJournal(dir, entries, step);
  for (const name of readdirSync(dir)) {
    if (isTempName(name) && lstatOf(join(dir, name))?.isDirectory() === false) rmSync(join(dir, name), { force: true });
  }
  return entries?.map((e) => e.file) ?? [];
}

/** Whether a folder holds what a killed run leaves: a journal, temp files or a lock. */
export function needsRecovery(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name === JOURNAL_FILE || name === LOCK_FILE || isTempName(name));
  } catch {
    return false;
  }
}

/** The entry's lstat (links not followed), or undefined when there is none (a file in the way of the path included). */
export function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Flushes a folder's entries (the renames) to disk; not possible everywhere, so best effort. */
export function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows and some file systems cannot open a folder for syncing
  }
}
