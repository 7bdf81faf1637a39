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

/** Bytes encoded per write: big files go out through one small buffer, not a copy of their whole text. */
const CHUNK = 1 << 20;

/** Writes a file in full and flushes it to disk; returns the SHA-256 of the bytes written. */
export function writeDurably(path: string, data: string): string {
  const fd = openSync(path, 'wx');
  try {
    const hash = createHash('sha256');
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2).
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, data.length) * 3);
    for (let start = 0; start < data.length; ) {
      let end = Math.min(start + CHUNK, data.length);
      if (end < data.length && isHighSurrogate(data.charCodeAt(end - 1))) end--; // never split a pair
      const length = buffer.write(data.slice(start, end));
      for (let offset = 0; offset < length; ) offset += writeSync(fd, buffer, offset, length - offset);
      hash.update(buffer.subarray(0, length));
      start = end;
    }
    fsyncSync(fd);
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

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

