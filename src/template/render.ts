// Rendering a template in a scope: each placeholder is looked up, filtered and
// joined into pieces (literal text, or run-time expressions for bake).
import type { Origin, Template, Variable } from '../types/matrix.ts';
import { escapeBake, joinPieces, piecesToBake, piecesToPreview, type Piece } from './bake-string.ts';
import { applyFilters, FILTER_NAMES, filterFor, filtersHcl } from './filters.ts';
import { parseTemplate, type Part, type PlaceholderPart } from './parse-template.ts';
import { uncounted, type RenderBudget } from './render-budget.ts';

/** See scope.ts: an axis the target does not vary over. */
export const NOT_VARIED = 'axis-not-varied';

/** The code of a problem already reported where it arose (an arg that failed to render, a spent render budget). */
export const REPORTED = 'reported-elsewhere';

/** What produced the text of one placeholder, for `explain`. */
export interface Source {
  placeholder: string;
  /** For a run-time variable: its bake name. */
  variable?: string;
  /** e.g. `cuda "cu129"`, `vars.version of cuda "cu129"`, `table base_image [framework=vllm]`, `arg BASE_IMAGE`. */
  what: string;
  origin?: Origin;
}

export type Lookup =
  | { kind: 'text'; text: string; isDefault?: boolean; source: Source; sources?: Source[]; shared?: boolean }
  | { kind: 'variable'; variable: Variable; source: Source; shared?: boolean }
  | { kind: 'pieces'; pieces: Piece[]; source: Source; sources?: Source[] }
  | { kind: 'absent'; reason: string }
  | { kind: 'error'; code: string; reason: string; hint?: string };

export interface Scope {
  lookup(placeholder: PlaceholderPart): Lookup;
  /** The placeholder names known here, for messages. */
  available?(): string[];
  /** Bounds on the rendered text (render-budget.ts); without one, only the length of each value is bounded, at the default. */
  readonly budget?: RenderBudget;
}

export interface Rendered {
  pieces: Piece[];
  /** As written into the bake file. */
  bake: string;
  /** With every variable at its default: what bake prints when no variable is set. */
  preview: string;
  usesVariables: boolean;
  /** Where the text of each placeholder came from. */
  sources: Source[];
}

export interface RenderProblem {
  /** unknown-placeholder, unknown-filter, axis-does-not-apply, missing-var, missing-table-entry, unknown-arg, ... */
  code: string;
  placeholder: PlaceholderPart;
  reason: string;
  hint?: string;
}

export type RenderResult = { ok: true; value: Rendered } | { ok: false; problems: RenderProblem[] };

/** Results of texts without placeholders: the same for every scope, so made once (most args are plain text). */
const literalResults = new Map<string, RenderResult>();

export function render(template: Template | string, scope: Scope): RenderResult {
  const text = typeof template === 'string' ? template : template.text;
  const parts = parseTemplate(text);
  if (parts.length === 0 || (parts.length === 1 && parts[0]!.kind === 'literal')) {
    let result = literalResults.get(text);
    if (!result) {
      const pieces: Piece[] = text ? [{ text: parts[0]!.kind === 'literal' ? parts[0]!.text : text }] : [];
      result = { ok: true, value: { pieces, bake: piecesToBake(pieces), preview: piecesToPreview(pieces), usesVariables: false, sources: [] } };
      if (literalResults.size > 50_000) literalResults.clear();
      literalResults.set(text, result);
    }
    return result;
  }
  const budget = scope.budget ?? uncounted();
  if (budget.exhausted) return { ok: false, problems: [{ code: REPORTED, placeholder: firstPlaceholder(parts), reason: 'rendering stopped' }] };
  if (budget.depth >= budget.templateChain) return { ok: false, problems: [{ code: 'limit-exceeded', placeholder: firstPlaceholder(parts), ...budget.tooDeep() }] };
  budget.depth++;
  try {
    return renderParts(parts, scope, budget);
  } finally {
    budget.depth--;
  }
}

function renderParts(parts: readonly Part[], scope: Scope, budget: RenderBudget): RenderResult {
  // Most renderings are all text: it is gathered as one string, and a piece list is made only once a run-time piece comes.
  let plain = '';
  /** Until something is added to them, `pieces` and `sources` are one placeholder's own lists (read only, often shared by every target): no copy, no grown array per rendering. */
  let pieces: Piece[] | undefined;
  let ownPieces = false;
  let sources: Source[] = NO_SOURCES;
  let ownSources = false;
  /** Characters so far (an expression counts as its text): checked before anything is added, so no value grows past the limit. */
  let length = 0;
  let problems: RenderProblem[] | undefined;
  /** The last placeholder's result: a template that is one placeholder with a shared result renders the same everywhere. */
  let last: PlaceholderResult | undefined;
  for (const part of parts) {
    if (part.kind === 'literal') {
      length += part.text.length;
      if (length > budget.valueLength) return { ok: false, problems: [{ code: 'limit-exceeded', placeholder: firstPlaceholder(parts), ...budget.tooLong(length) }] };
      if (pieces) {
        if (!ownPieces) (pieces = [...pieces]), (ownPieces = true);
        appendText(pieces, part.text);
      } else plain += part.text;
      continue;
    }
    const result = renderPlaceholder(part, scope);
    last = result;
    if ('reason' in result) {
      (problems ??= []).push({ code: result.code, placeholder: part, reason: result.reason, ...(result.hint ? { hint: result.hint } : {}) });
      if (result.code === REPORTED && budget.exhausted) break;
      continue;
    }
    for (const piece of result.pieces) length += 'text' in piece ? piece.text.length : piece.expr.length;
    if (length > budget.valueLength) return { ok: false, problems: [{ code: 'limit-exceeded', placeholder: part, ...budget.tooLong(length) }] };
    if (!pieces && !plain && result.pieces.length && !('text' in result.pieces[0]!)) pieces = result.pieces;
    else {
      for (const piece of result.pieces) {
        if (!pieces && 'text' in piece) plain += piece.text;
        else {
          if (!pieces) (pieces = plain ? [{ text: plain }] : []), (ownPieces = true);
          else if (!ownPieces) (pieces = [...pieces]), (ownPieces = true);
          if ('text' in piece) appendText(pieces, piece.text);
          else pieces.push(piece);
        }
      }
    }
    // A source used again (an arg or table entry read twice) is listed once: the list stays as long as the templates behind it.
    if (!result.sources.length) continue;
    if (sources.length === 0 && result.sources.length === 1) sources = result.sources;
    else {
      if (!ownSources) {
        const first = sources;
        (sources = []), (ownSources = true);
        for (const source of first) addSource(sources, source);
      }
      for (const source of result.sources) addSource(sources, source);
    }
  }
  // Each source counts as a character: a long chain of args lists every arg of it.
  if (!problems && !budget.spend(length + sources.length)) return { ok: false, problems: [{ code: 'limit-exceeded', placeholder: firstPlaceholder(parts), ...budget.spent() }] };
  if (problems) return { ok: false, problems };
  if (parts.length === 1 && last && sharedPlaceholderResults.has(last)) {
    const known = sharedRenderings.get(last);
    if (known) return known;
    const made = renderedOf(plain, pieces, ownPieces, sources, ownSources);
    sharedRenderings.set(last, made);
    sharedValues.add(made.value);
    return made;
  }
  return renderedOf(plain, pieces, ownPieces, sources, ownSources);
}

/** The rendering of a template that is one placeholder whose result is shared (read only): made once, for every scope. */
const sharedRenderings = new WeakMap<PlaceholderResult, { ok: true; value: Rendered }>();
const sharedValues = new WeakSet<Rendered>();

/** Whether a rendering with sources is handed to every scope that renders its template (read only): a template of one variable or axis value. */
export function isSharedRendering(rendered: Rendered): boolean {
  return sharedValues.has(rendered);
}

function renderedOf(plain: string, pieces: Piece[] | undefined, ownPieces: boolean, sources: Source[], ownSources: boolean): { ok: true; value: Rendered } {
  // A list grown by push has room for 16 more: one that is kept (an arg, a label, a tag of every target) is copied to its size.
  if (sources === NO_SOURCES) sources = [];
  else if (ownSources) sources = sources.slice();
  if (!pieces) return { ok: true, value: { pieces: plain ? [{ text: plain }] : [], bake: escapeBake(plain), preview: plain, usesVariables: false, sources } };
  let joined = joinPieces(pieces);
  if (joined !== pieces || ownPieces) joined = joined.slice();
  return {
    ok: true,
    value: { pieces: joined, bake: piecesToBake(joined), preview: piecesToPreview(joined), usesVariables: joined.some((p) => 'expr' in p), sources },
  };
}

/** Adds literal text to an own piece list, joined to a literal piece before it (so the list needs no joinPieces copy). */
function appendText(pieces: Piece[], text: string): void {
  if (!text) return;
  const last = pieces[pieces.length - 1];
  if (last && 'text' in last) pieces[pieces.length - 1] = { text: last.text + text };
  else pieces.push({ text });
}

/** No source yet (never handed out: a rendering without sources gets an array of its own). */
const NO_SOURCES: Source[] = [];

/** Seen sources of the lists that grew long (a long chain of args): a lookup instead of a scan. */
const seenSources = new WeakMap<Source[], Set<Source>>();

function addSource(sources: Source[], source: Source): void {
  if (sources.length < 16) {
    if (!sources.includes(source)) sources.push(source);
    return;
  }
  let seen = seenSources.get(sources);
  if (!seen) seenSources.set(sources, (seen = new Set(sources)));
  if (!seen.has(source)) {
    seen.add(source);
    sources.push(source);
  }
}

function firstPlaceholder(parts: readonly Part[]): PlaceholderPart {
  return parts.find((p): p is PlaceholderPart => p.kind === 'placeholder')!;
}

type PlaceholderResult = { pieces: Piece[]; sources: Source[] } | { code: string; reason: string; hint?: string };

/**
 * The result of each placeholder whose lookup is `shared`: such a lookup is made once for its placeholder
 * (and axis value, or variable) and handed to every scope, so the result is the same for all of them (read only).
 */
const sharedResults = new WeakMap<Lookup, PlaceholderResult>();
const sharedPlaceholderResults = new WeakSet<PlaceholderResult>();

function renderPlaceholder(part: PlaceholderPart, scope: Scope): PlaceholderResult {
  const unknownFilter = part.filters.length ? part.filters.find((f) => !filterFor(f)) : undefined;
  if (unknownFilter) return { code: 'unknown-filter', reason: `"${unknownFilter}" is not a filter`, hint: `Filters: ${FILTER_NAMES} (N from 1 to 64).` };
  const found = scope.lookup(part);
  if (!('shared' in found && found.shared)) return placeholderResult(part, found);
  let result = sharedResults.get(found);
  if (!result) {
    sharedResults.set(found, (result = placeholderResult(part, found)));
    sharedPlaceholderResults.add(result);
  }
  return result;
}

function placeholderResult(part: PlaceholderPart, found: Lookup): PlaceholderResult {
  const before = part.optional?.before ?? '';
  const after = part.optional?.after ?? '';
  switch (found.kind) {
    case 'error':
      // An optional segment of an axis the target does not vary over is left out, like one that does not apply.
      if (found.code === NOT_VARIED) return part.optional ? { pieces: [], sources: [] } : { code: 'unknown-placeholder', reason: found.reason, ...(found.hint ? { hint: found.hint } : {}) };
      return { code: found.code, reason: found.reason, ...(found.hint ? { hint: found.hint } : {}) };
    case 'absent':
      return part.optional
        ? { pieces: [], sources: [] }
        : { code: 'axis-does-not-apply', reason: found.reason, hint: `Write it as an optional segment, e.g. {-${part.raw.slice(1, -1)}}, to leave it out where it does not apply.` };
    case 'text':
      return textResult(found.text, found.isDefault ?? false, part, withSources(found.source, found.sources));
    case 'pieces': {
      if (found.pieces.every((p) => 'text' in p)) return textResult(found.pieces.map((p) => (p as { text: string }).text).join(''), false, part, withSources(found.source, found.sources));
      if (part.filters.length || part.optional) {
        return { code: 'runtime-value-filter', reason: `${found.source.what} holds a run-time variable, so it cannot be filtered or made optional when the file is generated` };
      }
      return { pieces: found.pieces, sources: withSources(found.source, found.sources) };
    }
    case 'variable': {
      const { variable } = found;
      let expr = filtersHcl(variable.env, part.filters);
      const value = applyFilters(variable.default, part.filters);
      let preview = value;
      if (part.optional) {
        expr = `${variable.env} == "" ? "" : format(${JSON.stringify(`${before}%s${after}`)}, ${expr})`;
        preview = variable.default === '' ? '' : before + value + after;
      }
      const runtime = { env: variable.env, default: variable.default, filters: part.filters, ...(part.optional ? { optional: { before, after } } : {}) };
      return { pieces: [{ expr, preview, runtime }], sources: [found.source] };
    }
  }
}

function textResult(text: string, isDefault: boolean, part: PlaceholderPart, sources: Source[]): PlaceholderResult {
  if (part.optional && ((isDefault && !part.optional.keepDefault) || text === '')) {
    return { pieces: [], sources: sources.map((s, i) => (i === 0 ? { ...s, what: `${s.what}, ${isDefault ? 'the default' : 'empty'}: left out` } : s)) };
  }
  const value = applyFilters(text, part.filters);
  return { pieces: [{ text: (part.optional?.before ?? '') + value + (part.optional?.after ?? '') }], sources };
}

function withSources(source: Source, more: readonly Source[] | undefined): Source[] {
  if (more?.length) return [source, ...more];
  // One list per source (read only): a built-in such as {target} is read by every target, each with its own text.
  let list = sourceLists.get(source);
  if (!list) sourceLists.set(source, (list = [source]));
  return list;
}

const sourceLists = new WeakMap<Source, Source[]>();
