// A declared group that lists itself, or lists a group that leads back to it:
// bake would fail on it far from the cause (or, for a cycle through inherits,
// silently drop it). Checked on the declared lists before anything expands.
import { error, type Problem } from '../../problems/problem.ts';
import type { GroupSpec } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

type ListGroup = Extract<GroupSpec, { kind: 'list' }>;

export const groupCycles: Rule = (m) => {
  const lists = new Map(m.groups.filter((g): g is ListGroup => g.kind === 'list').map((g) => [g.name, g]));
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const start of lists.values()) {
    // Depth-first over list members that are themselves declared lists; a path back to `start` is a cycle.
    const path: { group: ListGroup; index: number }[] = [];
    const seen = new Set<string>();
    const visit = (group: ListGroup): boolean => {
      if (seen.has(group.name)) return false;
      seen.add(group.name);
      for (let i = 0; i < group.targets.length; i++) {
        const member = group.targets[i]!;
        path.push({ group, index: i });
        if (member === start.name) return true;
        const next = lists.get(member);
        if (next && visit(next)) return true;
        path.pop();
      }
      return false;
    };
    if (!visit(start) || reported.has(start.name)) continue;
    path.forEach((p) => reported.add(p.group.name));
    const chain = [...path.map((p) => p.group.name), start.name];
    const first = path[0]!;
    problems.push(error('group-cycle', path.length === 1 ? `The group "${start.name}" lists itself.` : `The groups list each other in a cycle: ${chain.join(' -> ')}.`, {
      file: first.group.origin.file,
      pointer: `${first.group.origin.pointer}/targets/${first.index}`,
      hint: 'A group lists targets and other groups, never itself: remove that entry.',
    }));
  }
  return problems;
};
