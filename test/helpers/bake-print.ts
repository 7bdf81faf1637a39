// What `docker buildx bake --print <names>` shows for a bake file, computed
// independently of src/ (a test oracle; src/inspect/resolve-target.ts is the
// tool's own): groups expanded recursively, each target merged with what it
// inherits as buildx's Target.Merge does (parents in order, then the target;
// args, labels and contexts merge key by key, cache-from and annotations are
// appended, every other attribute is replaced), every string evaluated with the variables
// (their defaults, overridden by `env` as the environment does), and buildx's
// defaults filled in (context ".", dockerfile "Dockerfile").
import type { BakeFile, BakeTarget } from '../../src/types/bake.ts';
import { evaluateTemplate, type Variables } from './hcl-template.ts';

export interface PrintedTarget {
  context: string;
  /** Relative to the context, as bake passes it to the build. */
  dockerfile: string;
  target?: string;
  platforms: string[];
  args: Record<string, string>;
  labels: Record<string, string>;
  contexts: Record<string, string>;
  tags: string[];
  'cache-from': string[];
  'cache-to': string[];
  /** Absent when no target in the chain sets it (buildx's default output). */
  output?: string[];
  annotations: string[];
}

/** The bake variables: their defaults, then the values `env` gives. */
export function bakeVariables(bake: BakeFile, env: Variables): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, v] of Object.entries(bake.variable ?? {})) vars[name] = env[name] ?? evaluateTemplate(v.default ?? '', {});
  return vars;
}

/** The targets `names` (targets or groups) stand for, resolved as `bake --print` prints them. */
export function bakePrint(bake: BakeFile, names: readonly string[], env: Variables = {}): Map<string, PrintedTarget> {
  const vars = bakeVariables(bake, env);
  const out = new Map<string, PrintedTarget>();
  for (const name of targetsOf(bake, names)) out.set(name, evaluate(merged(bake, name, []), vars));
  return out;
}

/** Target names of groups, recursively, each once, in order. */
export function targetsOf(bake: BakeFile, names: readonly string[], seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const group = bake.group[name];
    if (group) out.push(...targetsOf(bake, group.targets, seen));
    else if (bake.target[name]) out.push(name);
    else throw new Error(`"${name}" is no target or group`);
  }
  return out;
}

function merged(bake: BakeFile, name: string, chain: string[]): BakeTarget {
  const own = bake.target[name];
  if (!own) throw new Error(`target "${name}" (inherited by ${chain.join(' <- ') || 'nobody'}) does not exist`);
  if (chain.includes(name)) throw new Error(`inherits cycle: ${[...chain, name].join(' -> ')}`);
  const out: BakeTarget = {};
  for (const parent of [...(own.inherits ?? []).map((p) => merged(bake, p, [...chain, name])), own]) {
    for (const [key, value] of Object.entries(parent) as [keyof BakeTarget, unknown][]) {
      if (key === 'inherits') continue;
      if (key === 'args' || key === 'labels' || key === 'contexts') {
        const map = { ...((out[key] as Record<string, string> | undefined) ?? {}) };
        for (const [k, v] of Object.entries(value as Record<string, string | null>)) if (v !== null) map[k] = v;
        out[key] = map;
      } else if (key === 'cache-from' || key === 'annotations') out[key] = [...(out[key] ?? []), ...(value as string[])];
      else (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

function evaluate(t: BakeTarget, vars: Variables): PrintedTarget {
  const str = (s: string) => evaluateTemplate(s, vars);
  const list = (l: readonly string[] | undefined) => (l ?? []).map(str);
  const map = (m: Record<string, string | null> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [str(k), str(v ?? '')]));
  return {
    context: t.context !== undefined ? str(t.context) : '.',
    dockerfile: t.dockerfile !== undefined ? str(t.dockerfile) : 'Dockerfile',
    ...(t.target !== undefined ? { target: str(t.target) } : {}),
    platforms: list(t.platforms),
    args: map(t.args),
    labels: map(t.labels),
    contexts: map(t.contexts),
    tags: list(t.tags),
    'cache-from': [...new Set(list(t['cache-from']))],
    'cache-to': list(t['cache-to']),
    ...(t.output ? { output: list(t.output) } : {}),
    annotations: [...new Set(list(t.annotations))],
  };
}
