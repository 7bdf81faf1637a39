// `if:` on a tag names run-time variables: the tag exists only while they are set.
import { error } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { Matrix, TagSpec } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

export const tagConditions: Rule = (m: Matrix) => {
  const specs: TagSpec[] = [...m.stages.flatMap((s) => s.tags), ...m.overrides.flatMap((o) => o.tags)];
  const names = m.variables.map((v) => v.key);
  return specs.flatMap((tag) =>
    (tag.if ?? []).flatMap((key, i) => {
      if (names.includes(key)) return [];
      const pointer = `${tag.origin.pointer}/if${tag.if!.length > 1 ? `/${i}` : ''}`;
      return [error('unknown-variable', `The tag "${tag.template.text}" exists only if "${key}" is set, but "${key}" is no run-time variable.${didYouMean(key, names)}`, {
        file: tag.origin.file,
        pointer,
        hint: `\`if:\` names variables (${names.join(', ')}); declare it under \`variables:\` (e.g. \`${key}: { env: ${key.toUpperCase()}, default: "" }\`).`,
      })];
    }),
  );
};
