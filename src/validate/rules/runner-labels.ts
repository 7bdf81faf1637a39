// `ci.runners`: each label goes into a workflow's `runs-on` as one word. A
// label with a comma or a space matches no runner (GitHub compares labels
// whole), and the jobs would wait for a runner that never comes.
import { error, pointerOf } from '../../problems/problem.ts';
import { printable } from '../../problems/printable.ts';
import type { Rule } from '../rules.ts';

const BAD = /[\s,\p{Cc}]/u;

export const runnerLabels: Rule = (m) => {
  if (!m.ci) return [];
  const base = m.ci.origin;
  return Object.entries(m.ci.runners).flatMap(([platform, runner]) =>
    (Array.isArray(runner) ? runner.map((label, i) => ({ label, path: ['runners', platform, i] })) : [{ label: runner, path: ['runners', platform] }]).flatMap(({ label, path }) => {
      const bad = BAD.exec(label);
      if (!bad) return [];
      const what = bad[0] === ',' ? 'a comma' : /\s/.test(bad[0]) ? 'a space' : 'a control character';
      return [error('bad-runner-label', `The runner label "${printable(label)}" of ${platform} holds ${what}: a label is one word, so no runner would match it and the jobs would wait for one.`, {
        file: base.file,
        pointer: `${base.pointer}${pointerOf(path)}`,
        hint: `Write each label as its own list entry: ${label.split(/[\s,]+/).filter(Boolean).map((l) => JSON.stringify(l)).join(', ')}.`,
      })];
    }),
  );
};
