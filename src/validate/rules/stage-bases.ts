// A stage's base: a parent bound as a Dockerfile stage needs a `target` to be
// bound under; an image base must say which Dockerfile stage it replaces; an
// arg that `from` fills may not be set by hand as well.
import { error, type Problem } from '../../problems/problem.ts';
import type { Rule } from '../rules.ts';
import { at } from './check-selector.ts';

export const stageBases: Rule = (m) =>
  m.stages.flatMap((stage) => {
    const problems: Problem[] = [];
    if (stage.target === undefined) {
      const children = m.stages.filter((s) => s.from === stage.key && !s.fromArg).map((s) => `"${s.key}"`);
      if (children.length) {
        problems.push(error('parent-without-target', `Stage "${stage.key}" has no \`target\` (it builds the Dockerfile's last stage), so it cannot be bound as the parent of ${children.join(', ')}: bake binds a parent under its Dockerfile stage name.`, {
          ...at(stage.origin, '', true),
          hint: `Set \`target\` on "${stage.key}" to its Dockerfile stage.`,
        }));
      }
      if (stage.layers.length) {
        problems.push(error('parent-without-target', `Stage "${stage.key}" has layers but no \`target\`: name the Dockerfile stage that uses them.`, { ...at(stage.origin, '/layers', true), hint: 'Set `target` to the Dockerfile stage to build.' }));
      }
    }
    if (stage.fromImage && !stage.fromImage.as) {
      problems.push(error('image-without-stage', `The image base of stage "${stage.key}" does not say which Dockerfile stage it stands in for.`, { ...at(stage.fromImage.origin), hint: 'Add `as: <Dockerfile stage>`: the image replaces that stage (FROM <stage>) as a docker-image:// context.' }));
    }
    if (stage.fromArg && stage.args[stage.fromArg]) {
      problems.push(error('arg-set-twice', `The arg ${stage.fromArg} of stage "${stage.key}" is filled by \`from\` (the parent's tag) and also set under \`args\`.`, { ...at(stage.args[stage.fromArg]!.origin, '', true), hint: 'Remove it from `args`.' }));
    }
    return problems;
  });
