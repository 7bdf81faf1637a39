// The only code that writes the bake files, all or nothing, one writer per
// folder. Under the folder's lock (output-lock.ts): what a killed run left is
// finished first; every new file is written in full to a temp file beside it;
// the previous files are kept aside (hard links); a journal is put in place
// (output-journal.ts); the temps are renamed over the finals; the journal is
// removed. An error on the way puts the previous files back (through a journal
// too, so a kill during that is finished as well). A reader, a crash, a kill
// or a full disk never leaves half a file, nor, past the next run, a mix of
// old and new files.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../problems/problem.ts';
import { applyJournal, JOURNAL_FILE, needsRecovery, recoverFolder, sha256, tempName, writeDurably, writeJournal, type JournalEntry } from './output-journal.ts';
import { lockOutputFolder } from './output-lock.ts';
import { writeProblem } from './write-error.ts';

export interface FileToWrite {
  /** Absolute path. */
  path: string;
  text: string;
  /** As shown to the user. */
  shown?: string;
}

export interface WriteOptions {
  /** How long to wait for another writer of the folder; default DEFAULT_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
}

/** Writes every file (all in one folder) or none; throws a UserError saying why in words. */
export function writeFilesAtomic(files: readonly FileToWrite[], options: WriteOptions = {}): void {
  if (files.length === 0) return;
  const dir = dirname(files[0]!.path);
  if (files.some((f) => dirname(f.path) !== dir)) throw new Error('writeFilesAtomic: every file must be in one folder');
  const shownDir = dirname(files[0]!.shown ?? files[0]!.path);
  let culprit = shownDir;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError([writeProblem(e, shownDir, true)]);
  }
  withLock(dir, shownDir, options, () => {
    recoverFolder(dir);
    const staged: { file: FileToWrite; temp: string; sha256: string; previous?: string }[] = [];
    let renamed = 0;
    try {
      for (const file of files) {
        culprit = file.shown ?? file.path;
        const entry: (typeof staged)[number] = { file, temp: tempName(), sha256: '' };
        staged.push(entry);
        entry.sha256 = writeDurably(join(dir, entry.temp), file.text);
        if (existsSync(file.path)) {
          entry.previous = tempName();
          linkSync(file.path, join(dir, entry.previous));
        }
      }
      writeJournal(dir, staged.map((s) => ({ file: fileOf(s.file), temp: s.temp, sha256: s.sha256 })));
      for (const entry of staged) {
        culprit = entry.file.shown ?? entry.file.path;
        renameSync(join(dir, entry.temp), entry.file.path);
        renamed++;
      }
      rmSync(join(dir, JOURNAL_FILE), { force: true });
    } catch (e) {
      const kept = rollBack(dir, staged, renamed);
      throw new UserError([writeProblem(e, culprit, kept)]);
    } finally {
      for (const entry of staged) {
        for (const name of [entry.temp, entry.previous]) if (name) rmSync(join(dir, name), { force: true });
      }
    }
  });
}

export function writeAtomic(path: string, text: string): void {
  writeFilesAtomic([{ path, text }]);
}

/** Finishes what a killed writer left in `dir`, under its lock; nothing to do is the common case. */
export function repairOutputFolder(dir: string, shown: string, options: WriteOptions = {}): string[] {
  if (!needsRecovery(dir)) return [];
  return withLock(dir, shown, options, () => recoverFolder(dir));
}

/** Runs `action` holding the folder's lock; file system errors of the lock and the clean-up become UserErrors. */
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
    if (e instanceof UserError || !(e as NodeJS.ErrnoException).code) throw e;
    throw new UserError([writeProblem(e, shown, true)]);
  } finally {
    lock.release();
  }
}

const fileOf = (f: FileToWrite) => f.path.slice(dirname(f.path).length + 1);

/** Puts the previous files back over the `renamed` first ones; true when that worked (or nothing was renamed). */
function rollBack(dir: string, staged: readonly { file: FileToWrite; previous?: string }[], renamed: number): boolean {
  if (renamed === 0) {
    rmSync(join(dir, JOURNAL_FILE), { force: true });
    return true;
  }
  try {
    // The journal of the way back replaces the one forward: a kill now still ends in the previous files.
    const entries: JournalEntry[] = staged.slice(0, renamed).map((s) => {
      if (!s.previous) return { file: fileOf(s.file) };
      const copy = tempName();
      linkSync(join(dir, s.previous), join(dir, copy));
      return { file: fileOf(s.file), temp: copy, sha256: sha256(readFileSync(join(dir, copy))) };
    });
    writeJournal(dir, entries);
    applyJournal(dir, entries);
    return true;
  } catch {
    return false;
  }
}
