// Problems are plain data: validation returns them instead of throwing.

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  /** A stable, kebab-case identifier of the rule that found the problem. */
  code: string;
  message: string;
  /** The matrix file, as given (relative to the working directory). */
  file?: string;
  /** RFC 6901 JSON pointer into that file's document. */
  pointer?: string;
  /** Whether the position is that of the key at `pointer` rather than its value. */
  atKey?: boolean;
  /**
   * Put the caret on one part of the text value at `pointer` (e.g. one placeholder of a
   * template): its `occurrence`-th appearance (from 0) in the value, as written in the file.
   * `length`: the value's length, which bounds the search. Falls back to the value's start.
   */
  caret?: { text: string; occurrence: number; length: number };
  /** An explicit position, for syntax errors that have no pointer. */
  position?: { line: number; col: number };
  hint?: string;
  suggestions?: string[];
}

export type Result<T> = { ok: true; value: T; warnings: Problem[] } | { ok: false; problems: Problem[] };

export function error(code: string, message: string, where: Partial<Problem> = {}): Problem {
  return { severity: 'error', code, message, ...where };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function pointerOf(path: readonly (string | number)[]): string {
  return path.map((part) => '/' + String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function pathOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A problem the user can fix, carried up to the entry point, which maps it to an exit code. */
export class UserError extends Error {
  constructor(
    readonly problems: Problem[],
    readonly exitCode = 2,
  ) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'UserError';
  }
}
