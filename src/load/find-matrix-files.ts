// Which files make up the matrix: the one file given, or every .yaml, .yml
// .toml and .ts file (not .d.ts) under the folder given. Given none, the
// matrix is matrix/ in the working directory, or a one-file project's
// bake-matrix.yaml (.yml, .toml, .ts) there: exactly one of them. An entry named like a matrix file
// that cannot be read as one (a folder, a dangling symlink, a FIFO or device)
// is a problem, never skipped without a word. Symlinks to files are followed.
import { existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { error, type Problem } from '../problems/problem.ts';

export const MATRIX_EXTENSIONS = new Set(['.yaml', '.yml', '.toml', '.ts']);

/** Without --matrix: this folder, or when there is none a one-file project's file (defaultMatrix). */
export const DEFAULT_MATRIX = 'matrix';
export const ONE_FILE_MATRICES = ['bake-matrix.yaml', 'bake-matrix.yml', 'bake-matrix.toml', 'bake-matrix.ts'];

/**
 * What to read: `input` (--matrix) when given; else matrix/ in the working
 * directory, or the one bake-matrix.{yaml,yml,toml,ts} there. Two candidates are a problem: reading one would silently
 * ignore the other.
 */
export function defaultMatrix(input: string | undefined, cwd: string): { ok: true; input: string } | { ok: false; problems: Problem[] } {
  if (input !== undefined) return { ok: true, input };
  const present = [DEFAULT_MATRIX, ...ONE_FILE_MATRICES].filter((name) => existsSync(resolve(cwd, name)));
  if (present.length === 0) {
    return refuse(error('matrix-not-found', `No matrix in the working directory ${cwd}: neither a matrix/ folder nor a ${ONE_FILE_MATRICES.join(', ')} file.`, {
      hint: 'Run bake-matrix from the project root, start one with `npx bake-matrix init` (it reads your Dockerfile), or pass --matrix PATH: a matrix file or a folder of them.',
    }));
  }
  if (present.length > 1) {
    const shown = present.map((name) => (name === DEFAULT_MATRIX ? 'matrix/' : name));
    return refuse(error('matrix-ambiguous', `The working directory holds ${shown.join(' and ')}: which one is the matrix?`, {
      hint: `Keep one (a matrix/ folder of files, or one bake-matrix file), or pass --matrix ${present[0] === DEFAULT_MATRIX ? 'matrix' : present[0]} to choose.`,
    }));
  }
  return { ok: true, input: present[0]! };
}

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

function refuse(problem: Problem): { ok: false; problems: Problem[] } {
  return { ok: false, problems: [problem] };
}

function fail(problem: Problem): Found {
  return { ok: false, problems: [problem] };
}
