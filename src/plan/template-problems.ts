// Problems found while rendering templates, each reported once at the place
// the template was written, however many targets use it.
import { error, type Problem } from '../problems/problem.ts';
import type { Template } from '../types/matrix.ts';
import { NOT_DEFINED, type MatrixNames, type RenderProblem, type Scope } from '../template/index.ts';
import { REPORTED } from './settings.ts';

export class TemplateProblems {
  private readonly reported = new Set<string>();

  constructor(
    private readonly problems: Problem[],
    private readonly names: MatrixNames,
  ) {}

  report(template: Template, found: readonly RenderProblem[], scope: Scope): void {
    const unknown = found.filter((p) => p.code === 'unknown-placeholder');
    if (unknown.length) {
      const key = `${template.origin.file}#${template.origin.pointer}#unknown#${unknown.map((p) => p.placeholder.raw).join()}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        // A placeholder that exists but not here (a table over an axis this stage lacks, an arg, a built-in) says why, and is not offered back.
        const why = unknown.filter((p) => !p.reason.endsWith(NOT_DEFINED));
        const names = new Set(unknown.map((p) => p.placeholder.name));
        const available = (scope.available?.() ?? [...this.names.variables.keys()]).filter((n) => !names.has(n));
        const hints = [...new Set(why.flatMap((p) => (p.hint ? [p.hint] : [])))];
        this.problems.push(
          error('unknown-placeholder', `Unknown placeholder ${unknown.map((p) => p.placeholder.raw).join(', ')} in "${template.text}"${why.length ? `: ${why.map((p) => p.reason).join('; ')}` : ''}.`, {
            file: template.origin.file,
            pointer: template.origin.pointer,
            caret: { text: unknown[0]!.placeholder.raw, occurrence: 0, length: template.text.length },
            hint: `${hints.map((h) => `${h} `).join('')}Where this template is used, the placeholders are: ${available.map((n) => `{${n}}`).join(', ') || 'none'}. Declare a run-time value under \`variables:\`, or write {{ for a literal brace.`,
          }),
        );
      }
    }
    for (const p of found) {
      if (p.code === 'unknown-placeholder' || p.code === REPORTED) continue;
      const key = `${template.origin.file}#${template.origin.pointer}#${p.code}#${p.placeholder.raw}#${p.reason}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.problems.push(
        error(p.code, `${p.placeholder.raw} in "${template.text}": ${p.reason}.`, {
          file: template.origin.file,
          pointer: template.origin.pointer,
          ...(p.hint ? { hint: p.hint } : {}),
        }),
      );
    }
  }
}
