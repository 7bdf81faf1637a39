// The `dest` of a local or tar output is a path in the project, fixed when the
// file is generated; buildx writes there. A pull request can plant a symbolic
// link on that path (`out -> /home/runner`), and buildx would write wherever it
// points: the folders on the way are checked, as `--out` is, before buildx runs.
import { resolve } from 'node:path';
import { linkOnTheWay } from '../emit/write-atomic.ts';
import { error, type Problem } from '../problems/problem.ts';
import type { BakeFile } from '../types/bake.ts';

/** One problem per output dest of these targets that has a symbolic link on its way. */
export function linkedOutputDests(bake: BakeFile, names: readonly string[], root: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    for (const entry of bake.target?.[name]?.output ?? []) {
      const dest = destOf(entry);
      if (dest === undefined || seen.has(dest)) continue;
      seen.add(dest);
      const link = linkOnTheWay(resolve(root, dest), dest);
      if (link === undefined) continue;
      problems.push(error('output-dest-link', `${link} is a symbolic link on the way to the output dest "${dest}" of target "${name}": buildx would write wherever it points.`, {
        hint: `Replace the link ${link} with a folder (or remove it) before building; bake-matrix never hands buildx a dest reached through a link.`,
      }));
    }
  }
  return problems;
}

/** `dest=` of a `type=local|tar,dest=...` entry as generated (no quoting: the planner refuses "," and quotes). */
function destOf(entry: string): string | undefined {
  const fields = entry.split(',');
  const type = fields.find((f) => f.startsWith('type='))?.slice(5);
  if (type !== 'local' && type !== 'tar') return undefined;
  // bake reads `$${` as a literal `${` (the planner escapes literal text so).
  return fields.find((f) => f.startsWith('dest='))?.slice(5).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}
