// A named context may not take the name of a Dockerfile stage bake-matrix
// binds itself (a parent or a layer): one of the two would silently lose.
import { error, type Problem } from '../../problems/problem.ts';
import type { Rule } from '../rules.ts';
import { at } from './check-selector.ts';

export const namedContexts: Rule = (m) =>
  m.stages.flatMap((stage) => {
    const bound = new Map<string, string>();
    for (let p = m.stages.find((s) => s.key === stage.from), seen = new Set<string>(); p && !seen.has(p.key); p = m.stages.find((s) => s.key === p!.from)) {
      seen.add(p.key);
      if (p.target && !p.targetTemplate) bound.set(p.target, `stage "${p.key}"`); // a template: compared per rendered name by the planner
      p.layers.forEach((l) => bound.set(l.target, `layer "${l.key}" of stage "${p!.key}"`));
    }
    stage.layers.forEach((l) => bound.set(l.target, `layer "${l.key}"`));
    const problems: Problem[] = [];
    for (const [name, t] of Object.entries(stage.contexts)) {
      const clash = bound.get(name);
      if (clash) problems.push(error('context-name-taken', `The named context "${name}" of stage "${stage.key}" has the name of the Dockerfile stage that ${clash} builds, which bake-matrix binds as a \`target:\` context.`, { ...at(t.origin, '', true), hint: 'Rename the context (and the Dockerfile line that uses it).' }));
    }
    return problems;
  });
