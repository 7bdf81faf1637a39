// Is dist/ (the compiled CLI) built from the sources as they are now? The build
// (scripts/build.js) writes the sources' stamp into dist/; the CLI compares it
// with the stamp of src/ today. A stamp is a SHA-256 over the path and the
// bytes of every file under src/: an edit, a new, removed or renamed file
// changes it; a `touch`, a checkout that leaves the bytes alone, or a
// generator that rewrites a file with the same text (`npm run gen:types`) does
// not. Hashing the ~150 sources costs about what reading their times did
// (5 ms). Plain JavaScript: it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const STAMP_FILE = 'source-stamp.json';

/** The stamp of the folder `src`, or undefined when there is none. */
export function sourceStamp(src) {
  let entries;
  try {
    entries = readdirSync(src, { recursive: true, withFileTypes: true });
  } catch {
    return undefined;
  }
  // Sorted by path with / separators, so the stamp is the same on every machine.
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(src, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(src, file))).update('\0');
  return `sha256:${hash.digest('hex')} of ${files.length} files`;
}

/**
 * undefined when `dist` was built from `src` as it is (or there is no src, or
 * the package is installed: under node_modules/ dist/ is what npm unpacked,
 * and src/ is there for the types only); otherwise why not.
 */
export function staleReason(src, dist) {
  if (src.split(sep).includes('node_modules')) return undefined;
  const now = sourceStamp(src);
  if (now === undefined) return undefined;
  let built;
  try {
    built = JSON.parse(readFileSync(join(dist, STAMP_FILE), 'utf8')).source;
  } catch {
    return 'dist/ is not built';
  }
  return built === now ? undefined : 'src/ changed since dist/ was built';
}
