// The only code that writes the bake files. Every file is first written in full
// to a temp file in its own folder; only when all are written are they renamed
// into place, so a reader (or a crash, or a full disk) never sees half a file
// and a failure leaves every previous file byte for byte.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { error, UserError } from '../problems/problem.ts';

export interface FileToWrite {
  /** Absolute path. */
  path: string;
  text: string;
  /** As shown to the user. */
  shown?: string;
}

export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const temps: string[] = [];
  const fail = (file: FileToWrite, e: unknown): never => {
    temps.forEach((t) => rmSync(t, { force: true }));
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError([
      error('write-failed', `Could not write ${file.shown ?? file.path}: ${reason}. No bake file was changed.`, {
        hint: 'Check that --out names a folder you can write to (not a file).',
      }),
    ]);
  };
  for (const file of files) {
    const temp = join(dirname(file.path), `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(temp, file.text);
      temps.push(temp);
    } catch (e) {
      rmSync(temp, { force: true });
      fail(file, e);
    }
  }
  files.forEach((file, i) => {
    try {
      renameSync(temps[i]!, file.path);
    } catch (e) {
      fail(file, e);
    }
  });
}

export function writeAtomic(path: string, text: string): void {
  writeFilesAtomic([{ path, text }]);
}
