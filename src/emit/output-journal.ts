// The journal that keeps the bake files a consistent set across a kill. The
// new files are written in full to temp files first; then a journal naming
// each final file, its temp file and the temp's SHA-256 is put in place in one
// rename; only then are the temps renamed over the finals, and the journal
// removed. A run killed between two renames leaves the journal: the next run
// (generate, run or check, under the folder's lock) finishes those renames, so
// the JSON and HCL files are again one generation. Temp files of dead runs are
// removed then too. Each final file is always whole (rename is atomic), so
// `docker buildx bake -f bake/docker-bake.json` works at any moment.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE } from './output-lock.ts';

export const JOURNAL_FILE = '.bake-matrix.journal';
const TEMP = /^\.bake-matrix\.\d+\.[a-z0-9]+\.tmp$/;
/** The temp names of earlier versions (`.<pid>.<random>.tmp`). */
const OLD_TEMP = /^\.\d+\.[a-z0-9]+\.tmp$/;

/** One step: make `file` the content of `temp` (whose hash is `sha256`), or remove `file` when `temp` is undefined. */
export interface JournalEntry {
  file: string;
  temp?: string;
  sha256?: string;
}

export function tempName(): string {
  return `.bake-matrix.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Writes a file in full and flushes it to disk. */
export function writeDurably(path: string, data: string): void {
  const fd = openSync(path, 'wx');
  try {
    const bytes = Buffer.from(data);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Puts the journal in place in one step (a temp file renamed). */
export function writeJournal(dir: string, entries: JournalEntry[]): void {
  const temp = join(dir, tempName());
  writeDurably(temp, JSON.stringify({ pid: process.pid, entries }) + '\n');
  renameSync(temp, join(dir, JOURNAL_FILE));
  syncFolder(dir);
}

/** Carries out each step whose temp file is still there; then removes the journal. */
export function applyJournal(dir: string, entries: readonly JournalEntry[]): void {
  for (const entry of entries) {
    const final = join(dir, entry.file);
    if (entry.temp === undefined) {
      rmSync(final, { force: true });
      continue;
    }
    const temp = join(dir, entry.temp);
    if (!existsSync(temp)) continue; // done before the kill
    if (sha256(readFileSync(temp)) === entry.sha256) renameSync(temp, final);
    else rmSync(temp, { force: true }); // cannot happen unless the disk lied; the next generate rewrites it
  }
  syncFolder(dir);
  rmSync(join(dir, JOURNAL_FILE), { force: true });
}

/**
 * Finishes what a killed run left (under the folder's lock): applies a journal
 * left behind, then removes every temp file of ours. Returns the files repaired.
 */
export function recoverFolder(dir: string): string[] {
  const journal = join(dir, JOURNAL_FILE);
  let repaired: string[] = [];
  if (existsSync(journal)) {
    let entries: JournalEntry[] = [];
    try {
      entries = (JSON.parse(readFileSync(journal, 'utf8')) as { entries: JournalEntry[] }).entries;
    } catch {
      entries = []; // a journal is renamed into place whole; an unreadable one has nothing to apply
    }
    applyJournal(dir, entries);
    repaired = entries.map((e) => e.file);
  }
  for (const name of readdirSync(dir)) {
    if (TEMP.test(name) || OLD_TEMP.test(name)) rmSync(join(dir, name), { force: true });
  }
  return repaired;
}

/** Whether a folder holds what a killed run leaves: a journal, temp files or a lock. */
export function needsRecovery(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name === JOURNAL_FILE || name === LOCK_FILE || TEMP.test(name) || OLD_TEMP.test(name));
  } catch {
    return false;
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

