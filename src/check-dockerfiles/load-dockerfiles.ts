// The edge of the Dockerfile checks: reads each Dockerfile once. Everything
// after this is pure (see dockerfile-problems.ts).
import { readdirSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { DEFAULT_LIMITS, limitReason, raiseHint, type Limits } from '../load/limits.ts';
import { readRegularFile } from '../run/read-json-file.ts';
import { parseDockerfile, type DockerfileModel } from './parse-dockerfile.ts';

export type LoadedDockerfile =
  | { ok: true; model: DockerfileModel }
  /** `nearby`: Dockerfiles in the same folder, for "did you mean"; `hint` replaces the usual one. */
  | { ok: false; reason: string; nearby: string[]; hint?: string };

/** Path relative to `root` (as the matrix writes it) -> the parsed Dockerfile, or why there is none. */
export function loadDockerfiles(paths: Iterable<string>, root: string, limits: Pick<Limits, 'dockerfileSize'> = DEFAULT_LIMITS): Map<string, LoadedDockerfile> {
  const loaded = new Map<string, LoadedDockerfile>();
  for (const path of paths) {
    if (loaded.has(path)) continue;
    // A regular file only (a FIFO named Dockerfile would block forever), size-bounded.
    const read = readRegularFile(resolve(root, path), limits.dockerfileSize, 'a Dockerfile');
    if (read.ok) loaded.set(path, { ok: true, model: parseDockerfile(read.text, path) });
    else if (read.tooLarge) {
      const all = { ...DEFAULT_LIMITS, ...limits };
      loaded.set(path, { ok: false, reason: `is too large: ${limitReason('dockerfileSize', all, 'it is more')}`, nearby: [], hint: raiseHint('dockerfileSize', all) });
    } else {
      const folder = read.reason === 'is a folder, not a regular file';
      loaded.set(path, { ok: false, reason: folder ? 'is a folder, not a file' : read.reason, nearby: read.missing || folder ? nearby(path, root) : [] });
    }
  }
  return loaded;
}

/** Files named like a Dockerfile in the folder `path` names (Dockerfile, *.Dockerfile, Dockerfile.*). */
function nearby(path: string, root: string): string[] {
  const dir = posix.dirname(path.replace(/\\/g, '/'));
  try {
    return readdirSync(dirname(resolve(root, path)), { withFileTypes: true })
      .filter((e) => e.isFile() && /(^|\.)dockerfile($|\.)/i.test(e.name))
      .map((e) => (dir === '.' ? e.name : `${dir}/${e.name}`))
      .sort();
  } catch {
    return [];
  }
}
