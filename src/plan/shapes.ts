// Small shape helpers of the planner.
import type { Problem } from '../problems/problem.ts';
import type { BakeTarget } from '../types/bake.ts';
import type { Secret, Template } from '../types/matrix.ts';
import { escapeBake } from '../template/index.ts';
import { define } from '../dict.ts';

/** A template used by many cells fails for each: report it once, at its place. */
export function firstPerPlace(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}|${p.file}|${p.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The string form every buildx since v0.10 reads (the object form needs v0.20). */
export function secretSpec(secret: Secret): string {
  return [`id=${secret.id}`, secret.env ? `env=${secret.env}` : `src=${secret.src}`].map(escapeBake).join(',');
}

/** Settings as a list of templates that know their key. */
export function entriesOf(settings: Record<string, Template>) {
  return Object.entries(settings).map(([key, t]) => Object.assign({ key }, t));
}

/** Fixed key order inside a target keeps the output deterministic and diffable. */
export function sortKeys<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o).sort()) define(out, key, (o as Record<string, unknown>)[key]); // sort(): UTF-16 code-unit order
  return out as T;
}

/** Every attribute the planner sets on a target, in sort() order. */
const TARGET_KEYS = ['annotations', 'args', 'cache-from', 'cache-to', 'context', 'contexts', 'description', 'dockerfile', 'inherits', 'labels', 'output', 'platforms', 'secret', 'tags', 'target'] as const;

/** sortKeys for a bake target: its attributes picked in a known order, without sorting each target's keys (sortKeys when it has another). */
export function sortTargetKeys(target: BakeTarget): BakeTarget {
  const out: Record<string, unknown> = {};
  let picked = 0;
  for (const key of TARGET_KEYS) {
    if (!Object.hasOwn(target, key)) continue;
    out[key] = target[key];
    picked++;
  }
  let own = 0;
  for (const key in target) if (Object.hasOwn(target, key)) own++;
  return own === picked ? (out as BakeTarget) : sortKeys(target);
}
