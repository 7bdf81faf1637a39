// The edge of the Dockerfile checks: reads each Dockerfile once. Everything
// after this is pure (see dockerfile-problems.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { parseDockerfile, type DockerfileModel } from './parse-dockerfile.ts';

export type LoadedDockerfile =
  | { ok: true; model: DockerfileModel }
  /** `nearby`: Dockerfiles in the same folder, for "did you mean". */
  | { ok: false; reason: string; nearby: string[] };

/** Path relative to `root` (as the matrix writes it) -> the parsed Dockerfile, or why there is none. */
export function loadDockerfiles(paths: Iterable<string>, root: string): Map<string, LoadedDockerfile> {
  const loaded = new Map<string, LoadedDockerfile>();
  for (const path of paths) {
    if (loaded.has(path)) continue;
    const absolute = resolve(root, path);
    let text: string;
    try {
      if (statSync(absolute).isDirectory()) {
        loaded.set(path, { ok: false, reason: 'is a folder, not a file', nearby: nearby(path, root) });
        continue;
      }
      text = readFileSync(absolute, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const missing = code === 'ENOENT' || code === 'ENOTDIR';
      loaded.set(path, { ok: false, reason: missing ? 'does not exist' : `cannot be read (${code ?? String(e)})`, nearby: missing ? nearby(path, root) : [] });
      continue;
    }
    loaded.set(path, { ok: true, model: parseDockerfile(text, path) });
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
