// diff as a reviewer reads it: `+ KEY=value`, `- KEY=value`, `~ KEY: old -> new`;
// targets with the very same changes are listed together.
import type { AttributeChange, BakeDiff, Rebuilds } from './diff.ts';
import { isEmpty } from './diff.ts';
import { shown, wrapList } from './table.ts';

export function renderDiff(d: BakeDiff, labels: { old: string; new: string }, rebuilds?: Rebuilds): string {
  const out = [`--- ${labels.old}`, `+++ ${labels.new}`];
  if (isEmpty(d)) return [...out, 'no differences', ''].join('\n');
  const { targets, groups, variables } = d;
  out.push(`targets: ${targets.added.length} added, ${targets.removed.length} removed, ${targets.changed.length} changed`);
  if (rebuilds?.targets.length) {
    const images = rebuilds.images.length;
    const pp = rebuilds.perPlatform.length ? ` and their ${rebuilds.perPlatform.length} per-platform targets` : '';
    section(out, `rebuilds: ${rebuilds.targets.length} target${rebuilds.targets.length === 1 ? '' : 's'}${pp} (changed, or built on one through inherits or a target: link); ${images} publish${images === 1 ? 'es' : ''} images`, [
      `  ${wrapList(rebuilds.targets, 2)}`,
      ...(images ? ['  images:', `    ${wrapList(rebuilds.images, 4)}`] : []),
    ]);
  }
  if (targets.added.length) section(out, 'added targets', targets.added.map((t) => `  + ${t}`));
  if (targets.removed.length) section(out, 'removed targets', targets.removed.map((t) => `  - ${t}`));
  if (targets.changed.length) {
    const blocks = new Map<string, string[]>();
    for (const t of targets.changed) {
      const text = t.changes.flatMap(attributeLines).join('\n');
      const names = blocks.get(text);
      if (names) names.push(t.name);
      else blocks.set(text, [t.name]);
    }
    const lines: string[] = [];
    for (const [text, names] of blocks) lines.push(`  ${wrapList(names, 2)}${names.length > 1 ? ` (${names.length} targets)` : ''}`, text);
    section(out, 'changed targets', lines);
  }
  const groupLines = [
    ...groups.added.map((g) => `  + ${g.name}: ${wrapList(g.targets, g.name.length + 6)}`),
    ...groups.removed.map((g) => `  - ${g.name}: ${wrapList(g.targets, g.name.length + 6)}`),
    ...groups.changed.flatMap((g) => [
      `  ~ ${g.name}`,
      ...g.added.map((t) => `      + ${t}`),
      ...g.removed.map((t) => `      - ${t}`),
      ...(g.reordered ? ['      ~ (order of the targets)'] : []),
    ]),
  ];
  if (groupLines.length) section(out, 'groups', groupLines);
  const variableLines = [
    ...variables.added.map((v) => `  + ${v.name}=${shown(v.default)}`),
    ...variables.removed.map((v) => `  - ${v.name}=${shown(v.default)}`),
    ...variables.changed.map((v) => `  ~ ${v.name}: ${shown(v.old)} -> ${shown(v.new)}`),
  ];
  if (variableLines.length) section(out, 'variables (defaults)', variableLines);
  return out.join('\n') + '\n';
}

function section(out: string[], title: string, lines: string[]) {
  out.push('', title, ...lines);
}

function attributeLines(c: AttributeChange): string[] {
  const head = `      `;
  switch (c.kind) {
    case 'map':
      return [
        `    ${c.attribute}`,
        ...Object.entries(c.added).map(([k, v]) => `${head}+ ${k}=${shown(v)}`),
        ...Object.entries(c.removed).map(([k, v]) => `${head}- ${k}=${shown(v)}`),
        ...Object.entries(c.changed).map(([k, v]) => `${head}~ ${k}: ${shown(v.old)} -> ${shown(v.new)}`),
      ];
    case 'list':
      return [
        `    ${c.attribute}`,
        ...c.added.map((v) => `${head}+ ${v}`),
        ...c.removed.map((v) => `${head}- ${v}`),
        ...(c.reordered ? [`${head}~ (order of the items)`] : []),
      ];
    case 'value':
      return [`    ~ ${c.attribute}: ${valueText(c.old)} -> ${valueText(c.new)}`];
  }
}

const valueText = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? shown(v) : JSON.stringify(v));
