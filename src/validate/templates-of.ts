// Every template a resolved matrix holds, with where it was written.
import type { CacheSpec, Matrix, OutputSpec, Settings, Template } from '../types/matrix.ts';

export function templatesOf(m: Matrix): Template[] {
  const out: Template[] = [];
  const settings = (s: Settings) => out.push(...Object.values(s));
  const cache = (c: CacheSpec | null) => c && out.push(...[c.ref, c.gha].filter((t) => t !== undefined), ...[...c.fallback, ...c.to].map((e) => e.template));
  const output = (o: OutputSpec[] | undefined) => o?.forEach((e) => e.options.forEach(({ value }) => typeof value === 'object' && out.push(value)));
  settings(m.args);
  settings(m.labels);
  for (const axis of m.axes) for (const v of axis.values) (settings(v.args), settings(v.labels));
  for (const table of m.tables) for (const e of table.entries.values()) out.push(...('text' in e.cell ? [e.cell as Template] : Object.values(e.cell)));
  for (const o of m.overrides) {
    settings(o.args);
    settings(o.labels);
    out.push(...o.tags.map((t) => t.template));
    if (o.from) out.push(o.from.image);
    settings(o.annotations);
    output(o.output);
  }
  for (const s of m.stages) {
    settings(s.args);
    settings(s.labels);
    settings(s.contexts);
    out.push(s.name, s.dockerfile, s.context, ...s.tags.map((t) => t.template));
    if (s.fromImage) out.push(s.fromImage.image);
    if (s.targetTemplate) out.push(s.targetTemplate);
    settings(s.annotations);
    output(s.output);
    for (const l of s.layers) (out.push(l.name), settings(l.args));
    cache(s.cache);
  }
  for (const g of m.groups) if (g.kind === 'template') out.push(g.template);
  cache(m.cache);
  const seen = new Set<string>();
  return out.filter((t) => {
    const key = `${t.origin.file}#${t.origin.pointer}#${t.text}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}
