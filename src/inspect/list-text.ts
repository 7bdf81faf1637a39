// list as people read it: one aligned table of targets, one of groups.
import type { Listing, Where } from './list.ts';
import { table, wrapList } from './table.ts';

export function renderListing(listing: Listing): string {
  const { targets, groups } = listing;
  const axes = listing.axes.filter((axis) => targets.some((t) => t.values[axis] !== undefined));
  const out: string[] = [];
  if (targets.length) {
    const perPlatform = listing.perPlatform !== undefined;
    const rows = [['TARGET', 'KIND', 'STAGE', ...axes.map((a) => a.toUpperCase()), 'PLATFORMS', ...(perPlatform ? ['PER-PLATFORM'] : []), 'INHERITS', 'TAGS']];
    for (const t of targets) {
      rows.push([
        t.name,
        t.kind,
        t.layer ? `${t.stage}.${t.layer}` : t.stage,
        ...axes.map((a) => t.values[a] ?? '-'),
        t.platforms.join(',') || '-',
        ...(perPlatform ? [suffixes(t.name, t.perPlatform)] : []),
        t.inherits.join(',') || '-',
        [...t.tags.flatMap((tag) => (tag.preview ? [tag.shared ? `${tag.preview} (shared)` : tag.preview] : [])), ...(t.contentTags ?? []).map((c) => `${c} (content)`)].join(', ') || '-',
      ]);
    }
    out.push(...table(rows));
  }
  if (groups.length) {
    if (out.length) out.push('');
    const width = Math.max('GROUP'.length, ...groups.map((g) => g.name.length));
    out.push(`${'GROUP'.padEnd(width)}  TARGETS`);
    for (const g of groups) {
      const shownMembers = g.matching ?? g.targets;
      const more = g.targets.length - shownMembers.length;
      const members = more ? [...shownMembers.slice(0, -1), `${shownMembers.at(-1)} (+${more} more)`] : shownMembers;
      out.push(`${g.name.padEnd(width)}  ${wrapList(members, width + 2)}`);
    }
  }
  if (out.length) out.push('');
  out.push(summary(listing));
  return out.join('\n') + '\n';
}

/** The per-platform targets of a target, as the suffixes of its name: `-amd64 -arm64`. */
function suffixes(name: string, perPlatform: Record<string, string> | undefined): string {
  const names = Object.values(perPlatform ?? {});
  return names.length ? names.map((n) => (n.startsWith(name) ? n.slice(name.length) : n)).join(' ') : '-';
}

function summary({ targets, groups, total, where, perPlatform }: Listing): string {
  const stages = targets.filter((t) => t.kind === 'stage').length;
  const counted = `${plural(targets.length, 'target')} (${plural(stages, 'stage')}, ${plural(targets.length - stages, 'layer')})`;
  const besides = perPlatform ? `; besides, per platform (ci:): ${plural(perPlatform.targets, 'target')} and ${plural(perPlatform.groups, 'group')}, named <name>-<arch>` : '';
  if (Object.keys(where).length === 0) return `${counted}, ${plural(groups.length, 'group')}${besides}`;
  return `${counted} of ${total.targets} match ${describeWhere(where)}; ${groups.length} of ${plural(total.groups, 'group')} hold one${besides}`;
}

export function describeWhere(where: Where): string {
  return Object.entries(where)
    .map(([axis, values]) => `${axis}=${values.join('|')}`)
    .join(' ');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
