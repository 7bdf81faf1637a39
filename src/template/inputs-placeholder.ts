// `{inputs}` and `{inputs|short}`: the input digest of the image (src/inputs/),
// in a tag. A tag entry that uses it is a content tag: the committed bake file
// never holds it (it would go stale with every context file, and plain bake
// cannot compute it); `run` and `ci` render it into the run's closure file,
// where it replaces the default `<repository>:inputs-<12 hex>` content tag.
//
// In a tag scope the placeholder is a run-time piece of a pseudo-variable that
// is never written to a bake file: its value is the digest bake-matrix
// computes (contentTagText). `{inputs}` is the 64 hex digits, `{inputs|short}`
// the first 12, as in the default content tag, `{inputs|short:N}` the first N.
import type { Piece } from './bake-string.ts';
import { evaluatePieces, type RuntimeValues } from './evaluate.ts';
import { applyFilters, filterName, type FilterDefaults } from './filters.ts';
import type { PlaceholderPart } from './parse-template.ts';
import type { Lookup, Scope } from './render.ts';
import type { Variable } from '../types/matrix.ts';

export const INPUTS_PLACEHOLDER = 'inputs';
/** The name of the pseudo-variable in pieces; no bake file declares it. */
export const INPUTS_PIECE = 'BAKE_MATRIX_INPUTS';
/** How many hex digits `{inputs|short}` keeps (as the default content tag). */
export const INPUTS_SHORT = 12;
/** The filter `{inputs}` takes, with its own default: `short` keeps INPUTS_SHORT, not the 7 of a git sha. */
const INPUTS_FILTERS: FilterDefaults = { short: INPUTS_SHORT };
/** What the digest is checked as at generation: 64 hex digits. */
const SAMPLE = 'a'.repeat(64);
export const INPUTS_SAMPLE = `sha256:${SAMPLE}`;

const VARIABLE: Variable = {
  key: INPUTS_PLACEHOLDER,
  env: INPUTS_PIECE,
  default: SAMPLE,
  description: 'The input digest of the image (bake-matrix hash).',
  origin: { file: '(built in)', pointer: '' },
};

/** Why {inputs} is refused outside a tag (and the hint), for scope.ts. */
export const INPUTS_ONLY_IN_TAGS = {
  reason: 'the input digest of the image is known only when it is built: it can be used in a tag only',
  hint: 'Use it in a `tags` entry, e.g. "{registry}/{framework}:{inputs|short}": run and ci render it (the committed bake file leaves such a tag out).',
};

/** A tag's scope: `{inputs}` and `{inputs|short}` are the digest; everything else as `scope` has it. */
export function withInputs(scope: Scope): Scope {
  return {
    get budget() {
      return scope.budget;
    },
    available: () => [...(scope.available?.() ?? []), INPUTS_PLACEHOLDER].sort(),
    lookup(p: PlaceholderPart): Lookup {
      if (p.arg || p.name !== INPUTS_PLACEHOLDER) return scope.lookup(p);
      if (p.attr) return { kind: 'error', code: 'bad-inputs-placeholder', reason: '{inputs} has no attributes', hint: 'Write {inputs} (64 hex digits) or {inputs|short} (the first 12).' };
      // Each filter is one of the shared ones (render.ts checked it, the number too): only short is taken here.
      if (p.filters.some((f) => filterName(f) !== 'short') || p.filters.length > 1) return { kind: 'error', code: 'bad-inputs-placeholder', reason: `{inputs} takes only the filter "short" (the first ${INPUTS_SHORT} hex digits; short:N the first N)`, hint: 'Write {inputs} (64 hex digits), {inputs|short} or {inputs|short:N}.' };
      if (p.optional) return { kind: 'error', code: 'bad-inputs-placeholder', reason: '{inputs} always has a value: it cannot be an optional segment', hint: 'Write the separator as text: "-{inputs|short}".' };
      return { kind: 'variable', variable: VARIABLE, source: { placeholder: p.raw, variable: INPUTS_PIECE, what: 'the input digest of the image' } };
    },
  };
}

/** Whether rendered pieces read the digest (a content tag). */
export const usesInputs = (pieces: readonly Piece[]): boolean => pieces.some((p) => 'runtime' in p && p.runtime?.env === INPUTS_PIECE);

/** A content tag's text: the digest (`sha256:` and 64 hex digits) in place of {inputs}, the variables at `values`. */
export function contentTagText(pieces: readonly Piece[], digest: string, values: RuntimeValues): string {
  const hex = digest.replace(/^sha256:/, '');
  return pieces.map((p) => ('runtime' in p && p.runtime?.env === INPUTS_PIECE ? applyFilters(hex, p.runtime.filters, INPUTS_FILTERS) : evaluatePieces([p], values))).join('');
}

/** A content tag as people read it before a digest is known: variables at `values`, {inputs} as written. */
export function contentTagShown(pieces: readonly Piece[], values: RuntimeValues): string {
  return pieces.map((p) => ('runtime' in p && p.runtime?.env === INPUTS_PIECE ? `{inputs${p.runtime.filters.map((f) => `|${f}`).join('')}}` : evaluatePieces([p], values))).join('');
}

/**
 * Where a content tag may hold {inputs}: in the tag after the repository (a
 * ":" written before it, and no "/" after that), so that the image's
 * repository does not change with its inputs. The reason, or undefined.
 */
export function inputsOutsideTag(template: string): string | undefined {
  const at = template.indexOf(`{${INPUTS_PLACEHOLDER}`);
  if (at < 0) return undefined;
  const before = template.slice(0, at);
  const colon = before.lastIndexOf(':');
  return colon < 0 || before.indexOf('/', colon) >= 0 ? `{inputs} must be in the tag, after the repository and its ":"` : undefined;
}
