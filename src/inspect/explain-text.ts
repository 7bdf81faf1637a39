// explain as people read it: a header, then one aligned section per kind of value.
import { formatSource, type Derivation, type DroppedExplanation, type ExplainedSetting, type GroupExplanation, type TargetExplanation } from './explain.ts';
import { shown, table, wrapList } from './table.ts';

export function renderExplanation(e: TargetExplanation): string {
  const what = e.type === 'common' ? 'hidden target every target inherits' : e.type === 'layer' ? `layer "${e.layer}" of stage "${e.stage}"` : `stage "${e.stage}"`;
  const values = Object.entries(e.values).map(([axis, value]) => `${axis}=${value}`).join(' ');
  const out = [`${e.name}: ${e.platformOf ? `${e.platformOf.platform} of ${e.platformOf.target}, ` : ''}${what}${values ? `, ${values}` : ''}`, ''];
  const facts: string[][] = [['inherits', e.chain.slice(1).join(' -> ') || '-']];
  const build = [e.build.dockerfile, e.build.target && `target "${e.build.target}"`, e.build.context && `context ${e.build.context}`].filter(Boolean);
  if (build.length) facts.push(['build', build.join(', ')]);
  if (e.platforms.length) facts.push(['platforms', e.platforms.join(', ')]);
  if (e.layers.length) facts.push(['layers', e.layers.join(', ')]);
  if (e.type === 'layer') facts.push(['used by', wrapList(e.usedBy, 14)]);
  if (e.groups.length) facts.push(['groups', wrapList(e.groups, 14)]);
  out.push(...facts.map(([k, v]) => `  ${k!.padEnd(10)}  ${v}`));

  if (e.platformOf) out.push('', `tags: none; pushed by digest, \`bake-matrix manifest\` puts it under the tags of ${e.platformOf.target}`);
  if (e.tags.length) {
    const rows = e.tags.map((t) => [t.preview + (t.shared ? ' (shared: made by `bake-matrix manifest`, not pushed by bake)' : ''), t.value, formatSource(t.source)]);
    section(out, 'tags', withDerivations(table(rows, '  ').map((line, i) => ({ line, derived: e.tags[i]!.derived })), 4));
  }
  if (e.contexts.length) {
    const rows = e.contexts.map((c) => [c.name, c.value, c.kind === 'layer' ? `layer "${c.layer}" of stage "${c.stage}"` : c.kind === 'stage' ? `stage "${c.stage}"` : '', setOn(c.setIn, e.name)]);
    section(out, 'contexts (FROM <stage> uses another bake target)', table(rows, '  '));
  }
  if (e.args.length) section(out, 'args', settings(e.args, e.name));
  if (e.labels.length) section(out, 'labels', settings(e.labels, e.name));
  if (e.cacheFrom.length) section(out, 'cache-from (bake appends the ones of every target inherited)', table(e.cacheFrom.map((r) => [r.value, setOn(r.setIn, e.name)]), '  '));
  if (e.cacheTo.length) section(out, 'cache-to', table(e.cacheTo.map((r) => [r.value, setOn(r.setIn, e.name)]), '  '));
  if (e.variables.length) section(out, 'variables (an environment variable of the same name overrides the default)', table(e.variables.map((v) => [v.name, shown(v.default)]), '  '));
  return out.join('\n') + '\n';
}

function section(out: string[], title: string, lines: string[]) {
  out.push('', title, ...lines);
}

function settings(list: ExplainedSetting[], name: string): string[] {
  const rows = [['NAME', 'VALUE', 'WRITTEN AT', 'LEVEL', 'SET ON'], ...list.map((s) => [s.key, shown(s.value), formatSource(s.source), s.level, setOn(s.setIn, name)])];
  const lines = table(rows, '  ');
  return withDerivations([{ line: lines[0]!, derived: [] }, ...lines.slice(1).map((line, i) => ({ line, derived: list[i]!.derived }))], 4);
}

/** Each row, then one indented line per placeholder that produced part of its value. */
function withDerivations(rows: { line: string; derived: Derivation[] }[], indent: number): string[] {
  return rows.flatMap(({ line, derived }) => [
    line,
    ...derived.filter((d) => d.what !== `{${d.placeholder.slice(1, -1)}}`).map((d) => `${' '.repeat(indent)}${d.placeholder} <- ${d.what}${d.source ? ` (${formatSource(d.source)})` : ''}`),
  ]);
}

export function renderDropped(d: DroppedExplanation): string {
  const values = Object.entries(d.values).map(([axis, value]) => `${axis}=${value}`).join(', ') || 'no axes';
  return `${d.name} is not built: stage "${d.stage}" with ${values} is dropped, ${d.reason}${d.source ? ` (${formatSource(d.source)})` : ''}.\n`;
}

const setOn = (setIn: string, name: string) => (setIn === name ? 'here' : `inherited from ${setIn}`);

export function renderGroupExplanation(g: GroupExplanation): string {
  const where = g.source ? `, ${formatSource(g.source)}` : '';
  return [
    `${g.name} is a group (${g.why}${where}) of ${g.targets.length} target${g.targets.length === 1 ? '' : 's'}:`,
    ...g.targets.map((t) => `  ${t}`),
    '',
    `Explain one of them: bake-matrix explain ${g.targets[0] ?? '<target>'}`,
    '',
  ].join('\n');
}
