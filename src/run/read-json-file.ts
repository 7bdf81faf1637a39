// A JSON file another CI job wrote (a buildx --metadata-file), or a log
// (readRegularFile), read as untrusted input: a regular file only (a named pipe would block forever, a
// device never end), at most MAX_JSON_FILE_SIZE bytes, nested at most
// MAX_JSON_DEPTH levels. Symlinks to regular files are followed; a loop is
// said to be one.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export const MAX_JSON_FILE_SIZE = 32 * 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

export type JsonRead = { ok: true; value: unknown } | { ok: false; reason: string; missing?: boolean };

/** What a non-regular file is, in words. */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

/** Why a path cannot be opened, from its errno. */
export function openFailure(e: unknown): { reason: string; missing: boolean } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { reason: 'does not exist', missing: true };
  if (code === 'ELOOP') return { reason: 'is a symlink loop (or a chain of more than 40 links)', missing: false };
  if (code === 'EACCES' || code === 'EPERM') return { reason: 'cannot be read (permission denied)', missing: false };
  return { reason: `cannot be read (${code ?? String(e)})`, missing: false };
}

export type TextRead = { ok: true; text: string } | { ok: false; reason: string; missing?: boolean; tooLarge?: boolean };

/** A regular file's text, at most `maxSize` bytes (`what` names the kind of file in the reason); never blocks on a FIFO or a device. */
export function readRegularFile(path: string, maxSize: number, what: string, options: { noFollow?: boolean } = {}): TextRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. O_NOFOLLOW: a final link is refused.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    return { ok: false, ...openFailure(e) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, reason: `is ${kindOf(stats)}, not a regular file` };
    if (stats.size > maxSize) return { ok: false, reason: `is ${stats.size} bytes, more than the ${maxSize} ${what} may have`, tooLarge: true };
    const buffer = Buffer.alloc(Math.min(stats.size, maxSize) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > maxSize) return { ok: false, reason: `is more than the ${maxSize} bytes ${what} may have`, tooLarge: true };
    return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
  } catch (e) {
    return { ok: false, ...openFailure(e) };
  } finally {
    closeSync(fd);
  }
}

export function readJsonFile(path: string, limits: { size: number; depth: number } = { size: MAX_JSON_FILE_SIZE, depth: MAX_JSON_DEPTH }): JsonRead {
  const read = readRegularFile(path, limits.size, 'a metadata file');
  if (!read.ok) return read;
  const text = read.text;
  const depth = jsonDepth(text);
  if (depth > limits.depth) return { ok: false, reason: `nests more than ${limits.depth} levels deep` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, reason: `is not JSON (${(e as Error).message})` };
  }
}

/** The deepest nesting of [ and { outside strings (for text that may not be JSON at all). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
