// The targets that target and group names of the matrix stand for, for `ci`
// and `manifest`: groups expanded, in order, once each. Both take the
// multi-platform names and handle the platforms themselves.
import type { Plan } from '../plan/index.ts';
import { error, type Problem, type Result } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import { expandGroups } from '../links/walk-links.ts';

export function resolveNames(plan: Plan, names: readonly string[], command: string): Result<string[]> {
  const out = new Set<string>();
  const problems: Problem[] = [];
  const roots: string[] = [];
  for (const name of names) {
    const original = perPlatformOriginal(plan, name);
    if (original) {
      problems.push(error('per-platform-name', `"${name}" is a per-platform name; \`bake-matrix ${command}\` takes "${original}" and handles each of its platforms itself.`, { hint: 'Use the name without its platform suffix.' }));
      continue;
    }
    if (!plan.bake.group[name] && !plan.targets.has(name)) {
      problems.push(error('unknown-name', `"${name}" is no target or group of the matrix.${didYouMean(name, [...Object.keys(plan.bake.group), ...plan.targets.keys()])}`, { hint: '`bake-matrix list` shows the targets and groups.' }));
      continue;
    }
    roots.push(name);
  }
  if (problems.length) return { ok: false, problems };
  expandGroups(plan.bake.group, roots, (name, _root, isGroup) => {
    if (!isGroup) out.add(name);
  });
  return { ok: true, value: [...out], warnings: [] };
}

/** The multi-platform target or group a per-platform name belongs to. */
function perPlatformOriginal(plan: Plan, name: string): string | undefined {
  const pp = plan.perPlatform;
  if (!pp) return undefined;
  const target = pp.of.get(name)?.target;
  if (target) return target;
  for (const [group, variants] of pp.groups) if ([...variants.values()].includes(name)) return group;
  return undefined;
}
