// The files of a build context that BuildKit would send, as one digest: every
// entry the `.dockerignore` leaves in (fsutil's walk: an excluded folder is
// skipped whole unless a `!` pattern could bring something back), by path in
// byte order, with its kind, its executable bit (what git keeps; the rest of
// the mode depends on the checkout's umask) and its content's sha256, or a
// link's target as written. Links are never followed and special files
// (FIFOs, sockets, devices) are never opened. Folders named .bake-matrix
// (`run`'s scratch folder) are left out. The walk is bounded in entries
// and bytes; past a bound it stops and says which.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { IgnoreMatcher } from './dockerignore.ts';
import { isBakeFileName } from '../emit/emit-bake.ts';

export interface ContextLimits {
  /** Entries (files, folders, links) walked, excluded ones included. */
  entries: number;
  /** Bytes of file content read. */
  bytes: number;
}

export const CONTEXT_LIMITS: ContextLimits = { entries: 200_000, bytes: 8 * 1024 ** 3 };

export type ContextDigest =
  | {
      ok: true;
      digest: string;
      files: number;
      bytes: number;
      lines?: string[];
      /** Whether the context's own `.git` (a folder, or a worktree's file) is in it: every commit changes the digest then. */
      git: boolean;
      /** Bake files in it (docker-bake.json, .hcl: generated ones change with every matrix change), the first few. */
      bakeFiles: string[];
    }
  | { ok: false; reason: string; hint: string };

export interface ContextOptions {
  matcher?: IgnoreMatcher;
  /** Paths (relative, slash-separated) left out besides the ignored ones: the Dockerfile and the ignore file, counted on their own. */
  skip?: ReadonlySet<string>;
  limits?: ContextLimits;
  /** Keep the per-entry lines (for --explain). */
  keepLines?: boolean;
}

const CHUNK = 1 << 20;
/** `run`'s own scratch folder (<out>/.bake-matrix: closure files, git-ignored): left out wherever it is, or every run would change the digest. */
const SCRATCH = '.bake-matrix';
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** `dir` must be a real folder (the caller checked it is inside the project and no link). */
export function hashContext(dir: string, options: ContextOptions = {}): ContextDigest {
  const limits = options.limits ?? CONTEXT_LIMITS;
  const matcher = options.matcher;
  // fsutil walks into an excluded folder only when an exception (`!` pattern) could bring back something under it.
  const exceptions = (matcher?.patterns ?? []).filter((p) => p.startsWith('!')).map((p) => literalPrefix(p.slice(1)));
  const mayHoldException = (dir: string) => exceptions.some((lit) => lit.startsWith(`${dir}/`) || `${dir}/`.startsWith(lit));
  const hash = createHash('sha256');
  const lines: string[] | undefined = options.keepLines ? [] : undefined;
  const emit = (line: string) => {
    hash.update(line + '\n');
    lines?.push(line);
  };
  const buffer = Buffer.allocUnsafe(CHUNK);
  let entries = 0;
  let bytes = 0;
  let files = 0;
  let git = false;
  const bakeFiles: string[] = [];
  const stack: string[] = [''];
  let at = '';
  try {
    return walk();
  } catch (e) {
    // A folder or file that cannot be read (permissions, removed while walking): said, not an internal error.
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    return { ok: false, reason: `cannot be read at ${JSON.stringify(at || '.')} (${code})`, hint: 'Make the context readable, or leave that path out with a .dockerignore.' };
  }

  function walk(): ContextDigest {
    while (stack.length) {
      const rel = stack.pop()!;
      at = rel;
      const names = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: string[] = [];
      for (const entry of names) {
        if (++entries > limits.entries) return { ok: false, reason: `holds more than ${limits.entries} entries`, hint: 'Leave out what the build does not read with a .dockerignore.' };
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        at = path;
        const out = matcher?.excluded(path) ?? false;
        if (path === '.git' && !out) git = true;
        if (entry.isDirectory()) {
          if (entry.name === SCRATCH) continue;
          if (out && !mayHoldException(path)) continue;
          if (!out) emit(`d ${JSON.stringify(path)}`);
          subdirs.push(path);
          continue;
        }
        if (out || options.skip?.has(path)) continue;
        if (entry.isSymbolicLink()) emit(`l ${JSON.stringify(path)} ${JSON.stringify(readlinkSync(join(dir, path)))}`);
        else if (entry.isFile()) {
          const fd = openSync(join(dir, path), constants.O_RDONLY | NOFOLLOW | NONBLOCK);
          try {
            const stats = fstatSync(fd);
            if (!stats.isFile()) {
              emit(`o ${JSON.stringify(path)}`);
              continue;
            }
            const content = createHash('sha256');
            for (let n; (n = readSync(fd, buffer, 0, CHUNK, null)) > 0; ) {
              bytes += n;
              if (bytes > limits.bytes) return { ok: false, reason: `holds more than ${limits.bytes} bytes of files`, hint: 'Leave out what the build does not read with a .dockerignore.' };
              content.update(buffer.subarray(0, n));
            }
            files++;
            if (isBakeFileName(entry.name) && bakeFiles.length < 3) bakeFiles.push(path);
            emit(`f ${JSON.stringify(path)} ${stats.mode & 0o111 ? 'x' : '-'} ${content.digest('hex')}`);
          } finally {
            closeSync(fd);
          }
        } else emit(`o ${JSON.stringify(path)}`); // a FIFO, socket or device: its name only, never opened
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
    return { ok: true, digest: hash.digest('hex'), files, bytes, ...(lines ? { lines } : {}), git, bakeFiles };
  }
}

/** A pattern's text up to its first wildcard or escape: every path it matches starts with it. */
function literalPrefix(pattern: string): string {
  const i = pattern.search(/[*?[\\]/);
  return i < 0 ? pattern : pattern.slice(0, i);
}
