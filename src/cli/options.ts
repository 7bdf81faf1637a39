// Options every generating command shares.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, error } from '../problems/problem.ts';

export const COMMON_OPTIONS = {
  matrix: { type: 'string', default: 'matrix' },
  out: { type: 'string', default: 'bake' },
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
