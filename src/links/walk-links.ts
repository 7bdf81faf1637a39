// The one walk over a bake file's links, for every command that follows them:
// groups expanded to their members, `target:` contexts (the targets a build
// links and builds first) and `inherits` (the targets whose attributes it
// takes). run/closure.ts, run/select-targets.ts, ci/resolve-names.ts,
// ci/ci-jobs.ts, inspect/diff.ts (rebuildsOf) and run/skip-built.ts use it.
//
// The file may be hand-edited or come from a pull request: a block of an
// unexpected shape has no links, a cycle (which bake silently ignores) is
// walked once, and no walk recurses, so the depth of a chain or of nested
// groups costs no stack. Every walk visits each name at most once per start
// and is linear in the blocks and links it reaches.
import type { BakeFile } from '../types/bake.ts';

const SCHEME = 'target:';

const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The targets `target` links through `target:` contexts, in the order of its contexts; none unless its contexts are a map of strings. */
export function linksOf(target: unknown): string[] {
  const contexts = asObject(asObject(target).contexts);
  const values = Object.values(contexts);
  if (!values.every((v) => typeof v === 'string')) return [];
  const out: string[] = [];
  for (const value of values as string[]) if (value.startsWith(SCHEME)) out.push(value.slice(SCHEME.length));
  return out;
}

/** The targets `target` inherits, in order (entries that are not strings are left out). */
export function inheritsOf(target: unknown): string[] {
  const inherits = asObject(target).inherits;
  return Array.isArray(inherits) ? inherits.filter((x): x is string => typeof x === 'string') : [];
}

/** What a target depends on: its links, and its `inherits` too when asked. */
export function parentsOf(target: unknown, withInherits: boolean): string[] {
  return withInherits ? [...inheritsOf(target), ...linksOf(target)] : linksOf(target);
}

/**
 * Expands each of `names` depth first, a group's members in their order:
 * `visit(name, root, isGroup)` is called once per name reached from a root
 * (the root itself included), a group before its members. A group reached
 * again under the same root (a cycle, or listed twice) is not expanded again.
 */
export function expandGroups(groups: BakeFile['group'], names: readonly string[], visit: (name: string, root: string, isGroup: boolean) => void): void {
  const own = (name: string) => Object.hasOwn(groups, name);
  for (const root of names) {
    const seen = new Set<string>();
    const stack = [root];
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const group = own(name) ? groups[name] : undefined;
      const members = Array.isArray(group?.targets) ? group.targets.filter((m): m is string => typeof m === 'string') : undefined;
      visit(name, root, members !== undefined);
      if (members) for (let i = members.length - 1; i >= 0; i--) stack.push(members[i]!);
    }
  }
}

export interface WalkOptions {
  /** Follow `inherits` as well as `target:` links. */
  inherits?: boolean;
  /** Called for every link (and inheritance, when followed) out of a reached target, in walk order. */
  edge?: (from: string, to: string) => void;
}

/**
 * The targets reached from `starts` over their links (breadth first): the
 * starts that are targets, then what they link, in the order first reached.
 * Names the file does not hold are not reached (but are passed to `edge`).
 */
export function walkLinks(targets: BakeFile['target'], starts: Iterable<string>, options: WalkOptions = {}): string[] {
  const own = (name: string) => Object.hasOwn(targets, name);
  const reached = new Set<string>();
  for (const name of starts) if (own(name)) reached.add(name);
  const order = [...reached];
  for (let i = 0; i < order.length; i++) {
    const from = order[i]!;
    for (const to of parentsOf(targets[from], options.inherits ?? false)) {
      options.edge?.(from, to);
      if (!reached.has(to) && own(to)) {
        reached.add(to);
        order.push(to);
      }
    }
  }
  return order;
}

/**
 * For many closures over one file: `closureOf(name)` is the set of `name` and
 * every target it reaches over links (and inherits when asked), computed once
 * per name and reused by the closures that reach it.
 */
export function linkClosures(targets: BakeFile['target'], options: Omit<WalkOptions, 'edge'> = {}): (name: string) => ReadonlySet<string> {
  const memo = new Map<string, Set<string>>();
  return (name) => {
    const known = memo.get(name);
    if (known) return known;
    const result = new Set<string>([name]);
    const queue = [name];
    for (let i = 0; i < queue.length; i++) {
      for (const to of parentsOf(Object.hasOwn(targets, queue[i]!) ? targets[queue[i]!] : undefined, options.inherits ?? false)) {
        if (result.has(to)) continue;
        const done = memo.get(to);
        if (done) for (const x of done) result.add(x);
        else {
          result.add(to);
          queue.push(to);
        }
      }
    }
    memo.set(name, result);
    return result;
  };
}

/**
 * Every target of the file that reaches one of `seeds` over links (and
 * inherits when asked), the seeds included: what a change to the seeds
 * changes. One pass to invert the links, one walk back.
 */
export function dependentsOf(targets: BakeFile['target'], seeds: Iterable<string>, options: Omit<WalkOptions, 'edge'> = {}): Set<string> {
  // Built without a list per target: diff runs it on 100 000 targets.
  const children = new Map<string, string[]>();
  const add = (parent: string, child: string) => {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  };
  for (const name of Object.keys(targets)) {
    const target = asObject(targets[name]);
    if (options.inherits && Array.isArray(target.inherits)) for (const parent of target.inherits) if (typeof parent === 'string') add(parent, name);
    const contexts = asObject(target.contexts);
    let strings = true;
    for (const key in contexts) if (typeof contexts[key] !== 'string') strings = false;
    if (strings) for (const key in contexts) if ((contexts[key] as string).startsWith(SCHEME)) add((contexts[key] as string).slice(SCHEME.length), name);
  }
  const found = new Set(seeds);
  const queue = [...found];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i]!) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return found;
}
