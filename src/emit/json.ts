// emit: Bake model -> docker-bake.json text. Same model, same bytes: every
// object's keys are sorted; arrays keep their (meaningful) order.
import type { BakeFile } from '../types/bake.ts';
import { define, dict } from '../dict.ts';

export function emitJson(bake: BakeFile): string {
  // An empty "group" (or "target", "variable") object is an error for bake's HCL-JSON
  // reader ("Missing block label"): leave it out, as the HCL form has no block then.
  const blocks = dict(Object.entries(bake).filter(([, v]) => v && Object.keys(v).length > 0));
  return JSON.stringify(sortDeep(blocks), null, 2) + '\n';
}

/** The value with every object's keys sorted; parts already in order are returned as they are, not copied. */
function sortDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      const sorted = sortDeep(item);
      if (sorted !== item) (out ??= value.slice())[i] = sorted;
    }
    return out ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  // Copies are plain objects (define() keeps `__proto__` a key): JSON.stringify writes those faster than prototype-less ones.
  if (!inOrder(keys)) {
    const out: Record<string, unknown> = {};
    for (const key of keys.sort()) define(out, key, sortDeep(object[key]));
    return out;
  }
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const child = object[keys[i]!];
    const sorted = sortDeep(child);
    if (sorted !== child && !out) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j]!, object[keys[j]!]);
    }
    if (out) define(out, keys[i]!, sorted);
  }
  return out ?? object;
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}
