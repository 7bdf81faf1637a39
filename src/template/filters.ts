// Filters on a placeholder: `{cuda.version|nodots}` -> 1291. Each filter
// applies to text known when the file is generated, and has an HCL form for
// run-time variables, built only from functions buildx v0.10 already has
// (bake/hclparser/stdlib.go): `{git_sha|short}` -> ${substr(GIT_SHA, 0, 7)}.

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
      { name: 'short', description: 'the first 7 characters (a short git sha)', apply: (t) => t.slice(0, 7), hcl: (e) => `substr(${e}, 0, 7)`, distinct: false },
    ] satisfies Filter[]
  ).map((f) => [f.name, f]),
);

export function applyFilters(text: string, filters: readonly string[]): string {
  let out = text;
  for (const name of filters) out = FILTERS.get(name)!.apply(out);
  return out;
}

export function filtersHcl(expr: string, filters: readonly string[]): string {
  let out = expr;
  for (const name of filters) out = FILTERS.get(name)!.hcl(out);
  return out;
}
