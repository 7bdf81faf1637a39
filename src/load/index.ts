// load: matrix files on disk -> SourceFile[] (text, parsed data, positions).
// Sizes are checked before a file is read, bytes decoded strictly, and every
// parser failure becomes a problem at a position.
import { readFileSync } from 'node:fs';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import { error, type Problem, type Result } from '../problems/problem.ts';
import { decodeText } from './decode-text.ts';
import { defaultMatrix, findMatrixFiles } from './find-matrix-files.ts';
import { DEFAULT_LIMITS, formatAmount, limitExceeded, type Limits } from './limits.ts';
import { parseToml } from './parse-toml.ts';
import { parseTypeScript } from './parse-typescript.ts';
import { parseYaml, positionsOf, type Parsed } from './parse-yaml.ts';
import { SourceFile } from './source-file.ts';

export { SourceFile } from './source-file.ts';

/** The parser of each kind of matrix file; a TypeScript matrix is read statically, never run. */
const PARSERS: Record<string, (text: string, file: string, limits: Limits) => Parsed> = {
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
export function loadMatrix(given: string | undefined, cwd = process.cwd(), limits: Limits = DEFAULT_LIMITS): LoadResult {
  const chosen = defaultMatrix(given, cwd);
  if (!chosen.ok) return { ok: false, problems: chosen.problems, files: [] };
  const absolute = resolve(cwd, chosen.input);
  const shown = (path: string) => displayPath(path, cwd);
  const found = findMatrixFiles(absolute, shown, cwd);
  if (!found.ok) return { ok: false, problems: found.problems, files: [] };
  const files: SourceFile[] = [];
  const problems: Problem[] = [...found.problems];
  let total = 0;
  for (const { path, size } of found.files) {
    const file = shown(path);
    const at = { file, position: { line: 1, col: 1 } };
    total += size;
    if (size > limits.fileSize) {
      problems.push(limitExceeded('fileSize', limits, `this file is ${formatAmount(size, 'bytes')}`, at));
      continue;
    }
    if (total > limits.totalSize) {
      problems.push(limitExceeded('totalSize', limits, `with this file they are ${formatAmount(total, 'bytes')}`, at));
      break;
    }
    const decoded = decodeText(readFileSync(path), file);
    if (!decoded.ok) {
      problems.push(decoded.problem);
      // The lossy text still shows the line in a code frame (with U+FFFD where the bad byte is).
      if (decoded.lossy !== undefined) files.push(new SourceFile(file, decoded.lossy, {}, new Map(), path));
      continue;
    }
    const parsed = parse(decoded.text, file, extname(path), limits);
    for (const p of parsed.problems) problems.push(p);
    if (parsed.problems.length === 0 && isEmpty(parsed.data)) problems.push(emptyFile(file, extname(path)));
    files.push(new SourceFile(file, decoded.text, parsed.data ?? {}, parsed.spans, path));
  }
  const root = dirname(absolute);
  return problems.length ? { ok: false, problems, files, root } : { ok: true, value: files, warnings: [], files, root };
}

function parse(text: string, file: string, ext: string, limits: Limits): Parsed {
  if (ext !== '.ts') {
    const lone = /\r(?!\n)/.exec(text);
    if (lone) return { data: undefined, spans: new Map(), problems: [loneCarriageReturn(file, positionsOf(text)(lone.index), ext)] };
  }
  try {
    return (PARSERS[ext] ?? parseYaml)(text, file, limits);
  } catch (e) {
    // A parser recursing past the stack despite the depth check: still the input's depth, not a bug.
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { data: undefined, spans: new Map(), problems: [limitExceeded('depth', limits, 'this file goes deeper than the parser can follow', { file, position: { line: 1, col: 1 } })] };
    throw e;
  }
}

const isEmpty = (data: unknown) => data === null || data === undefined || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0);

/**
 * YAML and TOML break lines at LF and CRLF only: with CR-only (classic Mac) line
 * endings the file reads as one long line, or as text with a carriage return in it.
 */
function loneCarriageReturn(file: string, position: { line: number; col: number }, ext: string): Problem {
  return error('line-ending', `A carriage return (CR) without a line feed: ${ext === '.toml' ? 'TOML' : 'YAML'} does not read it as a line break, so the lines around it would not read as written.`, {
    file,
    position,
    hint: 'Save the file with LF (or CRLF) line endings, e.g. `sed -i "s/\\r$//; s/\\r/\\n/g" FILE` or your editor\'s line-ending setting.',
  });
}

function emptyFile(file: string, ext: string): Problem {
  return error('empty-file', `${file} defines nothing: it is empty${ext === '.yaml' || ext === '.yml' ? ', comments only or null' : ''}, so it would silently take no part in the matrix.`, {
    file,
    pointer: '',
    hint: 'Remove the file, or write what it is for (e.g. an axis, or `stages:`). To switch a file off, rename it so that it does not end in .yaml, .yml, .toml or .ts.',
  });
}

/** Paths are shown relative to the working directory when inside it, with forward slashes. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const shown = rel && !rel.startsWith('..') ? rel : path;
  return shown.split(sep).join('/');
}
