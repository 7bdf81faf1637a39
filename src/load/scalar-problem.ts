// Values are kept exactly or refused. A scalar whose source text the parser
// would turn into another text (unquoted 3.10 -> 3.1, a 20-digit integer
// losing digits, 0x1F -> 31, True -> true), and characters a terminal or
// reviewer cannot see (control characters, bidirectional overrides), are
// problems at the scalar's position, whichever key holds it.
import type { Problem } from '../problems/problem.ts';
import { error } from '../problems/problem.ts';
import { describeChar, firstHidden } from '../problems/printable.ts';
import { limitExceeded, type Limits } from './limits.ts';

/** The keys whose value the schema types as a number only (test/load/number-keys.test.ts keeps this in step with schema/matrix.schema.json). */
export const NUMBER_KEYS: ReadonlySet<string> = new Set(['max-jobs', 'compression-level']);

const lastKey = (pointer: string | undefined) => (pointer ?? '').slice((pointer ?? '').lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');

/** `source`: the scalar as written (no quotes); `value`: what the parser made of it. */
export function scalarProblem(source: string, value: unknown, where: Partial<Problem>, limits: Limits, role: 'key' | 'value', syntax: 'YAML' | 'TOML' | 'TypeScript'): Problem | undefined {
  if (typeof value === 'string') return textProblem(value, where, limits, role);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    const text = String(value);
    if (text === source) return undefined;
    const kind = typeof value === 'boolean' ? `the boolean ${text}` : 'a number';
    return error('value-changed', `The ${role} ${source} is read as ${kind} and would be written as "${text}".`, {
      ...where,
      // Where the matrix takes a number (ci.max-jobs: 2.0), quoting would make it text, which is refused too: write the number.
      hint:
        typeof value === 'number' && Number.isSafeInteger(value) && NUMBER_KEYS.has(lastKey(where.pointer))
          ? `Write it as ${text}: this key takes a whole number.`
          : `Quote it to keep it as written: "${source}"${syntax === 'YAML' && typeof value === 'boolean' ? `, or write ${text}` : ''}.`,
    });
  }
  if (value !== null && typeof value === 'object') {
    const kind = value instanceof Date ? 'a date' : 'binary data';
    return error('value-changed', `The ${role} ${source} is read as ${kind}, not as text, and would not be written as it is.`, { ...where, hint: `Quote it to keep it as written: "${source}".` });
  }
  return undefined;
}

export function textProblem(value: string, where: Partial<Problem>, limits: Limits, role: 'key' | 'value'): Problem | undefined {
  if (value.length > limits.valueLength) return limitExceeded('valueLength', limits, `this ${role} has ${value.length.toLocaleString('en-US')}`, where);
  const hidden = firstHidden(value);
  if (hidden === undefined) return undefined;
  return error('control-character', `This ${role} holds ${describeChar(value.codePointAt(hidden)!)} at character ${hidden + 1}: it is invisible or rewrites what a terminal shows, so a reviewer cannot see what the ${role} really is.`, {
    ...where,
    hint: 'Remove it. Tabs and line breaks are the only control characters a matrix value may hold; write text, not escape sequences.',
  });
}
