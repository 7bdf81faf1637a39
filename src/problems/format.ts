// Problems as people read them: position, message, code frame, hint.
import type { SourceFile } from '../load/source-file.ts';
import { pathOf, type Problem } from './problem.ts';

export function formatProblem(p: Problem, files: readonly SourceFile[]): string {
  const file = p.file ? files.find((f) => f.path === p.file) : undefined;
  const position = p.position ?? (file && p.pointer !== undefined ? file.locate(p.pointer, p.atKey) : undefined);
  const where = p.file ? `${p.file}${position ? `:${position.line}:${position.col}` : ''}` : 'bake-matrix';
  const key = p.pointer ? `  (${pathOf(p.pointer).join('.')})` : '';
  const lines = [`${where}: ${p.severity} ${p.code}${key}`, `  ${p.message}`];
  if (file && position) {
    const text = file.line(position.line);
    const gutter = String(position.line);
    lines.push(`  ${gutter} | ${text}`, `  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, position.col - 1))}^`);
  }
  if (p.hint) lines.push(`  hint: ${p.hint}`);
  return lines.join('\n');
}

export function formatProblems(problems: readonly Problem[], files: readonly SourceFile[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const summary = `${errors} error${errors === 1 ? '' : 's'}${problems.length > errors ? `, ${problems.length - errors} warning(s)` : ''}`;
  return [...problems.map((p) => formatProblem(p, files)), summary].join('\n\n') + '\n';
}

/** The same problems as data, with positions resolved, for --json. */
export function problemsAsJson(problems: readonly Problem[], files: readonly SourceFile[]): object[] {
  return problems.map((p) => {
    const file = p.file ? files.find((f) => f.path === p.file) : undefined;
    const position = p.position ?? (file && p.pointer !== undefined ? file.locate(p.pointer, p.atKey) : undefined);
    return { ...p, ...(position ? { line: position.line, column: position.col } : {}) };
  });
}
