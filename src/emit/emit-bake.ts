// emit: Bake model -> the bake file(s) of the chosen format, by file name.
import type { BakeFile } from '../types/bake.ts';
import { emitHcl } from './hcl.ts';
import { emitJson } from './json.ts';

export const BAKE_FORMATS = ['json', 'hcl', 'both'] as const;
export type BakeFormat = (typeof BAKE_FORMATS)[number];
export const DEFAULT_BAKE_FORMAT: BakeFormat = 'both';

export const BAKE_FILE_NAMES = { json: 'docker-bake.json', hcl: 'docker-bake.hcl' } as const;

/** File name -> content; JSON first when both are emitted. */
export function emitBake(bake: BakeFile, format: BakeFormat = DEFAULT_BAKE_FORMAT): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (format !== 'hcl') outputs[BAKE_FILE_NAMES.json] = emitJson(bake);
  if (format !== 'json') outputs[BAKE_FILE_NAMES.hcl] = emitHcl(bake);
  return outputs;
}
