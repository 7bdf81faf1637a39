// Problems as people read them: position, message, code frame, hint.
import type { Position, SourceFile } from '../load/source-file.ts';
import { printable } from './printable.ts';
import { pathOf, type Problem } from './problem.ts';

/** A code frame shows at most this many characters of its line, around the caret. */
export const FRAME_WIDTH = 120;
/** Problems printed as text at most; --json lists them all. */
export const MAX_SHOWN = 100;

export function formatProblem(p: Problem, files: readonly SourceFile[]): string {
  const file = p.file ? files.find((f) => f.path === p.file) : undefined;
  const position = positionOf(p, file);
  const where = p.file ? `${p.file}${position ? `:${position.line}:${position.col}` : ''}` : 'bake-matrix';
  const key = p.pointer ? `  (${pathOf(p.pointer).join('.')})` : '';
  const lines = [`${where}: ${p.severity} ${p.code}${clip(key)}`, `  ${clip(p.message)}`];
  if (file && position) {
    const { text, caret } = frameLine(file.line(position.line), position.col);
    const gutter = String(position.line);
    lines.push(`  ${gutter} | ${text}`, `  ${' '.repeat(gutter.length)} | ${' '.repeat(caret)}^`);
  }
  if (p.hint) lines.push(`  hint: ${clip(p.hint)}`);
  return lines.join('\n');
}

/** Where a problem points in its file: its explicit position, the part of a value it names, or the node at its pointer. */
function positionOf(p: Problem, file: SourceFile | undefined): Position | undefined {
  if (p.position) return p.position;
  if (!file || p.pointer === undefined) return undefined;
  return p.caret && !p.atKey ? file.locateWithin(p.pointer, p.caret) : file.locate(p.pointer, p.atKey);
}

/** Messages quote what the user wrote, which may be long: keep the head of it. */
const clip = (text: string, max = 2000) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text);

/**
 * The line of a code frame, cut to FRAME_WIDTH characters around the column
 * (a minified or deeply nested line can be megabytes), hidden characters
 * escaped; `caret`: the caret's offset in the text shown.
 */
export function frameLine(line: string, col: number): { text: string; caret: number } {
  const at = Math.max(0, Math.min(col - 1, line.length));
  let start = 0;
  let end = line.length;
  if (line.length > FRAME_WIDTH) {
    start = Math.max(0, Math.min(at - FRAME_WIDTH / 2, line.length - FRAME_WIDTH));
    end = start + FRAME_WIDTH;
  }
  const before = (start > 0 ? '…' : '') + printable(line.slice(start, at));
  return { text: before + printable(line.slice(at, end)) + (end < line.length ? '…' : ''), caret: before.length };
}

export function formatProblems(problems: readonly Problem[], files: readonly SourceFile[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const summary = `${errors} error${errors === 1 ? '' : 's'}${problems.length > errors ? `, ${problems.length - errors} warning(s)` : ''}`;
  const shown = problems.slice(0, MAX_SHOWN).map((p) => formatProblem(p, files));
  if (problems.length > MAX_SHOWN) shown.push(`... and ${problems.length - MAX_SHOWN} more (--json lists them all)`);
  return [...shown, summary].join('\n\n') + '\n';
}

/** The same problems as data, with positions resolved, for --json. */
export function problemsAsJson(problems: readonly Problem[], files: readonly SourceFile[]): object[] {
  return problems.map((p) => {
    const file = p.file ? files.find((f) => f.path === p.file) : undefined;
    const position = positionOf(p, file);
    const { caret: _caret, ...data } = p;
    return { ...data, ...(position ? { line: position.line, column: position.col } : {}) };
  });
}
