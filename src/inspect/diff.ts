// diff: two bake files -> what a reviewer needs to know: targets added, removed and
// changed attribute by attribute (maps key by key, lists item by item), groups, variables.
import type { BakeFile } from '../types/bake.ts';
import { dependentsOf, inheritsOf } from '../links/walk-links.ts';

export type AttributeChange =
  | { attribute: string; kind: 'map'; added: Record<string, string>; removed: Record<string, string>; changed: Record<string, { old: string; new: string }> }
  | { attribute: string; kind: 'list'; added: string[]; removed: string[]; reordered: boolean }
  | { attribute: string; kind: 'value'; old?: unknown; new?: unknown };

export interface TargetChange {
  name: string;
  changes: AttributeChange[];
}

export interface GroupChange {
  name: string;
  added: string[];
  removed: string[];
  reordered: boolean;
}

export interface BakeDiff {
  targets: { added: string[]; removed: string[]; changed: TargetChange[] };
  groups: { added: { name: string; targets: string[] }[]; removed: { name: string; targets: string[] }[]; changed: GroupChange[] };
  variables: { added: { name: string; default: string }[]; removed: { name: string; default: string }[]; changed: { name: string; old: string; new: string }[] };
}

export function diffBake(before: BakeFile, after: BakeFile): BakeDiff {
  const targets = split(before.target ?? {}, after.target ?? {});
  const groups = split(before.group ?? {}, after.group ?? {});
  const variables = split(before.variable ?? {}, after.variable ?? {});
  return {
    targets: {
      added: targets.added,
      removed: targets.removed,
      changed: targets.common
        .map((name) => ({ name, changes: diffObject(asObject(before.target[name]), asObject(after.target[name])) }))
        .filter((c) => c.changes.length > 0),
    },
    groups: {
      added: groups.added.map((name) => ({ name, targets: members(after.group[name]) })),
      removed: groups.removed.map((name) => ({ name, targets: members(before.group[name]) })),
      changed: groups.common.flatMap((name) => {
        const [old, now] = [before.group[name], after.group[name]];
        if (old === now || sameItems(rawMembers(old), rawMembers(now))) return []; // the usual case, without copying the lists
        const change = diffList(members(old), members(now));
        return change ? [{ name, ...change }] : [];
      }),
    },
    variables: {
      added: variables.added.map((name) => ({ name, default: textOf(after.variable?.[name]?.default ?? '') })),
      removed: variables.removed.map((name) => ({ name, default: textOf(before.variable?.[name]?.default ?? '') })),
      changed: variables.common.flatMap((name) => {
        const [old, now] = [textOf(before.variable?.[name]?.default ?? ''), textOf(after.variable?.[name]?.default ?? '')];
        return old === now ? [] : [{ name, old, new: now }];
      }),
    },
  };
}

export function isEmpty(d: BakeDiff): boolean {
  return [d.targets, d.groups, d.variables].every((part) => Object.values(part).every((list) => list.length === 0));
}

/** Keys only before, only after, and in both; in file order (after's order for common ones). */
function split(before: object, after: object) {
  const [b, a] = [Object.keys(before), Object.keys(after)];
  if (sameItems(b, a)) return { added: [], removed: [], common: a }; // the usual case
  const [inB, inA] = [(k: string) => Object.hasOwn(before, k), (k: string) => Object.hasOwn(after, k)]; // the objects are the sets
  return { added: a.filter((k) => !inB(k)), removed: b.filter((k) => !inA(k)), common: a.filter(inB) };
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Attribute by attribute, in the order of their names. */
function diffObject(before: Record<string, unknown>, after: Record<string, unknown>): AttributeChange[] {
  const [b, a] = [Object.keys(before), Object.keys(after)];
  const names = (sameItems(b, a) ? a : [...new Set([...b, ...a])]).sort();
  const changes: AttributeChange[] = [];
  for (const attribute of names) {
    const [old, now] = [before[attribute], after[attribute]];
    if (sameText(old, now)) continue;
    if (isStringMap(old ?? {}) && isStringMap(now ?? {})) {
      const change = diffMap((old ?? {}) as Record<string, string>, (now ?? {}) as Record<string, string>);
      if (change) {
        changes.push({ attribute, kind: 'map', ...change });
        continue;
      }
    } else if (isStringList(old ?? []) && isStringList(now ?? [])) {
      const change = diffList((old ?? []) as string[], (now ?? []) as string[]);
      if (change) {
        changes.push({ attribute, kind: 'list', ...change });
        continue;
      }
    }
    // A scalar, a change of shape, or unset versus empty (which bake treats differently).
    changes.push({ attribute, kind: 'value', ...(old !== undefined ? { old } : {}), ...(now !== undefined ? { new: now } : {}) });
  }
  return changes;
}

function diffMap(old: Record<string, string>, now: Record<string, string>) {
  const [o, n] = [Object.keys(old), Object.keys(now)];
  const keys = sameItems(o, n) ? { added: [], removed: [], common: n } : split(old, now);
  const changedKeys = keys.common.filter((k) => old[k] !== now[k]);
  if (keys.added.length === 0 && keys.removed.length === 0 && changedKeys.length === 0) return undefined;
  const pick = (o: Record<string, string>, ks: string[]) => Object.fromEntries(ks.sort().map((k) => [k, o[k]!]));
  return { added: pick(now, keys.added), removed: pick(old, keys.removed), changed: Object.fromEntries(changedKeys.sort().map((k) => [k, { old: old[k]!, new: now[k]! }])) };
}

function diffList(old: readonly string[], now: readonly string[]) {
  if (sameItems(old, now)) return undefined;
  const [inOld, inNow] = [new Set(old), new Set(now)];
  const added = now.filter((x) => !inOld.has(x));
  const removed = old.filter((x) => !inNow.has(x));
  const reordered = !sameItems(
    old.filter((x) => inNow.has(x)),
    now.filter((x) => inOld.has(x)),
  );
  return added.length || removed.length || reordered ? { added, removed, reordered } : undefined;
}

/** Whether two JSON values have the same JSON text (keys in the same order), without making the texts: diff runs it on every attribute of every target. */
function sameText(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => sameText(item, (b as unknown[])[i]));
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameText((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Hand-edited files may hold anything: what is not of the expected shape counts as empty. */
const members = (group: unknown): string[] => rawMembers(group).map(textOf);
const NO_MEMBERS: readonly unknown[] = [];
const rawMembers = (group: unknown): readonly unknown[] => {
  const targets = asObject(group).targets;
  return Array.isArray(targets) ? targets : NO_MEMBERS;
};
/** A value of a hand-edited file as text: a string as it is, anything else as JSON (String() throws on an object whose `toString` is no function). */
const textOf = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
function isStringMap(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const key in v) if (typeof (v as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}
function isStringList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
}

/** Attributes that change what is published or where the cache goes, not what is built. */
const NOT_BUILT = new Set(['tags', 'cache-to', 'cache-from', 'output', 'description', 'annotations']);

export interface Rebuilds {
  /** Every target of the new file whose resolved build inputs change, in file order: added or changed
   * itself, or reached through `inherits` or a `target:` context from one that is; per-platform ones apart. */
  targets: string[];
  /** The per-platform targets among them (`<target>-<arch>`, inheriting their target: ci:). */
  perPlatform: string[];
  /** Those of them that publish images (have tags). */
  images: string[];
}

/** What a change rebuilds: the closure of the changed targets over `inherits` and `target:` links in `after`.
 * Linear in the size of `after`: one reverse-link index, walked once from the changed targets (a long
 * `inherits` chain in any order costs one step per link, not one pass over every target per link). */
export function rebuildsOf(after: BakeFile, d: BakeDiff): Rebuilds {
  const targets = after.target ?? {};
  const names = Object.keys(targets);
  const rebuilt = new Set<string>(d.targets.added);
  for (const t of d.targets.changed) if (t.changes.some((c) => !NOT_BUILT.has(c.attribute))) rebuilt.add(t.name);
  // A variable's new default changes every target whose attributes (other than where it publishes) use it.
  const variables = new Set([...d.variables.changed, ...d.variables.added, ...d.variables.removed].map((v) => v.name.replace(/[^A-Za-z0-9_]/g, '')));
  if (variables.size > 0) {
    for (const name of names) if (!rebuilt.has(name) && usesVariable(targets[name], variables)) rebuilt.add(name);
  }
  // Who is built on whom, walked backwards from the changed targets (src/links/walk-links.ts).
  const reached = rebuilt.size > 0 && rebuilt.size < names.length ? dependentsOf(targets, rebuilt, { inherits: true }) : rebuilt;
  const ordered = names.filter((n) => reached.has(n));
  const perPlatform = new Set(ordered.filter((n) => inheritsOf(targets[n]).some((p) => n.startsWith(`${p}-`) && targets[p] !== undefined)));
  const main = ordered.filter((n) => !perPlatform.has(n));
  return { targets: main, perPlatform: [...perPlatform], images: main.filter((n) => (asObject(targets[n]).tags as unknown[] | undefined)?.length) };
}

/** Attributes that say where a target publishes or caches, which a variable's default does not make it build again. */
const NOT_INPUTS = new Set(['tags', 'cache-to', 'cache-from', 'output']);

/** Whether a target uses one of `variables` (names of word characters) in a `${...}` of a key or string value
 * outside NOT_INPUTS. Walks the target once without copying it (the depth is bounded: parse-bake-json.ts). */
function usesVariable(target: unknown, variables: ReadonlySet<string>): boolean {
  const t = asObject(target);
  const pending: unknown[] = [];
  for (const key in t) if (!NOT_INPUTS.has(key)) pending.push(key, t[key]);
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (v.includes('${') && mentions(v, variables)) return true;
    } else if (Array.isArray(v)) for (const item of v) pending.push(item);
    else if (typeof v === 'object' && v !== null) for (const key in v) pending.push(key, (v as Record<string, unknown>)[key]);
  }
  return false;
}

/** Whether a `${` of `text` is followed, before the next `}`, by one of `variables` as a whole word (the
 * empty name, of a variable named with no word character, by any word). */
function mentions(text: string, variables: ReadonlySet<string>): boolean {
  for (const [, inside] of text.matchAll(/\$\{([^}]*)/g)) {
    for (const [word] of inside!.matchAll(/\w+/g)) if (variables.has(word) || variables.has('')) return true;
  }
  return false;
}
