// The template language: literal text with {placeholders}.
//
//   {cuda}                 an axis value, a built-in ({stage} {target} {matrix} {layer}),
//                          a run-time variable ({registry}) or a table ({base_image})
//   {cuda.version}         an attribute: a value's `vars`, or a column of a table
//   {cuda.version|nodots}  filters, applied left to right (filters.ts); {git_sha|short:12}: one with a number
//   {-cuda}  {cuda-}       an optional segment: "-cu129", or nothing when the
//                          axis does not apply to the cell or has its default value
//                          (a variable: when it is empty), or when the target does not
//                          vary over the axis. Separators: - _ . /
//   {-cuda!}               the same, but the default value is written too: nothing
//                          only where the axis does not apply
//   {arg:BASE_IMAGE}       the value of another arg of the same target
//   {{                     a literal "{" (a "}" is always literal)
//
// Text that looks like a placeholder but is not one ({Framework}, { cuda },
// {cuda|}, {git_sha|Short}, an unclosed {cuda) is an error (malformedPlaceholders),
// except right after a `$` or `%` (`${HOME}`, `%{if}`: shell and bake syntax,
// written as literal text). Anything else is literal text, braces included.

export interface PlaceholderPart {
  kind: 'placeholder';
  /** As written, braces included. */
  raw: string;
  /** An axis, built-in, variable or table name; for {arg:X}, the arg name X. */
  name: string;
  arg: boolean;
  attr?: string;
  filters: string[];
  /** An optional segment: the separators around the value, all left out when there is no value. */
  optional?: { before: string; after: string; keepDefault: boolean };
}

export type Part = { kind: 'literal'; text: string } | PlaceholderPart;

const PLACEHOLDER = /\{\{|\{([-_./]?)(?:(arg):([A-Za-z_][A-Za-z0-9_]*)|([a-z](?:[a-z0-9_]*[a-z0-9])?)(?:\.([a-z0-9_]*[a-z0-9]))?)((?:\|[a-z0-9_]+(?::[0-9]+)?)*)(!?)([-_./]?)\}/g;

const cache = new Map<string, Part[]>();

export function parseTemplate(text: string): Part[] {
  let parts = cache.get(text);
  if (parts) return parts;
  parts = [];
  let literal = '';
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    literal += text.slice(last, match.index);
    last = match.index! + match[0].length;
    if (match[0] === '{{') {
      literal += '{';
      continue;
    }
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
    const [raw, before, arg, argName, name, attr, filters, bang, after] = match;
    parts.push({
      kind: 'placeholder',
      raw: raw!,
      name: arg ? argName! : name!,
      arg: Boolean(arg),
      ...(attr ? { attr } : {}),
      filters: filters ? filters.slice(1).split('|') : [],
      ...(before || after ? { optional: { before: before!, after: after!, keepDefault: bang === '!' } } : {}),
    });
  }
  literal += text.slice(last);
  if (literal) parts.push({ kind: 'literal', text: literal });
  if (cache.size > 50_000) cache.clear();
  cache.set(text, parts);
  return parts;
}

export function placeholdersOf(text: string): PlaceholderPart[] {
  return parseTemplate(text).filter((p): p is PlaceholderPart => p.kind === 'placeholder');
}

/** Whether the text has any placeholder (a text without one renders as itself). */
export function hasPlaceholders(text: string): boolean {
  return text.includes('{') && parseTemplate(text).some((p) => p.kind === 'placeholder');
}

/** Text that looks like a placeholder but does not parse: `{Framework}`, `{ cuda }`, `{cuda|}`, `{cuda`. */
export interface MalformedPlaceholder {
  /** As written: from the `{` to its `}`, or to where the placeholder would end when there is none. */
  raw: string;
  /** Offset of the `{` in the text. */
  index: number;
  closed: boolean;
}

/**
 * What counts as "looks like a placeholder": between `{` and `}` (on one line,
 * no other `{` in between), a name made of letters, digits, `_` and `-`, with
 * optional spaces, separators, `arg:`, `.attributes`, `|filters` (maybe
 * empty) and `!`. `{}`, `{"a": 1}`, `{a,b}` and `{a b}` are literal text.
 */
const LOOSE = /^[ \t]*[-_./]?[ \t]*(?:args?[ \t]*:[ \t]*)?[A-Za-z_][A-Za-z0-9_-]*[ \t]*(?:\.[ \t]*[A-Za-z0-9_-]*[ \t]*)*(?:\|[ \t]*[A-Za-z0-9_-]*[ \t]*(?::[ \t]*[A-Za-z0-9_-]*[ \t]*)?)*!?[ \t]*[-_./]?[ \t]*$/i;

export function malformedPlaceholders(text: string): MalformedPlaceholder[] {
  if (!text.includes('{')) return [];
  const consumed: [number, number][] = [];
  for (const match of text.matchAll(PLACEHOLDER)) consumed.push([match.index!, match.index! + match[0].length]);
  const out: MalformedPlaceholder[] = [];
  let next = 0; // the first consumed range that may hold the current offset
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    while (next < consumed.length && consumed[next]![1] <= i) next++;
    if (next < consumed.length && consumed[next]![0] <= i) continue;
    const before = text[i - 1];
    if (before === '$' || before === '%') continue;
    let end = i + 1;
    while (end < text.length && !'{}\n\r'.includes(text[end]!)) end++;
    const closed = text[end] === '}';
    if (end - i > 200 || !LOOSE.test(text.slice(i + 1, end))) continue;
    out.push({ raw: text.slice(i, closed ? end + 1 : end), index: i, closed });
  }
  return out;
}
