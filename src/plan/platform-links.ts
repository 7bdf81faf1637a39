// buildx v0.10 refuses a `target:` link when both sides build several platforms
// and the sets differ (v0.20 accepts a subset). A single-platform consumer is
// always fine.
import { error, type Problem } from '../problems/problem.ts';
import type { BakeTarget } from '../types/bake.ts';
import type { Origin } from '../types/matrix.ts';

/**
 * Whether the platform lists of the multi-platform targets hold two different sets. When they do not, no link
 * can join two different multi-platform sets, and platformLinkProblems (a walk over every context of every
 * target) has nothing to find.
 */
export function differentPlatformSets(lists: Iterable<readonly string[]>): boolean {
  let first: string | undefined;
  for (const list of lists) {
    if (list.length < 2) continue;
    const set = [...list].sort().join();
    if (first === undefined) first = set;
    else if (set !== first) return true;
  }
  return false;
}

export function platformLinkProblems(targets: Readonly<Record<string, BakeTarget>>, originOf: (target: string) => Origin | undefined): Problem[] {
  const problems: Problem[] = [];
  const sets = new Map<readonly string[], string>();
  /** A platform list as a set, computed once per list (targets of a cell share theirs). */
  const setOf = (platforms: readonly string[]) => {
    let set = sets.get(platforms);
    if (set === undefined) sets.set(platforms, (set = [...platforms].sort().join()));
    return set;
  };
  for (const name in targets) {
    const target = targets[name]!;
    const platforms = target.platforms ?? [];
    if (platforms.length < 2 || !target.contexts) continue;
    for (const key in target.contexts) {
      const link = target.contexts[key]!;
      if (!link.startsWith('target:')) continue;
      const linkedName = link.slice('target:'.length);
      const linked = targets[linkedName]?.platforms ?? [];
      if (linked.length < 2 || linked === platforms || setOf(linked) === setOf(platforms)) continue;
      const origin = originOf(name);
      problems.push(
        error('platform-mismatch', `Target "${name}" builds for ${platforms.join(', ')} but uses "${linkedName}", which builds for ${linked.join(', ')}; buildx before v0.20 refuses a link between two different multi-platform sets.`, {
          file: origin?.file,
          pointer: origin?.pointer,
          hint: 'Restrict the platforms on an axis value that the linked target also varies over, or give both stages the same `platforms`.',
        }),
      );
      break;
    }
  }
  return problems;
}
