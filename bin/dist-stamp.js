// Is dist/ (the compiled CLI) built from the sources as they are now? The build
// (scripts/build.js) writes the sources' stamp into dist/; the CLI compares it
// with the stamp of src/ today. A stamp is the number of files and folders
// under src/ and their latest modification time: an edit, a new, removed or
// renamed file, or a git checkout changes it. Plain JavaScript: it runs
// before anything is compiled.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

export const STAMP_FILE = 'source-stamp.json';

/** The stamp of the folder `src`, or undefined when there is none (an installed package ships dist/ only). */
export function sourceStamp(src) {
  let entries;
  try {
    entries = readdirSync(src, { recursive: true });
  } catch {
    return undefined;
  }
  let latest = statSync(src).mtimeMs;
  for (const entry of entries) latest = Math.max(latest, statSync(join(src, entry)).mtimeMs);
  return `${entries.length} entries, latest ${latest}`;
}

/**
 * undefined when `dist` was built from `src` as it is (or there is no src, or
 * the package is installed: npm gives the files of a package it unpacks one
 * fixed modification time, so the stamp of its src/ never matches, and its
 * src/ is there for the types only); otherwise why not.
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
