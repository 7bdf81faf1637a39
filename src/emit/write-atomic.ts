// The only code that writes the bake files, all or nothing: every file is first
// written in full to a temp file in its own folder; the previous files are kept
// aside; only then are the new ones renamed into place. If anything fails, the
// previous files are put back, so a reader, a crash or a full disk never leaves
// half a file or a mix of old and new.
import { existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { error, UserError } from '../problems/problem.ts';

export interface FileToWrite {
  /** Absolute path. */
  path: string;
  text: string;
  /** As shown to the user. */
  shown?: string;
}

interface Staged {
  file: FileToWrite;
  temp: string;
  /** A hard link to the previous file, when there was one. */
  previous?: string;
  placed: boolean;
}

export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const staged: Staged[] = [];
  try {
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      const entry: Staged = { file, temp: tempBeside(file.path), placed: false };
      staged.push(entry);
      writeFileSync(entry.temp, file.text);
      if (existsSync(file.path)) {
        entry.previous = tempBeside(file.path);
        linkSync(file.path, entry.previous);
      }
    }
    for (const entry of staged) {
      renameSync(entry.temp, entry.file.path);
      entry.placed = true;
    }
  } catch (e) {
    rollBack(staged);
    const failed = staged.at(-1)?.file ?? files[0]!;
    const culprit = staged.find((s) => !s.placed)?.file ?? failed;
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError([
      error('write-failed', `Could not write ${culprit.shown ?? culprit.path}: ${reason}. No bake file was changed.`, {
        hint: 'Check that --out names a folder you can write to (not a file).',
      }),
    ]);
  }
  for (const entry of staged) if (entry.previous) quietly(() => rmSync(entry.previous!, { force: true }));
}

export function writeAtomic(path: string, text: string): void {
  writeFilesAtomic([{ path, text }]);
}

function rollBack(staged: Staged[]): void {
  for (const entry of staged) {
    if (entry.placed) {
      if (entry.previous) quietly(() => renameSync(entry.previous!, entry.file.path));
      else quietly(() => rmSync(entry.file.path, { force: true }));
    } else if (entry.previous) {
      quietly(() => rmSync(entry.previous!, { force: true }));
    }
    quietly(() => rmSync(entry.temp, { force: true }));
  }
}

function tempBeside(path: string): string {
  return join(dirname(path), `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/** Clean-up must not hide the error that caused it. */
function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // nothing more can be done; the original error is reported
  }
}
