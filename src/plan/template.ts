// Templates: text with {placeholder}s, rendered into a bake string in which
// literal text is escaped ($${, %%{) and run-time variables become ${NAME}.
import type { Template, Variable } from '../types/matrix.ts';

const PLACEHOLDER = /\{\{|\{([a-z][a-z0-9_]*)\}/g;

export type Part = { literal: string } | { placeholder: string };

const parsedCache = new Map<string, Part[]>();

export function parseTemplate(text: string): Part[] {
  let parts = parsedCache.get(text);
  if (parts) return parts;
  parts = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index! > last) parts.push({ literal: text.slice(last, match.index) });
    parts.push(match[1] ? { placeholder: match[1] } : { literal: '{' });
    last = match.index! + match[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  parsedCache.set(text, parts);
  return parts;
}

export function placeholdersOf(text: string): string[] {
  return parseTemplate(text).flatMap((p) => ('placeholder' in p ? [p.placeholder] : []));
}

/** What placeholders stand for in one target: literal values, and run-time variables. */
export interface Scope {
  values: Readonly<Record<string, string>>;
  variables: ReadonlyMap<string, Variable>;
}

export interface Rendered {
  /** As written into the bake file. */
  bake: string;
  /** With every variable at its default: what bake prints when no variable is set. */
  preview: string;
  usesVariables: boolean;
}

export type RenderResult = { ok: true; value: Rendered } | { ok: false; unknown: string[] };

export function render(template: Template | string, scope: Scope): RenderResult {
  const text = typeof template === 'string' ? template : template.text;
  let bake = '';
  let literal = '';
  let preview = '';
  let usesVariables = false;
  const unknown: string[] = [];
  for (const part of parseTemplate(text)) {
    const value = 'literal' in part ? part.literal : scope.values[part.placeholder];
    if (value !== undefined) {
      literal += value;
      preview += value;
      continue;
    }
    const variable = scope.variables.get((part as { placeholder: string }).placeholder);
    if (!variable) {
      unknown.push((part as { placeholder: string }).placeholder);
      continue;
    }
    bake += escapeBeforeInterpolation(literal) + '${' + variable.env + '}';
    literal = '';
    preview += variable.default;
    usesVariables = true;
  }
  bake += escapeBake(literal);
  return unknown.length ? { ok: false, unknown } : { ok: true, value: { bake, preview, usesVariables } };
}

/**
 * Literal text is escaped as a whole (a `$` and a `{` from different parts
 * still make `${`). Literal `$`s right before an interpolation would pair with
 * its `${` (into the escape `$${`), so they are written as an interpolated
 * string: `$$` + `${VERSION}` -> `${"$$"}${VERSION}`.
 */
function escapeBeforeInterpolation(literal: string): string {
  const escaped = escapeBake(literal);
  const dollars = /\$+$/.exec(escaped)?.[0] ?? '';
  return dollars ? escaped.slice(0, -dollars.length) + '${"' + dollars + '"}' : escaped;
}

/**
 * Every string of a bake file (JSON included) is an HCL template: `${` opens an
 * interpolation and `%{` a directive. Doubling the sigil makes them literal.
 */
export function escapeBake(literal: string): string {
  return literal.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
