// A docker-bake.json text -> the Bake model, or a UserError saying which file is not one.
import { dict } from '../dict.ts';
import { error, UserError } from '../problems/problem.ts';
import type { BakeFile } from '../types/bake.ts';

export function parseBakeJson(text: string, what: string): BakeFile {
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
  // Names are looked up as given on the command line: dicts, so `constructor` is no name of Object's (src/dict.ts).
  const names = (v: unknown) => dict(Object.entries((v ?? {}) as Record<string, unknown>));
  return { ...(file.variable ? { variable: names(file.variable) } : {}), group: names(file.group), target: names(file.target) } as BakeFile;
}
