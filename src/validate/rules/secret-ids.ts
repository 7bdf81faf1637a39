// One id, one secret: the same secret id declared twice (in two files, twice
// in one list, or on a stage and again above it) gives a target two sources
// for one mount, and which one bake uses is not what the reader expects.
import { error, type Problem } from '../../problems/problem.ts';
import type { Secret } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

export const secretIds: Rule = (m) => {
  const problems: Problem[] = [];
  const check = (secrets: readonly Secret[], above: ReadonlyMap<string, Secret>): Map<string, Secret> => {
    const seen = new Map(above);
    for (const s of secrets) {
      const first = seen.get(s.id);
      if (first) {
        const where = first.origin.file === s.origin.file ? 'above in this file' : `in ${first.origin.file}`;
        problems.push(error('secret-defined-twice', `The secret id "${s.id}" is declared ${where} already; a target would get two secrets for one mount id.`, {
          file: s.origin.file,
          pointer: `${s.origin.pointer}/id`,
          hint: 'Declare each secret once (at the top level for every target, or on the one stage that needs it), or give this one another id.',
        }));
      } else seen.set(s.id, s);
    }
    return seen;
  };
  const top = check(m.secrets, new Map());
  // A stage's targets inherit the secrets of the stages above them (stages come parents first).
  const inherited = new Map<string, Map<string, Secret>>();
  for (const stage of m.stages) inherited.set(stage.key, check(stage.secrets, (stage.from && inherited.get(stage.from)) || top));
  return problems;
};
