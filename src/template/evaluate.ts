// Rendered text with run-time values filled in, as bake fills them: a bake
// variable is the environment variable of the same name when that is set
// (even to ""), else its default. Used where bake-matrix itself needs the
// final text (the tags `manifest` creates), and to write text that exists
// only while some variables are set (conditional entries of a list).
import { piecesToBake, type Piece, type RuntimeValue } from './bake-string.ts';
import { applyFilters } from './filters.ts';

/** Variable name -> value; undefined: not set (its default applies). */
export type RuntimeValues = Readonly<Record<string, string | undefined>>;

export function valueOf(runtime: RuntimeValue, values: RuntimeValues): string {
  return values[runtime.env] ?? runtime.default;
}

/** The text bake produces from `pieces` under `values`; throws on a piece that is not a variable (a bug upstream). */
export function evaluatePieces(pieces: readonly Piece[], values: RuntimeValues): string {
  let text = '';
  for (const piece of pieces) {
    if ('text' in piece) {
      text += piece.text;
      continue;
    }
    if (!piece.runtime) throw new Error(`evaluatePieces: no run-time value behind \${${piece.expr}}`);
    const value = valueOf(piece.runtime, values);
    const { optional } = piece.runtime;
    if (!optional) text += applyFilters(value, piece.runtime.filters);
    else if (value !== '') text += optional.before + applyFilters(value, piece.runtime.filters) + optional.after;
  }
  return text;
}

/** Bake variables the text uses in full (not as an optional segment), in order of first use. */
export function requiredVariables(pieces: readonly Piece[]): RuntimeValue[] {
  const out: RuntimeValue[] = [];
  // Most texts read one or two variables: a scan of those found so far, and a set once there are more.
  let seen: Set<string> | undefined;
  for (const piece of pieces) {
    if (!('expr' in piece) || !piece.runtime || piece.runtime.optional) continue;
    const { env } = piece.runtime;
    if (seen ? seen.has(env) : out.some((v) => v.env === env)) continue;
    out.push(piece.runtime);
    if (seen) seen.add(env);
    else if (out.length > 8) seen = new Set(out.map((v) => v.env));
  }
  return out;
}

/**
 * A bake string that is the text while every variable of `conditions` is set,
 * and "" otherwise: `${RELEASE == "" ? "" : "${REGISTRY}/vllm:${RELEASE}"}`.
 * buildx (v0.10.4 and today's) drops empty entries of tags, cache-from,
 * cache-to and output, so such an entry is left out of its list.
 */
export function conditionalBake(pieces: readonly Piece[], conditions: readonly string[]): string {
  if (conditions.length === 0) return piecesToBake(pieces);
  const nested = piecesToBake(pieces.map((p) => ('text' in p ? { text: quoteEscape(p.text) } : p)));
  return `\${${conditions.map((c) => `${c} == ""`).join(' || ')} ? "" : "${nested}"}`;
}

/** Literal text inside an HCL quoted string that sits in an expression. */
function quoteEscape(text: string): string {
  return text.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n');
}
