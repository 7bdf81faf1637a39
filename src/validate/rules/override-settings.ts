// Overrides that set tags or a base image must say which stages they are for:
// tags and bases are not inherited, so "the first stage that covers `when`"
// would be a guess.
import { error, type Problem } from '../../problems/problem.ts';
import type { Matrix, StageBase } from '../../types/matrix.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { Rule } from '../rules.ts';
import { at } from './check-selector.ts';

export const overrideSettings: Rule = (m) =>
  m.overrides.flatMap((o) => {
    const problems: Problem[] = [];
    const needsStages = [o.tags.length ? '`tags`' : '', o.from || o.fromStage ? '`from`' : '', o.output ? '`output`' : '', Object.keys(o.annotations).length ? '`annotations`' : ''].filter(Boolean);
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
    if (o.fromStage) problems.push(...stageBaseProblems(m, o.fromStage, o.stages ?? [], o.fromValue ? `The \`from\` of ${o.fromValue.axis} "${o.fromValue.value}"` : 'This override'));
    return problems;
  });

/** A per-value parent (`from: <stage>` in an override): a stage, not below the stages it is given to, with their axes covering its own. */
function stageBaseProblems(m: Matrix, base: StageBase, children: readonly string[], who: string): Problem[] {
  const parent = m.stages.find((s) => s.key === base.stage);
  const where = { ...at(base.origin, typeof base.arg === 'string' ? '/stage' : '') };
  if (!parent) return [error('unknown-stage', `${who} makes "${base.stage}" the parent, which is not a stage.${didYouMean(base.stage, m.stages.map((s) => s.key))}`, where)];
  const problems: Problem[] = [];
  // Every parent a stage can have: its own `from` and the overrides' stages.
  const parentsOf = (key: string) => [m.stages.find((s) => s.key === key)?.from, ...m.overrides.filter((x) => x.fromStage && x.stages?.includes(key)).map((x) => x.fromStage!.stage)].filter((k): k is string => k !== undefined);
  for (const key of children) {
    const child = m.stages.find((s) => s.key === key);
    if (!child) continue; // reported with the override's stages
    const seen = new Set<string>();
    const walk = (k: string): boolean => k === key || (!seen.has(k) && (seen.add(k), parentsOf(k).some(walk)));
    if (walk(parent.key)) {
      problems.push(error('stage-cycle', `${who} makes "${parent.key}" the parent of stage "${key}", but "${parent.key}" is "${key}" or builds on it.`, { ...where, hint: 'A per-value parent must be a stage above, or beside, the stages it is given to.' }));
      continue;
    }
    const missing = parent.axes.filter((a) => !child.axes.includes(a));
    if (missing.length) {
      problems.push(error('axes-narrower-than-parent', `${who} makes "${parent.key}" the parent of stage "${key}", which does not vary over ${missing.map((a) => `"${a}"`).join(', ')}, so it cannot tell which "${parent.key}" target to build on.`, { ...where, hint: `List every axis of "${parent.key}" (${parent.axes.join(', ')}) in the axes of "${key}".` }));
    }
  }
  if (base.arg === undefined && parent.target === undefined) {
    problems.push(error('parent-without-target', `${who} binds stage "${parent.key}" as a parent, but it has no \`target\` (it builds the Dockerfile's last stage): bake binds a parent under its Dockerfile stage name.`, { ...where, hint: `Set \`target\` on "${parent.key}", or link it by its tag: \`from: { stage: ${parent.key}, arg: BASE_IMAGE }\`.` }));
  }
  return problems;
}
