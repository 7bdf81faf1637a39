// The bake variables the emitted targets read: only those are declared.
import type { BakeTarget } from '../types/bake.ts';
import type { Matrix, Variable } from '../types/matrix.ts';

/**
 * The variables some text of the matrix names, besides their own declarations: a target can read
 * only those (a template's {registry}, a tag's `if: git_sha`), so a variable no text names (a built-in
 * the matrix never uses) is not looked for in every target. Every string counts, keys and where
 * things are written (`origin` is also a key users write: `args: { origin: "{mirror}/..." }`): it errs
 * on the side of looking.
 */
export function namedVariables(m: Matrix): Variable[] {
  const texts: string[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [];
  for (const key in m) if (key !== 'variables') stack.push(m[key as keyof Matrix]);
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') texts.push(value);
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) for (const [k, v] of value) stack.push(k, v);
    else if (value instanceof Set || Array.isArray(value)) for (const v of value) stack.push(v);
    else {
      for (const key in value) {
        texts.push(key);
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  const text = texts.join('\n');
  return m.variables.filter((v) => text.includes(v.key));
}

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
