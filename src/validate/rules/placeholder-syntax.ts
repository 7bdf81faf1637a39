// Text that looks like a placeholder but does not parse ({Framework}, { cuda },
// {cuda|}, {git_sha|Short}, {cuda.Version}, an unclosed {cuda) would be written
// out as literal text: an error at the `{`, with the placeholder meant.
import { error, type Problem } from '../../problems/problem.ts';
import { suggest } from '../../problems/suggest.ts';
import { BUILT_IN_PLACEHOLDERS, FILTERS, malformedPlaceholders, parseTemplate, type MalformedPlaceholder } from '../../template/index.ts';
import type { Matrix, Template } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';
import { templatesOf } from '../templates-of.ts';

const HINT = 'A placeholder is written without spaces, in lower case: {axis}, {axis.attribute}, {name|filter}, {-axis}, {arg:NAME} (see "Templates" in docs/format.md). For a literal "{", write "{{".';

export const placeholderSyntax: Rule = (m) => {
  const problems: Problem[] = [];
  let names: Names | undefined;
  for (const template of templatesOf(m)) {
    for (const bad of malformedPlaceholders(template.text)) {
      names ??= namesOf(m);
      problems.push(badPlaceholder(template, bad, names));
    }
  }
  return problems;
};

/** Whether a template holds text that looks like a placeholder but is not one (other rules leave it to this one). */
export const hasMalformedPlaceholders = (text: string): boolean => malformedPlaceholders(text).length > 0;

interface Names {
  /** Placeholder names: axes, variables, tables, built-ins. */
  names: string[];
  /** Name -> its attributes (vars of an axis's values, columns of a table). */
  attributes: Map<string, string[]>;
}

function namesOf(m: Matrix): Names {
  const attributes = new Map<string, string[]>();
  for (const a of m.axes) attributes.set(a.name, [...new Set(a.values.flatMap((v) => [...Object.keys(v.vars), ...Object.keys(v.lists ?? {})]))]);
  for (const t of m.tables) attributes.set(t.name, [...new Set([...t.entries.values()].flatMap((e) => ('text' in e.cell ? [] : Object.keys(e.cell))))]);
  return { names: [...BUILT_IN_PLACEHOLDERS, ...m.axes.map((a) => a.name), ...m.variables.map((v) => v.key), ...m.tables.map((t) => t.name)], attributes };
}

function badPlaceholder(template: Template, bad: MalformedPlaceholder, names: Names): Problem {
  const { reason, meant } = diagnose(bad, names);
  const occurrence = countBefore(template.text, bad.raw, bad.index);
  return error('bad-placeholder', `${bad.raw} in "${template.text.replace(/\r?\n/g, '\\n')}" looks like a placeholder but is not one: ${reason}.${meant ? ` Did you mean ${meant}?` : ''}`, {
    file: template.origin.file,
    pointer: template.origin.pointer,
    caret: { text: bad.raw, occurrence, length: template.text.length },
    hint: HINT,
  });
}

function countBefore(text: string, raw: string, index: number): number {
  let n = 0;
  for (let i = text.indexOf(raw); i !== -1 && i < index; i = text.indexOf(raw, i + 1)) n++;
  return n;
}

/** The parts of a loose placeholder, spaces dropped. */
interface Loose {
  before: string;
  arg?: string;
  name: string;
  attributes: string[];
  filters: string[];
  bang: boolean;
  after: string;
}

const SEPARATORS = '-_./';

function parseLoose(raw: string, closed: boolean): Loose {
  let inner = raw.slice(1, closed ? -1 : undefined).replace(/[ \t]+/g, '');
  let before = '';
  let after = '';
  if (SEPARATORS.includes(inner[0] ?? 'x')) (before = inner[0]!), (inner = inner.slice(1));
  const last = inner[inner.length - 1];
  if (last !== undefined && SEPARATORS.includes(last)) (after = last), (inner = inner.slice(0, -1));
  const hasBang = inner.endsWith('!');
  if (hasBang) inner = inner.slice(0, -1);
  const argMatch = /^(args?):/i.exec(inner);
  const arg = argMatch?.[1];
  if (argMatch) inner = inner.slice(argMatch[0].length);
  const [head = '', ...filters] = inner.split('|');
  const [name = '', ...attributes] = head.split('.');
  return { before, ...(arg !== undefined ? { arg } : {}), name, attributes, filters, bang: hasBang, after };
}

/** Why the text is not a placeholder, and the placeholder probably meant (when one is found that parses). */
function diagnose(bad: MalformedPlaceholder, known: Names): { reason: string; meant?: string } {
  const loose = parseLoose(bad.raw, bad.closed);
  const reasons: string[] = [];
  if (!bad.closed) reasons.push('it has no closing "}"');
  if (/[ \t]/.test(bad.raw)) reasons.push('a placeholder has no spaces');
  if (loose.arg !== undefined && loose.arg !== 'arg') reasons.push(`"${loose.arg}:" is written "arg:"`);
  const fixed: Loose = { ...loose, filters: [], attributes: loose.attributes.slice(0, 1) };
  if (loose.arg === undefined) {
    const name = pick(loose.name, known.names);
    const parts = loose.name.split('-');
    if (!name && parts.length > 1 && parts.every((p) => pick(p, known.names))) {
      const meant = parts.map((p) => `{${pick(p, known.names)}}`).join('-');
      return { reason: 'a name has no "-": write one placeholder per name', meant };
    }
    if (name !== loose.name) reasons.push(misnamed(loose.name, name, 'no axis, variable, table or built-in'));
    fixed.name = name ?? loose.name.toLowerCase();
    if (loose.attributes.length > 1) reasons.push('a placeholder has at most one attribute (one ".")');
    const attribute = loose.attributes[0];
    if (attribute === '') reasons.push('the attribute after "." is missing');
    else if (attribute !== undefined) {
      const fixedAttribute = pick(attribute, known.attributes.get(fixed.name) ?? []);
      if (fixedAttribute !== attribute) reasons.push(misnamed(attribute, fixedAttribute, `not an attribute of {${fixed.name}}`));
      fixed.attributes = [fixedAttribute ?? attribute.toLowerCase()];
    }
    if (fixed.attributes[0] === '') fixed.attributes = [];
  }
  for (const filter of loose.filters) {
    if (filter === '') {
      reasons.push('a filter name is missing after "|"');
      continue;
    }
    const name = pick(filter, FILTERS.keys());
    if (name !== filter) reasons.push(misnamed(filter, name, `not a filter (filters: ${[...FILTERS.keys()].join(', ')})`));
    fixed.filters.push(name ?? filter.toLowerCase());
  }
  if (!reasons.length) reasons.push('it does not follow the placeholder grammar');
  // Unclosed, a separator at the end is text after the placeholder: {framework-{cuda} -> {framework}-{cuda}.
  const trailing = bad.closed ? '' : fixed.after;
  if (!bad.closed) fixed.after = '';
  const placeholder = write(fixed);
  const parsed = parseTemplate(placeholder);
  const ok = parsed.length === 1 && parsed[0]!.kind === 'placeholder' && placeholder !== bad.raw;
  return { reason: [...new Set(reasons)].join('; '), ...(ok ? { meant: placeholder + trailing } : {}) };
}

/** Why `word` is not the name `known` (undefined: none close): a matter of case, or another name. */
function misnamed(word: string, known: string | undefined, otherwise: string): string {
  return known !== undefined && known.toLowerCase() === word.toLowerCase() ? 'names are case-sensitive' : `"${word}" is ${otherwise}`;
}

/** The known name `word` stands for: itself, the one equal but for case, or the nearest by spelling; undefined when none is close. */
function pick(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.includes(word)) return word;
  const lower = word.toLowerCase();
  const sameButCase = list.find((c) => c.toLowerCase() === lower);
  if (sameButCase) return sameButCase;
  return suggest(lower, list, 1)[0];
}

function write(p: Loose): string {
  const head = p.arg !== undefined ? `arg:${p.name}` : [p.name, ...p.attributes].join('.');
  return `{${p.before}${head}${p.filters.map((f) => `|${f}`).join('')}${p.bang ? '!' : ''}${p.after}}`;
}
