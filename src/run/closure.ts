// The part of a bake file that `docker buildx bake <names>` reads: the named
// groups and targets, every group and target they hold, every target one of
// them `inherits` or links through a `target:` context (and so on, up the
// chains), and the variables those blocks use. buildx resolves a name in this
// closure exactly as in the whole file (bake/bake.go: a target's resolution
// reads only its inherits, its contexts and the variables), but reads and
// resolves only the blocks it needs: on buildx v0.10.4 a 5-target group of a
// 10 000-target file takes minutes to parse, its closure half a second.
import { variablesIn } from '../inspect/preview-bake.ts';
import { globToRegExp } from './glob-to-regexp.ts';
import { expandGroups, walkLinks } from '../links/walk-links.ts';
import type { BakeFile, BakeGroup, BakeTarget, BakeVariable } from '../types/bake.ts';

/**
 * The closure of `roots` (target or group names; none means `default`, as in
 * bake). Blocks keep their order in the file. Names the file does not hold are
 * skipped: buildx reports them as it would for the whole file.
 */
export function closure(bake: BakeFile, roots: readonly string[]): BakeFile {
  const groups = new Set<string>();
  const starts: string[] = [];
  // A name can be a group and a target at once (the group wins in bake): keep both.
  expandGroups(bake.group, roots.length ? roots : ['default'], (name, _root, isGroup) => {
    if (isGroup) groups.add(name);
    starts.push(name);
  });
  const targets = new Set(walkLinks(bake.target, starts, { inherits: true }));

  const target = pick(bake.target, targets);
  const group = pick(bake.group, groups);
  const variable = usedVariables(bake.variable ?? {}, [target, group]);
  return { ...(Object.keys(variable).length ? { variable } : {}), group, target };
}

/** What the bake call asks for: its names, its `--set` values, and the text of its overlays (`-f`). */
export interface BakeRequest {
  names: readonly string[];
  sets: readonly string[];
  overlays: readonly string[];
}

/**
 * The closure a bake call needs from `bake`: that of its names, of every name
 * of the file an overlay mentions (an overlay may inherit or link any
 * generated target), and, for a `--set` pattern that would match no target of
 * the closure, one target of the file it matches (buildx fails on a pattern
 * matching nothing; a target that is not requested is not built).
 */
export function requestClosure(bake: BakeFile, request: BakeRequest): BakeFile {
  const roots = [...(request.names.length ? request.names : ['default']), ...namesMentioned(bake, request.overlays)];
  const first = closure(bake, roots);
  const extra = setPatterns(request.sets).flatMap((pattern) => (matches(first, pattern).length ? [] : matches(bake, pattern).slice(0, 1)));
  return extra.length ? closure(bake, [...roots, ...extra]) : first;
}

/** The target names a `--set` pattern selects in a file: the exact name, or else every name matching the glob. */
function matches(bake: BakeFile, pattern: string): string[] {
  if (bake.target[pattern]) return [pattern];
  const glob = globToRegExp(pattern);
  return Object.keys(bake.target).filter((name) => glob.test(name));
}

/** The target patterns of `--set <pattern>.key=value` values. */
function setPatterns(sets: readonly string[]): string[] {
  return sets.flatMap((set) => {
    const eq = set.indexOf('=');
    const key = eq < 0 ? set : set.slice(0, eq);
    const dot = key.indexOf('.');
    return dot > 0 ? [key.slice(0, dot)] : [];
  });
}

/** Names of the file's blocks that occur as words in `texts`. */
function namesMentioned(bake: BakeFile, texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const [word] of text.matchAll(/[A-Za-z0-9_-]+/g)) if (bake.target[word] || bake.group[word]) found.add(word);
  }
  return [...found];
}

function pick<T>(blocks: Record<string, T>, names: ReadonlySet<string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const name of Object.keys(blocks)) if (names.has(name)) out[name] = blocks[name]!;
  return out;
}

/** The variables the blocks read, and those their defaults read in turn. */
function usedVariables(variables: Record<string, BakeVariable>, blocks: Record<string, BakeTarget | BakeGroup>[]): Record<string, BakeVariable> {
  const used = new Set<string>();
  const queue: string[] = [];
  const scan = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.includes('${')) for (const name of variablesIn(value)) if (variables[name] && !used.has(name)) used.add(name), queue.push(name);
    } else if (Array.isArray(value)) value.forEach(scan);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) scan(k), scan(v);
  };
  blocks.forEach(scan);
  for (let i = 0; i < queue.length; i++) scan(variables[queue[i]!]!.default);
  return pick(variables, used);
}
