// diff: two bake files -> what a reviewer needs to know: targets added, removed and
// changed attribute by attribute (maps key by key, lists item by item), groups, variables.
import type { BakeFile } from '../types/bake.ts';

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
        const change = diffList(members(before.group[name]), members(after.group[name]));
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
  const [inB, inA] = [new Set(b), new Set(a)];
  return { added: a.filter((k) => !inB.has(k)), removed: b.filter((k) => !inA.has(k)), common: a.filter((k) => inB.has(k)) };
}

/** Attribute by attribute, in the order of their names. */
function diffObject(before: Record<string, unknown>, after: Record<string, unknown>): AttributeChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
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
  const keys = split(old, now);
  const changed = Object.fromEntries(keys.common.filter((k) => old[k] !== now[k]).sort().map((k) => [k, { old: old[k]!, new: now[k]! }]));
  const pick = (o: Record<string, string>, ks: string[]) => Object.fromEntries(ks.sort().map((k) => [k, o[k]!]));
  const change = { added: pick(now, keys.added), removed: pick(old, keys.removed), changed };
  return Object.values(change).some((m) => Object.keys(m).length) ? change : undefined;
}

function diffList(old: readonly string[], now: readonly string[]) {
  const [inOld, inNow] = [new Set(old), new Set(now)];
  const added = now.filter((x) => !inOld.has(x));
  const removed = old.filter((x) => !inNow.has(x));
  const keptOld = old.filter((x) => inNow.has(x));
  const keptNew = now.filter((x) => inOld.has(x));
  const reordered = keptOld.join('\n') !== keptNew.join('\n');
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
const members = (group: unknown): string[] => {
  const targets = asObject(group).targets;
  return Array.isArray(targets) ? targets.map(textOf) : [];
};
/** A value of a hand-edited file as text: a string as it is, anything else as JSON (String() throws on an object whose `toString` is no function). */
const textOf = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const isStringMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

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

/** What a change rebuilds: the closure of the changed targets over `inherits` and `target:` links in `after`. */
export function rebuildsOf(after: BakeFile, d: BakeDiff): Rebuilds {
  const targets = after.target ?? {};
  const names = Object.keys(targets);
  const rebuilt = new Set<string>(d.targets.added);
  for (const t of d.targets.changed) if (t.changes.some((c) => !NOT_BUILT.has(c.attribute))) rebuilt.add(t.name);
  // A variable's new default changes every target whose attributes use it.
  for (const v of [...d.variables.changed, ...d.variables.added, ...d.variables.removed]) {
    const used = new RegExp(`\\$\\{[^}]*\\b${v.name.replace(/[^A-Za-z0-9_]/g, '')}\\b`);
    for (const name of names) {
      const { tags: _tags, 'cache-to': _to, 'cache-from': _from, output: _output, ...built } = asObject(targets[name]);
      if (used.test(JSON.stringify(built))) rebuilt.add(name);
    }
  }
  const parents = (name: string): string[] => {
    const t = asObject(targets[name]);
    const inherits = Array.isArray(t.inherits) ? (t.inherits as string[]) : [];
    const links = Object.values(isStringMap(t.contexts ?? {}) ? ((t.contexts ?? {}) as Record<string, string>) : {})
      .filter((c) => c.startsWith('target:'))
      .map((c) => c.slice('target:'.length));
    return [...inherits, ...links];
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of names) {
      if (!rebuilt.has(name) && parents(name).some((p) => rebuilt.has(p))) {
        rebuilt.add(name);
        grew = true;
      }
    }
  }
  const ordered = names.filter((n) => rebuilt.has(n));
  const inherits = (name: string) => (Array.isArray(asObject(targets[name]).inherits) ? (asObject(targets[name]).inherits as string[]) : []);
  const perPlatform = new Set(ordered.filter((n) => inherits(n).some((p) => n.startsWith(`${p}-`) && targets[p] !== undefined)));
  const main = ordered.filter((n) => !perPlatform.has(n));
  return { targets: main, perPlatform: [...perPlatform], images: main.filter((n) => (asObject(targets[n]).tags as unknown[] | undefined)?.length) };
}
