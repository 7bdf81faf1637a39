// Rendered text as a bake string. Every string of a bake file (JSON included)
// is an HCL template: `${` opens an interpolation and `%{` a directive.
// Literal text is escaped ($${, %%{); run-time values become interpolations.

/** A piece of rendered text: literal, or an HCL expression bake evaluates (a variable, maybe filtered). */
export type Piece = { text: string } | { expr: string; preview: string; runtime?: RuntimeValue };

/** What an expression piece reads, so its value can be computed for given variables (evaluate.ts). */
export interface RuntimeValue {
  /** The bake variable. */
  env: string;
  default: string;
  filters: string[];
  /** An optional segment: nothing while the variable is empty, else before + value + after. */
  optional?: { before: string; after: string };
}

/**
 * Every string of a bake file (JSON included) is an HCL template: `${` opens an
 * interpolation and `%{` a directive. Doubling the sigil makes them literal.
 */
export function escapeBake(literal: string): string {
  if (!literal.includes('{')) return literal; // most text: nothing to escape
  return literal.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * Literal text is escaped as a whole (a `$` and a `{` from different parts
 * still make `${`). Literal `$`s right before an interpolation would pair with
 * its `${` (into the escape `$${`), so they are written as an interpolated
 * string: `$$` + `${VERSION}` -> `${"$$"}${VERSION}`.
 */
export function piecesToBake(pieces: readonly Piece[]): string {
  let bake = '';
  let literal = '';
  for (const piece of pieces) {
    if ('text' in piece) {
      literal += piece.text;
      continue;
    }
    bake += escapeBeforeInterpolation(literal) + '${' + piece.expr + '}';
    literal = '';
  }
  return bake + escapeBake(literal);
}

function escapeBeforeInterpolation(literal: string): string {
  const escaped = escapeBake(literal);
  if (!escaped.endsWith('$')) return escaped;
  const dollars = /\$+$/.exec(escaped)?.[0] ?? '';
  return dollars ? escaped.slice(0, -dollars.length) + '${"' + dollars + '"}' : escaped;
}

/** With every variable at its default: what bake prints when no variable is set. */
export function piecesToPreview(pieces: readonly Piece[]): string {
  let preview = '';
  for (const p of pieces) preview += 'text' in p ? p.text : p.preview;
  return preview;
}

/** Adjacent literal pieces joined, so equal texts give equal piece lists. */
export function joinPieces(pieces: readonly Piece[]): Piece[] {
  // Most lists have nothing to join: they are kept (read only), not copied.
  if (pieces.every((piece, i) => ('text' in piece ? piece.text !== '' && !(i > 0 && 'text' in pieces[i - 1]!) : true))) return pieces as Piece[];
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if ('text' in piece && last && 'text' in last) out[out.length - 1] = { text: last.text + piece.text };
    else if (!('text' in piece && piece.text === '')) out.push(piece);
  }
  return out;
}

/** An HCL string literal, for text inside an interpolation. */
export function hclQuote(text: string): string {
  return '"' + escapeBake(text).replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n') + '"';
}
