// An `args_unread` entry allows an arg to go unread; a name that no level of
// the matrix sets can never be passed, so the entry says something the matrix
// never does (a typo, most likely): an error with the closest arg names.
import { error, type Problem } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import { PREDEFINED_ARGS } from '../../check-dockerfiles/predefined-args.ts';
import type { Matrix, UnreadArg } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

/** Every arg name some level of the matrix sets (the planner's `from: {stage, arg}` included). */
export function argNamesSet(m: Matrix): Set<string> {
  const names = new Set(Object.keys(m.args));
  for (const axis of m.axes) for (const value of axis.values) for (const name in value.args) names.add(name);
  for (const o of m.overrides) {
    for (const name in o.args) names.add(name);
    if (o.fromStage?.arg) names.add(o.fromStage.arg);
  }
  for (const stage of m.stages) {
    for (const name in stage.args) names.add(name);
    if (stage.fromArg) names.add(stage.fromArg);
    for (const layer of stage.layers) for (const name in layer.args) names.add(name);
  }
  return names;
}

export const unreadArgNames: Rule = (m) => {
  const entries: { entry: UnreadArg; where: string }[] = [
    ...m.argsUnread.map((entry) => ({ entry, where: 'The top-level `args_unread`' })),
    ...m.stages.flatMap((s) => s.argsUnread.map((entry) => ({ entry, where: `The \`args_unread\` of stage "${s.key}"` }))),
  ];
  if (!entries.length) return [];
  const set = argNamesSet(m);
  const problems: Problem[] = [];
  for (const { entry, where } of entries) {
    if (set.has(entry.name)) continue;
    const predefined = PREDEFINED_ARGS.has(entry.name);
    problems.push(error('unread-arg-unknown', `${where} lists "${entry.name}", but no level of the matrix sets an arg of that name${predefined ? ` (${entry.name} is an arg BuildKit sets itself, which the check never reports)` : ''}, so it allows nothing.${predefined ? '' : didYouMean(entry.name, set)}`, {
      file: entry.origin.file,
      pointer: entry.origin.pointer,
      hint: `\`args_unread\` names args set in \`args\` (at the top level, on an axis value, a stage, a layer or an override) that a Dockerfile may not declare on purpose${set.size ? `; the matrix sets: ${listed([...set].sort())}` : ''}. Fix the name or remove the entry.`,
    }));
  }
  return problems;
};

function listed(names: string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(', ')} and ${names.length - 12} more` : names.join(', ');
}
