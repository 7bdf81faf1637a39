// The bake variables the emitted targets read: only those are declared.
import type { BakeTarget } from '../types/bake.ts';

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
/** Distinct interpolation bodies remembered (each at most a value long): bounded memory for any input. */
const MAX_BODIES = 10_000;

export function usedVariables(targets: Readonly<Record<string, BakeTarget>>, known: ReadonlySet<string>): Set<string> {
  const used = new Set<string>();
  /** Bodies already read: a tag or cache ref pattern repeats in many targets, mostly with the same interpolations. */
  const bodies = new Set<string>();
  /** Each interpolation or directive `${...}` (not the escaped `$${`), and the identifiers in it outside quoted strings. */
  const scan = (text: string) => {
    for (let at = text.indexOf('${'); at !== -1; at = text.indexOf('${', at + 2)) {
      if (at > 0 && text.charCodeAt(at - 1) === 36 /* $ */) continue;
      const end = text.indexOf('}', at + 2);
      if (end === -1) return;
      const body = text.slice(at + 2, end);
      at = end - 1;
      if (bodies.has(body)) continue;
      if (bodies.size < MAX_BODIES) bodies.add(body);
      for (const [id] of body.replace(/"(?:[^"\\]|\\.)*"/g, '').matchAll(IDENTIFIER)) if (known.has(id)) used.add(id);
    }
  };
  for (const name in targets) {
    if (used.size === known.size) break; // every variable is read: the other targets cannot add one
    const target = targets[name] as Record<string, unknown>;
    for (const key in target) {
      const value = target[key];
      if (typeof value === 'string') scan(value);
      else if (Array.isArray(value)) for (const v of value) typeof v === 'string' && scan(v);
      else if (value && typeof value === 'object') {
        const map = value as Record<string, unknown>;
        for (const k in map) {
          scan(k);
          if (typeof map[k] === 'string') scan(map[k]);
        }
      }
    }
  }
  return used;
}
