// The closure file `run` hands buildx holds no cache-from entry that, under
// this run's variable values, is empty or repeats one the target already has
// (its own, or one it inherits). buildx drops such entries anyway, but from
// v0.20 on (seen on v0.36.1) it drops them in place: `CacheOptions.Merge`
// then appends a child's entries into the array of the target it inherits,
// so sibling targets gain or lose each other's entries (util/buildflags/
// cache.go; docs/internals.md has the repro). A generated file holds such
// entries whenever a fallback reads an empty variable ({pr_base} outside
// pull requests) or repeats the own ref (CACHE_BRANCH=main beside a -main
// fallback). Left out here, no list is ever shortened, and every version of
// buildx resolves the same lists it would have printed.
import { bakeValues } from '../inputs/content-tags.ts';
import { previewBake } from '../inspect/preview-bake.ts';
import type { BakeFile, BakeTarget } from '../types/bake.ts';

/** The bake file with such entries left out of each target's own `cache-from` (a copy where anything changes). */
export function withoutRepeatedCacheFrom(bake: BakeFile, env: Readonly<Record<string, string | undefined>>): BakeFile {
  const values = bakeValues(bake, env);
  /**
   * An entry as buildx will read it; one that still holds an expression is known only by its text.
   * previewBake leaves the templates inside a conditional's chosen branch as written: they are read
   * again (a generated cache entry holds no escaped `$${`, which a second reading would turn into one).
   */
  const keyOf = (entry: string): string | undefined => {
    let value = previewBake(entry, values);
    for (let i = 0; i < 4 && !entry.includes('$${') && value.includes('${'); i++) {
      const again = previewBake(value, values);
      if (again === value) break;
      value = again;
    }
    if (value.trim() === '') return undefined;
    return value.includes('${') ? `text:${entry}` : `value:${value}`;
  };
  const effective = new Map<string, ReadonlySet<string>>();
  const changed: Record<string, BakeTarget> = {};
  const visit = (name: string, depth: number): ReadonlySet<string> => {
    const known = effective.get(name);
    if (known) return known;
    const target = bake.target[name];
    const seen = new Set<string>();
    effective.set(name, seen); // a cycle (buildx refuses it) ends here
    if (!target || depth > 64) return seen;
    for (const parent of target.inherits ?? []) for (const key of visit(parent, depth + 1)) seen.add(key);
    const own = target['cache-from'];
    if (!own) return seen;
    const kept = own.filter((entry) => {
      const key = keyOf(entry);
      if (key === undefined || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (kept.length !== own.length) changed[name] = { ...target, 'cache-from': kept };
    return seen;
  };
  for (const name of Object.keys(bake.target)) visit(name, 0);
  if (Object.keys(changed).length === 0) return bake;
  return { ...bake, target: Object.fromEntries(Object.entries(bake.target).map(([name, t]) => [name, changed[name] ?? t])) };
}
