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
  for (const target of Object.values(targets)) {
    for (const value of Object.values(target)) {
      if (typeof value === 'string') scan(value);
      else if (Array.isArray(value)) value.forEach((v) => typeof v === 'string' && scan(v));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (scan(k), typeof v === 'string' && scan(v));
    }
  }
  return used;
}
