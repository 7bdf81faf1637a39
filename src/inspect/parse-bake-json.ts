// A docker-bake.json text -> the Bake model, or a UserError saying which file is not one.
// Bake files come from pull requests and other revisions: their size and nesting are
// bounded (load/limits.ts) before the text is parsed, so no file can make `diff`
// overflow the stack or run for minutes.
import { DEFAULT_LIMITS, formatAmount, limitExceeded, type Limits } from '../load/limits.ts';
import { error, UserError } from '../problems/problem.ts';
import type { BakeFile } from '../types/bake.ts';

export type BakeFileLimits = Pick<Limits, 'bakeFileSize' | 'depth'>;

export function parseBakeJson(text: string, what: string, limits: BakeFileLimits = DEFAULT_LIMITS): BakeFile {
  const size = Buffer.byteLength(text);
  if (size > limits.bakeFileSize) throw new UserError([bakeFileTooLarge(size, what, limits)]);
  const deep = jsonTooDeep(text, limits.depth);
  if (deep !== undefined) throw new UserError([limitExceeded('depth', { ...DEFAULT_LIMITS, ...limits }, 'here it goes deeper', { file: what, position: positionAt(text, deep) })]);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError([error('bad-bake-file', `${what} is not valid JSON: ${(e as Error).message}.`, { hint: 'diff compares docker-bake.json files (HCL bake files are not supported).' })]);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const bad = !isObject(data) ? 'it is not a JSON object' : (['target', 'group', 'variable'] as const).find((k) => data[k] !== undefined && !isObject(data[k]));
  if (bad) {
    const reason = bad === 'it is not a JSON object' ? bad : `its "${bad}" is not an object`;
    throw new UserError([error('bad-bake-file', `${what} is not a bake file: ${reason}.`, { hint: 'A docker-bake.json holds "target", "group" and "variable" objects.' })]);
  }
  const file = data as Record<string, unknown>;
  return { ...(file.variable ? { variable: file.variable } : {}), group: (file.group ?? {}) as BakeFile['group'], target: (file.target ?? {}) as BakeFile['target'] } as BakeFile;
}

/** The problem for a bake file over the size limit (`size` bytes), checked before it is read where the size is known first. */
export function bakeFileTooLarge(size: number, what: string, limits: BakeFileLimits = DEFAULT_LIMITS): ReturnType<typeof limitExceeded> {
  return limitExceeded('bakeFileSize', { ...DEFAULT_LIMITS, ...limits }, `${what} is ${formatAmount(size, 'bytes')}`, { file: what });
}

/** The offset of the bracket that opens level `max + 1` of a JSON text, outside strings; undefined when it nests no deeper. */
export function jsonTooDeep(text: string, max: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string: to the next quote not escaped.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return undefined;
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
