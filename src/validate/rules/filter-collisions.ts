// A filter that should keep values apart (nodots, lower, upper) must not fold
// two values of an axis into one text: 12.8.1 and 1.28.1 both give 1281, and
// the two would share a tag, a name or a cache ref.
import { error, type Problem } from '../../problems/problem.ts';
import { applyFilters, filterFor, placeholdersOf } from '../../template/index.ts';
import type { Rule } from '../rules.ts';
import { templatesOf } from '../templates-of.ts';

export const filterCollisions: Rule = (m) => {
  const problems: Problem[] = [];
  const axes = new Map(m.axes.map((a) => [a.name, a]));
  const reported = new Set<string>();
  for (const template of templatesOf(m)) {
    for (const p of placeholdersOf(template.text)) {
      const axis = axes.get(p.name);
      if (!axis || p.arg || !p.filters.length || !p.filters.every((f) => filterFor(f)) || !p.filters.some((f) => filterFor(f)!.distinct)) continue;
      const seen = new Map<string, { value: string; input: string }>();
      for (const value of axis.values) {
        const input = p.attr ? value.vars[p.attr]?.text : value.name;
        if (input === undefined) continue;
        const output = applyFilters(input, p.filters);
        const earlier = seen.get(output);
        if (earlier && earlier.input !== input) {
          const key = `${template.origin.file}#${template.origin.pointer}#${p.raw}`;
          if (reported.has(key)) break;
          reported.add(key);
          problems.push(error('filter-collision', `${p.raw} in "${template.text}" gives "${output}" for both ${axis.name} "${earlier.value}" ("${earlier.input}") and "${value.name}" ("${input}"), so the two could not be told apart.`, {
            file: template.origin.file,
            pointer: template.origin.pointer,
            hint: p.attr ? `Give the values a \`vars\` entry that is distinct once filtered, or use {${p.name}.${p.attr}} without the filter.` : 'Rename one of the values, or drop the filter.',
          }));
          break;
        }
        seen.set(output, { value: value.name, input });
      }
    }
  }
  return problems;
};
