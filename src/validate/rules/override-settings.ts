// Overrides that set tags or a base image must say which stages they are for:
// tags and bases are not inherited, so "the first stage that covers `when`"
// would be a guess.
import { error, type Problem } from '../../problems/problem.ts';
import type { Rule } from '../rules.ts';
import { at } from './check-selector.ts';

export const overrideSettings: Rule = (m) =>
  m.overrides.flatMap((o) => {
    const problems: Problem[] = [];
    const needsStages = [o.tags.length ? '`tags`' : '', o.from ? '`from`' : '', o.output ? '`output`' : '', Object.keys(o.annotations).length ? '`annotations`' : ''].filter(Boolean);
    if (needsStages.length && !o.stages) {
      problems.push(error('override-without-stages', `This override sets ${needsStages.join(', ').replace(/, ([^,]*)$/, ' and $1')} but names no \`stages\`.`, {
        ...at(o.origin, '', true),
        hint: `Add \`stages: [...]\`: the stages whose targets get ${needsStages.length > 1 ? 'them' : 'it'} (${m.stages.map((s) => s.key).join(', ')}).`,
      }));
    }
    if (o.replaceTags && !o.tags.length) {
      problems.push(error('replace-tags-without-tags', 'This override has `replace_tags: true` but no `tags`: it would leave the targets without tags.', { ...at(o.origin, '/replace_tags'), hint: 'Give the tags that replace the stage\'s own, or remove `replace_tags`.' }));
    }
    if (o.from && !o.from.as) {
      for (const key of o.stages ?? []) {
        const stage = m.stages.find((s) => s.key === key);
        if (stage && !stage.from) {
          problems.push(error('image-without-stage', `This override gives stage "${key}" an image base, but "${key}" has no parent stage whose Dockerfile stage the image could stand in for.`, { ...at(o.from.origin), hint: 'Add `as: <Dockerfile stage>` to `from`.' }));
        }
      }
    }
    return problems;
  });
