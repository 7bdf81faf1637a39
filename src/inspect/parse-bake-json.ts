// A docker-bake.json text -> the Bake model, or a UserError saying which file is not one.
// Bake files come from pull requests and other revisions: their size is bounded
// before the text is read and parsed, their nesting (load/limits.ts) right after
// JSON.parse (which does not recurse), before anything that recurses sees them,
// so no file can make `diff` overflow the stack or run for minutes.
import { DEFAULT_LIMITS, formatAmount, limitExceeded, type Limits } from '../load/limits.ts';
import { dict } from '../dict.ts';
import { error, UserError } from '../problems/problem.ts';
import type { BakeFile } from '../types/bake.ts';

export type BakeFileLimits = Pick<Limits, 'bakeFileSize' | 'depth'>;

export function parseBakeJson(text: string, what: string, limits: BakeFileLimits = DEFAULT_LIMITS): BakeFile {
  const size = Buffer.byteLength(text);
  if (size > limits.bakeFileSize) throw new UserError([bakeFileTooLarge(size, what, limits)]);
  let data: unknown;
  try {
    data = JSON.parse(text); // V8 parses without recursion: the depth is checked on what it gives, before anything recurses
  } catch (e) {
    throw new UserError([error('bad-bake-file', `${what} is not valid JSON: ${(e as Error).message}.`, { hint: 'diff compares docker-bake.json files (HCL bake files are not supported).' })]);
  }
  if (nestsDeeper(data, limits.depth)) {
    const deep = jsonTooDeep(text, limits.depth);
    throw new UserError([limitExceeded('depth', { ...DEFAULT_LIMITS, ...limits }, 'here it goes deeper', { file: what, position: deep === undefined ? { line: 1, col: 1 } : positionAt(text, deep) })]);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const bad = !isObject(data) ? 'it is not a JSON object' : (['target', 'group', 'variable'] as const).find((k) => data[k] !== undefined && !isObject(data[k]));
  if (bad) {
    const reason = bad === 'it is not a JSON object' ? bad : `its "${bad}" is not an object`;
    throw new UserError([error('bad-bake-file', `${what} is not a bake file: ${reason}.`, { hint: 'A docker-bake.json holds "target", "group" and "variable" objects.' })]);
  }
  const file = data as Record<string, unknown>;
  // Names are looked up as given on the command line: no prototype, so `constructor` is no name of Object's
  // (src/dict.ts). JSON.parse made every key an own property (`__proto__` too), so dropping the prototype is
  // enough: no copy of 100 000 entries.
  const names = (v: unknown) => (v ? Object.setPrototypeOf(v, null) : dict()) as Record<string, unknown>;
  return { ...(file.variable ? { variable: names(file.variable) } : {}), group: names(file.group), target: names(file.target) } as BakeFile;
}

/** The problem for a bake file over the size limit (`size` bytes), checked before it is read where the size is known first. */
export function bakeFileTooLarge(size: number, what: string, limits: BakeFileLimits = DEFAULT_LIMITS): ReturnType<typeof limitExceeded> {
  return limitExceeded('bakeFileSize', { ...DEFAULT_LIMITS, ...limits }, `${what} is ${formatAmount(size, 'bytes')}`, { file: what });
}

/** Whether a parsed JSON value nests more than `max` objects and lists, found without recursion. */
function nestsDeeper(value: unknown, max: number): boolean {
  // Two parallel stacks (values, depths): no pair allocated per node of a 100 MB file.
  const values: object[] = [];
  const depths: number[] = [];
  if (typeof value === 'object' && value !== null) values.push(value), depths.push(1);
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(v)) {
      for (const child of v) if (typeof child === 'object' && child !== null) values.push(child), depths.push(depth + 1);
    } else {
      for (const key in v) {
        const child = (v as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) values.push(child), depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** The offset of the bracket that opens level `max + 1` of a JSON text, outside strings; undefined when it nests no deeper. */
export function jsonTooDeep(text: string, max: number): number | undefined {
  // Jumps from one quote or bracket to the next (a bake file of 100 000 targets is 100 MB): native searches, not a loop per character.
  const next = /["[\]{}]/g;
  let depth = 0;
  for (let m = next.exec(text); m; m = next.exec(text)) {
    const c = m[0];
    if (c === '"') {
      // To the closing quote: one not preceded by an odd number of backslashes.
      let end = text.indexOf('"', m.index + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return undefined; // an unterminated string: JSON.parse says so
      next.lastIndex = end + 1;
    } else if (c === '{' || c === '[') {
      if (++depth > max) return m.index;
    } else depth--;
  }
  return undefined;
}

function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
  return backslashes % 2 === 1;
}

/** Line and column (1-based, in UTF-16 units) of an offset. */
function positionAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
