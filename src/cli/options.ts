// Options every generating command shares.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BAKE_FORMATS, DEFAULT_BAKE_FORMAT, isBakeFormat, type BakeFormat } from '../emit/emit-bake.ts';
import { UserError, error } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';

export const COMMON_OPTIONS = {
  matrix: { type: 'string', default: 'matrix' },
  /** Default: `bake` in the project root (resolved once the matrix is read: outDir()). */
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UserError([error('usage', (e as Error).message.replace(/\. To specify.*$/s, '.'), { hint: `Usage: ${usage}` })]);
  }
}

/** `--format json|hcl|both`: which bake file(s) generate writes and check compares. */
export const FORMAT_OPTION = {
  format: { type: 'string', default: DEFAULT_BAKE_FORMAT },
} as const satisfies ParseArgsConfig['options'];

export function parseFormat(value: string, usage: string): BakeFormat {
  if (isBakeFormat(value)) return value;
  throw new UserError([
    error('usage', `Option --format: "${value}" is not a bake file format; use one of ${BAKE_FORMATS.join(', ')}.${didYouMean(value, BAKE_FORMATS)}`, { hint: `Usage: ${usage}` }),
  ]);
}
