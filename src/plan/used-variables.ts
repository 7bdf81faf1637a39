// The bake variables the emitted targets read: only those are declared.
import type { BakeTarget } from '../types/bake.ts';

/** Interpolations and directives (not the escaped `$${`), and the identifiers in them. */
const SEQUENCE = /(?<!\$)\$\{([^}]*)\}/g;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

export function usedVariables(targets: Readonly<Record<string, BakeTarget>>, known: ReadonlySet<string>): Set<string> {
  const used = new Set<string>();
  const scan = (text: string) => {
    if (!text.includes('${')) return;
    for (const [, body] of text.matchAll(SEQUENCE)) {
      for (const [id] of body!.replace(/"(?:[^"\\]|\\.)*"/g, '').matchAll(IDENTIFIER)) if (known.has(id)) used.add(id);
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
