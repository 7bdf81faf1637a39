// What `docker buildx bake <names>` will build from our bake file: groups
// expanded to targets, the targets pulled in through `target:` contexts
// (built, not exported), and each one's platforms after `--set
// <pattern>.platform[+]=...` overrides, following buildx's bake.go
// (newOverrides, expandTargets, loadLinks).
import type { BakeFile } from '../types/bake.ts';
import { globToRegExp } from './glob-to-regexp.ts';
import { splitPlatforms } from './platform.ts';
import { expandGroups, walkLinks } from '../links/walk-links.ts';

export interface SelectedTarget {
  name: string;
  platforms: string[];
  /** The names on the command line that selected it. */
  requestedAs: string[];
}

export interface LinkedTarget {
  name: string;
  platforms: string[];
  /** The targets whose `target:` contexts pull it in. */
  linkedBy: string[];
}

export interface Selection {
  targets: SelectedTarget[];
  linked: LinkedTarget[];
  /** Names that are neither a target nor a group of the file (hidden `_` names included). */
  unknown: string[];
}

/** Names a user may ask for: every group and target but the hidden `_` ones. */
export function knownNames(bake: BakeFile): string[] {
  return [...Object.keys(bake.group), ...Object.keys(bake.target)].filter((n) => !n.startsWith('_'));
}

export function selectTargets(bake: BakeFile, names: readonly string[], sets: readonly string[] = []): Selection {
  const overrides = platformOverrides(bake, sets);
  const platformsOf = (name: string): string[] => {
    const own = bake.target[name]?.platforms ?? [];
    const o = overrides.get(name);
    return o ? (o.append ? [...own, ...o.values] : o.values) : own;
  };
  const targets = new Map<string, SelectedTarget>();
  const unknown: string[] = [];
  const roots: string[] = [];
  for (const name of names.length ? names : ['default']) {
    if (name.startsWith('_') || (!bake.group[name] && !bake.target[name])) {
      if (!unknown.includes(name)) unknown.push(name);
    } else roots.push(name);
  }
  expandGroups(bake.group, roots, (name, requestedAs, isGroup) => {
    if (isGroup) return;
    const existing = targets.get(name);
    if (existing) {
      if (!existing.requestedAs.includes(requestedAs)) existing.requestedAs.push(requestedAs);
    } else if (bake.target[name]) targets.set(name, { name, platforms: platformsOf(name), requestedAs: [requestedAs] });
  });

  const linked = new Map<string, LinkedTarget>();
  walkLinks(bake.target, targets.keys(), {
    edge: (consumer, name) => {
      if (targets.has(name) || !bake.target[name]) return;
      const link = linked.get(name);
      if (link) {
        if (!link.linkedBy.includes(consumer)) link.linkedBy.push(consumer);
      } else linked.set(name, { name, platforms: platformsOf(name), linkedBy: [consumer] });
    },
  });
  return { targets: [...targets.values()], linked: [...linked.values()], unknown };
}

/** `--set pattern.platform=v` / `+=v`, per target name; values accumulate and the last `+` decides, as in buildx. */
function platformOverrides(bake: BakeFile, sets: readonly string[]): Map<string, { values: string[]; append: boolean }> {
  const result = new Map<string, { values: string[]; append: boolean }>();
  const names = Object.keys(bake.target);
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq < 0) continue;
    const key = set.slice(0, eq);
    const append = key.endsWith('+');
    const [pattern = '', attribute] = key.replace(/\+$/, '').split('.');
    if (attribute !== 'platform') continue;
    const matching = names.includes(pattern) ? [pattern] : names.filter((n) => globToRegExp(pattern).test(n));
    for (const name of matching) {
      const o = result.get(name) ?? { values: [], append };
      o.values.push(...splitPlatforms([set.slice(eq + 1)]));
      o.append = append;
      result.set(name, o);
    }
  }
  return result;
}
