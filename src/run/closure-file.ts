// Where `run` puts the closure it hands buildx: <out>/.bake-matrix/run-<hash>.json,
// named after its content. The same request reuses its file; concurrent runs
// write the same bytes through a rename, so a reader never sees half a file;
// files unused for a day are removed. The folder ignores itself in git. (The
// record of the last generation is elsewhere: see generation-record.ts.)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../emit/write-atomic.ts';

export const CLOSURE_DIR = '.bake-matrix';
const PREFIX = 'run-';
const KEEP_MS = 24 * 60 * 60 * 1000;

/** Writes (or reuses) the closure file under `outDir` (absolute); returns its name inside CLOSURE_DIR. */
export function writeClosureFile(outDir: string, text: string, now = Date.now()): string {
  const dir = join(outDir, CLOSURE_DIR);
  const name = `${PREFIX}${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`;
  const path = join(dir, name);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) {
    utimesSync(path, now / 1000, now / 1000); // in use: not pruned
  } else {
    writeAtomic(path, text);
  }
  ownFolder(outDir);
  prune(dir, name, now);
  return name;
}

/** <out>/.bake-matrix, created with a .gitignore that ignores it whole; returns its path. */
export function ownFolder(outDir: string): string {
  const dir = join(outDir, CLOSURE_DIR);
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(ignore, '# Written by bake-matrix run: the bake files it hands buildx (the closure of the names it builds).\n*\n');
  }
  return dir;
}

function prune(dir: string, keep: string, now: number): void {
  for (const entry of readdirSync(dir)) {
    if (entry === keep || !entry.startsWith(PREFIX) || !entry.endsWith('.json')) continue;
    try {
      const path = join(dir, entry);
      if (now - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { force: true });
    } catch {
      // another run removed it first
    }
  }
}
