// A snapshot of everything below a folder (paths, kinds, sizes, content hashes, link targets),
// taken before and after a command so a test can assert the command changed nothing it must not.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export type TreeSnapshot = Map<string, string>;

/** Every entry below `root` (not following symlinks) -> a description of it. `skip` names paths (relative) not to descend into. */
export function snapshotTree(root: string, skip: readonly string[] = []): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (skip.includes(rel)) continue;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) out.set(rel, `link -> ${readlinkSync(path)}`);
      else if (stat.isDirectory()) {
        out.set(rel, `dir ${(stat.mode & 0o7777).toString(8)}`);
        walk(path);
      } else if (stat.isFile()) out.set(rel, `file ${stat.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
      else out.set(rel, 'other');
    }
  };
  walk(root);
  return out;
}

/** The differences between two snapshots, one line each (`+ added`, `- removed`, `~ changed`); empty when equal. */
export function treeChanges(before: TreeSnapshot, after: TreeSnapshot, keep: (path: string) => boolean = () => true): string[] {
  const lines: string[] = [];
  for (const [path, was] of before) {
    if (!keep(path)) continue;
    const now = after.get(path);
    if (now === undefined) lines.push(`- ${path}`);
    else if (now !== was) lines.push(`~ ${path}: ${was} -> ${now}`);
  }
  for (const path of after.keys()) if (keep(path) && !before.has(path)) lines.push(`+ ${path}`);
  return lines;
}
