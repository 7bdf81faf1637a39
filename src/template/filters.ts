// Filters on a placeholder: `{cuda.version|nodots}` -> 1291. Each filter
// applies to text known when the file is generated, and has an HCL form for
// run-time variables, built only from functions buildx v0.10 already has
// (bake/hclparser/stdlib.go): `{git_sha|short}` -> ${substr(GIT_SHA, 0, 7)}.
// A filter may take a number: `{git_sha|short:12}` (filterFor reads it); a
// placeholder may give a filter its own default number (`{inputs|short}`: 12).

export interface Filter {
  name: string;
  description: string;
  apply(text: string): string;
  /** The HCL expression applying the filter to the expression `expr`. */
  hcl(expr: string): string;
  /**
   * Whether two different inputs giving one output is a mistake (12.8.1 and
   * 1.28.1 both `1281`). `major` folds 12.8 and 12.9 into 12 on purpose.
   */
  distinct: boolean;
}

const majorMinor = /^([^.]*(?:\.[^.]*)?).*$/s;

export const FILTERS: ReadonlyMap<string, Filter> = new Map(
  (
    [
      { name: 'nodots', description: 'drop the dots: 12.9.1 -> 1291', apply: (t) => t.replaceAll('.', ''), hcl: (e) => `regex_replace(${e}, "[.]", "")`, distinct: true },
      { name: 'major', description: 'up to the first dot: 12.9.1 -> 12', apply: (t) => t.split('.')[0]!, hcl: (e) => `regex_replace(${e}, "[.].*", "")`, distinct: false },
      { name: 'major_minor', description: 'up to the second dot: 12.9.1 -> 12.9', apply: (t) => t.replace(majorMinor, '$1'), hcl: (e) => `regex_replace(${e}, "^([^.]*([.][^.]*)?).*", "$1")`, distinct: false },
      { name: 'lower', description: 'lower case: Ubuntu -> ubuntu', apply: (t) => t.toLowerCase(), hcl: (e) => `lower(${e})`, distinct: true },
      { name: 'upper', description: 'upper case: cu129 -> CU129', apply: (t) => t.toUpperCase(), hcl: (e) => `upper(${e})`, distinct: true },
      { name: 'repository', description: 'the repository of an image reference: ghcr.io/x/app:1.0 -> ghcr.io/x/app', apply: (t) => t.replace(/@.*$/s, '').replace(/:[^:/]*$/, ''), hcl: (e) => `regex_replace(regex_replace(${e}, "@.*$", ""), ":[^:/]*$", "")`, distinct: false },
      { name: 'short', description: 'the first 7 characters (a short git sha); short:N the first N (1 to 64)', apply: (t) => t.slice(0, 7), hcl: (e) => `substr(${e}, 0, 7)`, distinct: false },
    ] satisfies Filter[]
  ).map((f) => [f.name, f]),
);

/** Filters that take a number after ":", with the range allowed. */
const WITH_LENGTH: ReadonlyMap<string, { min: number; max: number }> = new Map([['short', { min: 1, max: 64 }]]);

/** A placeholder's own default number for filters that take one, by filter name: `{ short: 12 }` makes its `short` keep 12. */
export type FilterDefaults = Readonly<Partial<Record<string, number>>>;

const NO_DEFAULTS: FilterDefaults = {};

/** The name of the filter a spec stands for, without its number: `short:12` -> `short`. */
export function filterName(spec: string): string {
  const colon = spec.indexOf(':');
  return colon < 0 ? spec : spec.slice(0, colon);
}

/**
 * The filter a `name` or `name:N` stands for (a bare `name` with the number `defaults` gives it,
 * if any); undefined: no such filter, or a number it does not take.
 */
export function filterFor(spec: string, defaults: FilterDefaults = NO_DEFAULTS): Filter | undefined {
  const name = filterName(spec);
  const range = WITH_LENGTH.get(name);
  if (name === spec) {
    const n = range ? defaults[name] : undefined;
    return n === undefined ? FILTERS.get(spec) : firstN(spec, n);
  }
  const digits = spec.slice(name.length + 1);
  if (!range || !/^[0-9]{1,3}$/.test(digits)) return undefined;
  const n = Number(digits);
  if (n < range.min || n > range.max) return undefined;
  return firstN(spec, n);
}

function firstN(name: string, n: number): Filter {
  return { name, description: `the first ${n} characters`, apply: (t) => t.slice(0, n), hcl: (e) => `substr(${e}, 0, ${n})`, distinct: false };
}

/** The filters a message lists. */
export const FILTER_NAMES = [...FILTERS.keys()].map((name) => (WITH_LENGTH.has(name) ? `${name}, ${name}:N` : name)).join(', ');

export function applyFilters(text: string, filters: readonly string[], defaults: FilterDefaults = NO_DEFAULTS): string {
  let out = text;
  for (const name of filters) out = filterFor(name, defaults)!.apply(out);
  return out;
}

export function filtersHcl(expr: string, filters: readonly string[]): string {
  let out = expr;
  for (const name of filters) out = filterFor(name)!.hcl(out);
  return out;
}
