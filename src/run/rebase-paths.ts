// buildx runs in the project root (bake resolves contexts against its working
// directory and refuses paths outside it), while the user typed paths from
// their own: the bake file, overlays (-f) and --metadata-file are rewritten
// relative to the root.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { PassedFlag, RunArgs } from './run-args.ts';

const PATH_FLAGS = new Set(['file', 'metadata-file']);

/** `path` (relative to `cwd`) as seen from `root`. */
export function fromRoot(path: string, cwd: string, root: string): string {
  if (isAbsolute(path) && !path.startsWith(root + sep)) return path;
  return relative(root, resolve(cwd, path)).split(sep).join('/') || '.';
}

export function rebaseRunPaths(run: RunArgs, cwd: string, root: string): RunArgs {
  if (resolve(cwd) === resolve(root)) return run;
  const flags = run.flags.map((f): PassedFlag => {
    if (!PATH_FLAGS.has(f.name) || f.value === undefined || f.value === '-') return f;
    const value = fromRoot(f.value, cwd, root);
    return { ...f, value, raw: f.raw.length === 2 ? [f.raw[0]!, value] : [`--${f.name}=${value}`] };
  });
  return { ...run, flags };
}
