// load: matrix files on disk -> SourceFile[] (text, parsed data, positions).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { error, type Problem, type Result } from '../problems/problem.ts';
import { parseToml } from './parse-toml.ts';
import { parseTypeScript } from './parse-typescript.ts';
import { parseYaml, type Parsed } from './parse-yaml.ts';
import { SourceFile } from './source-file.ts';

export { SourceFile } from './source-file.ts';

/** The parser of each kind of matrix file; a TypeScript matrix is read statically, never run. */
const PARSERS: Record<string, (text: string, file: string) => Parsed> = {
  '.yaml': parseYaml,
  '.yml': parseYaml,
  '.toml': parseToml,
  '.ts': parseTypeScript,
};

export type LoadResult = Result<SourceFile[]> & {
  files: SourceFile[];
  /** The project root unless a file sets `root`: the folder holding the matrix file or folder. */
  root?: string;
};

/** Reads one matrix file, or every .yaml/.yml/.toml/.ts file under a folder. The files come back
 * even when some do not parse, so that problems can be shown with their lines. */
export function loadMatrix(input: string, cwd = process.cwd()): LoadResult {
  const absolute = resolve(cwd, input);
  const shown = displayPath(absolute, cwd);
  const paths = matrixPaths(input, cwd);
  if (!paths) {
    return fail(error('matrix-not-found', `No matrix at ${shown}.`, { hint: 'Pass --matrix PATH: a matrix file or a folder of them.' }));
  }
  if (paths.length === 0) {
    return fail(error('matrix-not-found', `${shown} holds no .yaml, .yml, .toml or .ts file.`, { hint: 'Add a matrix file there, or pass --matrix PATH.' }));
  }
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    const file = displayPath(path, cwd);
    const text = readFileSync(path, 'utf8');
    const parsed = (PARSERS[extname(path)] ?? parseYaml)(text, file);
    problems.push(...parsed.problems);
    files.push(new SourceFile(file, text, parsed.data ?? {}, parsed.spans, path));
  }
  const root = dirname(absolute);
  return problems.length ? { ok: false, problems, files, root } : { ok: true, value: files, warnings: [], files, root };
}

/** The matrix files `input` names (one file, or those under a folder), absolute; undefined when there is nothing at `input`. */
export function matrixPaths(input: string, cwd = process.cwd()): string[] | undefined {
  const absolute = resolve(cwd, input);
  try {
    return statSync(absolute).isDirectory() ? matrixFilesUnder(absolute) : [absolute];
  } catch {
    return undefined;
  }
}

function matrixFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && extname(entry.name) in PARSERS && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
}

/** Paths are shown relative to the working directory when inside it, with forward slashes. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const shown = rel && !rel.startsWith('..') ? rel : path;
  return shown.split(sep).join('/');
}

function fail(problem: Problem): LoadResult {
  return { ok: false, problems: [problem], files: [] };
}
