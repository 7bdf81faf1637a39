// Options the commands share, their help text, and parsing with "did you mean".
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BAKE_FORMATS, DEFAULT_BAKE_FORMAT, type BakeFormat } from '../emit/emit-bake.ts';
import { UserError, error } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  /** Default: matrix/ or a one-file project's bake-matrix.yaml (load/find-matrix-files.ts: defaultMatrix). */
  matrix: { type: 'string' },
  /** Default: `bake` in the project root (resolved once the matrix is read: outDir()). */
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/** What each option means, for `--help`: one table for every command. */
export const OPTION_HELP: Record<string, { arg?: string; text: string }> = {
  matrix: { arg: 'PATH', text: 'the matrix: a file, or a folder of .yaml/.yml/.toml/.ts files (default: matrix/, or else the one bake-matrix.yaml, .yml, .toml or .ts in the working directory)' },
  out: { arg: 'DIR', text: 'the folder of the bake files (default: bake/ in the project root)' },
  format: { arg: 'json|hcl|both', text: 'which bake file(s) to write or compare (default: json)' },
  json: { text: 'print the result, and any problems and warnings, as JSON on stdout (bake-matrix prints nothing of its own on stderr)' },
  help: { text: 'show this help' },
  where: { arg: 'AXIS=VALUE[,VALUE]', text: 'only targets with one of these values; repeat for more axes (all must match)' },
  base: { arg: 'REV', text: 'the git revision to compare with (default: HEAD)' },
  'exit-code': { text: 'exit 1 when there are differences' },
  'dry-run': { text: 'print the command and the targets it builds; run nothing (needs no docker)' },
  'full-file': { text: 'hand buildx the whole generated file, not just what the names need (see below)' },
  'keep-links': { text: 'build every linked target on its own, even one its consumers can build themselves (see below)' },
  'skip-built': { text: 'look each image up by its content tag (`bake-matrix hash`) and build only what is missing; what is built gets its content tag and the io.bake-matrix.inputs label (see docs/commands.md)' },
  'pin-bases': { text: 'with --skip-built (or for hash): look up the current digest of every base image (FROM images, docker-image:// contexts), so that a moved tag changes the input digests' },
  file: { arg: 'F', text: 'an overlay (e.g. ci.hcl), passed to buildx after the generated file so it can redefine or extend targets by name' },
};

export function parseOptions<T extends Options>(args: string[], options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify.*$/s, '').replace(/\.?$/, '.');
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    const close = unknown ? didYouMean(unknown.replace(/=.*$/, ''), Object.keys(options).map((o) => `--${o}`)) : '';
    throw new UserError([error('usage', message + close, { hint: `Usage: ${usage}` })]);
  }
}

/** `--format json|hcl|both`: which bake file(s) generate writes and check compares. */
export const FORMAT_OPTION = {
  format: { type: 'string', default: DEFAULT_BAKE_FORMAT },
} as const satisfies Options;

export function parseFormat(value: string, usage: string): BakeFormat {
  return parseChoice('format', value, BAKE_FORMATS, usage, 'a bake file format');
}

/** An option that takes one of a few words: the word, or a usage error with "did you mean". */
export function parseChoice<T extends string>(option: string, value: string, choices: readonly T[], usage: string, what = 'one of them'): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UserError([
    error('usage', `Option --${option}: "${value}" is not ${what}; use one of ${choices.join(', ')}.${didYouMean(value, choices)}`, { hint: `Usage: ${usage}` }),
  ]);
}
