// Axis values, stage keys and layer keys become target and group names, with
// every character bake does not accept replaced by "_" (`py3.12` -> `py3_12`).
// Two different names that end up the same would collide in the bake file.
import { capital } from '../../problems/capital.ts';
import { error, type Problem } from '../../problems/problem.ts';
import { sanitizeName } from '../../plan/names.ts';
import type { Origin } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

interface Named {
  name: string;
  what: string;
  origin: Origin;
}

/** Names of one namespace that differ as written but not once sanitised; reported at the later one. */
function collisions(items: readonly Named[], where: string): Problem[] {
  const first = new Map<string, Named>();
  const problems: Problem[] = [];
  for (const item of items) {
    const clean = sanitizeName(item.name);
    const earlier = first.get(clean);
    if (!earlier) {
      first.set(clean, item);
      continue;
    }
    if (earlier.name === item.name) continue; // the same name twice is another rule's business
    problems.push(
      error('name-collision', `${capital(item.what)} "${item.name}" and ${earlier.what} "${earlier.name}" both become "${clean}" in ${where}: bake names keep only letters, digits, "_" and "-", and every other character turns into "_".`, {
        file: item.origin.file,
        pointer: item.origin.pointer,
        atKey: true,
        hint: 'Rename one of them so that the two differ in letters, digits, "_" or "-".',
      }),
    );
  }
  return problems;
}



export const sanitizedNames: Rule = (m) => [
  // Each axis's values give target names and groups; values of the axes with per-value groups and stage keys share the group names.
  ...m.axes.flatMap((axis) => collisions(axis.values.map((v) => ({ name: v.name, what: `the ${axis.name} value`, origin: v.origin })), 'target and group names')),
  ...collisions(
    [
      ...m.axes.filter((axis) => m.autoGroups.values.includes(axis.name)).flatMap((axis) => {
        // One entry per sanitised name within an axis: collisions inside an axis are reported above.
        const seen = new Set<string>();
        return axis.values.filter((v) => !seen.has(sanitizeName(v.name)) && seen.add(sanitizeName(v.name))).map((v) => ({ name: v.name, what: `the ${axis.name} value`, origin: v.origin }));
      }),
      ...(m.autoGroups.stages ? m.stages.map((s) => ({ name: s.key, what: 'the stage', origin: s.origin })) : []),
    ],
    'group names',
  ),
  ...m.stages.flatMap((s) => collisions(s.layers.map((l) => ({ name: l.key, what: 'the layer', origin: l.origin })), `the target names of stage "${s.key}"`)),
];
