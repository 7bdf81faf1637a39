// Which files make up the matrix: the one file given, or every .yaml, .yml
// .toml and .ts file (not .d.ts) under the folder given. An entry named like a matrix file
// that cannot be read as one (a folder, a dangling symlink, a FIFO or device)
// is a problem, never skipped without a word. Symlinks to files are followed.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { error, type Problem } from '../problems/problem.ts';

export const MATRIX_EXTENSIONS = new Set(['.yaml', '.yml', '.toml', '.ts']);

export interface MatrixFile {
  path: string;
  size: number;
}

export type Found = { ok: true; files: MatrixFile[]; problems: Problem[] } | { ok: false; problems: Problem[] };

/** `shown` turns an absolute path into what the user sees; `cwd` is named when nothing is found. */
export function findMatrixFiles(absolute: string, shown: (path: string) => string, cwd: string): Found {
  let stats: Stats;
  try {
    stats = statSync(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' || code === 'ENOTDIR' ? 'nothing there' : `cannot be read: ${code ?? String(e)}`;
    return fail(error('matrix-not-found', `No matrix at ${shown(absolute)} (${what}; looked in the working directory ${cwd}).`, {
      hint: 'Run bake-matrix from the project root (where matrix/ is), or pass --matrix PATH: a matrix file or a folder of them.',
    }));
  }
  if (stats.isDirectory()) {
    const { files, problems } = filesUnder(absolute, shown);
    if (files.length === 0 && problems.length === 0) {
      return fail(error('matrix-not-found', `${shown(absolute)} holds no .yaml, .yml, .toml or .ts file (looked in the working directory ${cwd}).`, { hint: 'Add a matrix file there, or pass --matrix PATH.' }));
    }
    return { ok: true, files, problems };
  }
  if (!stats.isFile()) return fail(notAFile(shown(absolute), stats));
  return { ok: true, files: [{ path: absolute, size: stats.size }], problems: [] };
}

function filesUnder(dir: string, shown: (path: string) => string): { files: MatrixFile[]; problems: Problem[] } {
  const files: MatrixFile[] = [];
  const problems: Problem[] = [];
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => MATRIX_EXTENSIONS.has(extname(entry.name)) && !entry.name.endsWith('.d.ts') && !entry.name.startsWith('.#')) // .#name: an editor's lock file
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
  for (const path of entries) {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(error('matrix-file-unreadable', `${shown(path)} is named like a matrix file but ${code === 'ENOENT' ? 'is a symlink to nothing (its target does not exist)' : `cannot be read (${code ?? String(e)})`}.`, {
        file: shown(path),
        hint: 'Fix or remove the link, or rename it so that it does not end in .yaml, .yml, .toml or .ts.',
      }));
      continue;
    }
    if (stats.isFile()) files.push({ path, size: stats.size });
    else problems.push(notAFile(shown(path), stats));
  }
  return { files, problems };
}

function notAFile(shown: string, stats: Stats): Problem {
  const kind = stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a named pipe' : stats.isSocket() ? 'a socket' : 'a device';
  return error('matrix-file-unreadable', `${shown} is named like a matrix file but is ${kind}, so it would be skipped.`, {
    file: shown,
    hint: stats.isDirectory() ? 'Rename the folder so that it does not end in .yaml, .yml, .toml or .ts (the files inside a matrix folder are read at any depth).' : 'A matrix file must be a regular file.',
  });
}

function fail(problem: Problem): Found {
  return { ok: false, problems: [problem] };
}
