// What bake makes of one target after `inherits` (bake/bake.go, Target.Merge), and
// which target of the chain set each part: parents in order, then the target itself;
// args, labels and contexts merge key by key, cache-from is appended (duplicates
// dropped, first kept), every other attribute is replaced. A cycle contributes nothing, and so
// does a parent more than MAX_DEPTH levels up (the walk recurses; generated chains are a few deep).
import type { BakeFile, BakeTarget } from '../types/bake.ts';

/** A value and the target whose block set it. */
export interface Sourced<T> {
  value: T;
  from: string;
}

type MapKey = 'args' | 'labels' | 'contexts';
type ScalarKey = 'context' | 'dockerfile' | 'target';
type ListKey = 'tags' | 'platforms' | 'cache-to';

export interface ResolvedTarget {
  args: Record<string, Sourced<string>>;
  labels: Record<string, Sourced<string>>;
  contexts: Record<string, Sourced<string>>;
  'cache-from': Sourced<string>[];
  context?: Sourced<string>;
  dockerfile?: Sourced<string>;
  target?: Sourced<string>;
  tags?: Sourced<string[]>;
  platforms?: Sourced<string[]>;
  'cache-to'?: Sourced<string[]>;
}

const MAPS: MapKey[] = ['args', 'labels', 'contexts'];
const SCALARS: ScalarKey[] = ['context', 'dockerfile', 'target'];
const LISTS: ListKey[] = ['tags', 'platforms', 'cache-to'];

export function resolveTarget(bake: BakeFile, name: string): ResolvedTarget {
  return resolve(bake, name, new Map(), 0);
}

const MAX_DEPTH = 256;

function resolve(bake: BakeFile, name: string, memo: Map<string, ResolvedTarget | null>, depth: number): ResolvedTarget {
  const known = memo.get(name);
  if (known) return known;
  const out: ResolvedTarget = { args: {}, labels: {}, contexts: {}, 'cache-from': [] };
  const block = bake.target[name];
  if (known === null || !block || depth > MAX_DEPTH) return out; // a cycle, a target bake would not find, or too deep
  memo.set(name, null);
  for (const parent of block.inherits ?? []) merge(out, resolve(bake, parent, memo, depth + 1));
  merge(out, own(block, name));
  const seen = new Set<string>();
  out['cache-from'] = out['cache-from'].filter((c) => c.value !== '' && !seen.has(c.value) && seen.add(c.value));
  memo.set(name, out);
  return out;
}

function own(block: BakeTarget, name: string): ResolvedTarget {
  const sourced = <T>(value: T): Sourced<T> => ({ value, from: name });
  const out: ResolvedTarget = { args: {}, labels: {}, contexts: {}, 'cache-from': (block['cache-from'] ?? []).map(sourced) };
  for (const key of MAPS) for (const [k, v] of Object.entries(block[key] ?? {})) if (v !== null) out[key][k] = sourced(v);
  for (const key of SCALARS) if (block[key] !== undefined) out[key] = sourced(block[key]!);
  for (const key of LISTS) if (block[key] !== undefined) out[key] = sourced(block[key]!);
  return out;
}

function merge(into: ResolvedTarget, from: ResolvedTarget) {
  for (const key of MAPS) Object.assign(into[key], from[key]);
  into['cache-from'].push(...from['cache-from']);
  for (const key of SCALARS) if (from[key]) into[key] = from[key];
  for (const key of LISTS) if (from[key]) into[key] = from[key];
}
