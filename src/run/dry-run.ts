// `run --dry-run`: the exact command and what it would build, without docker.
import { commandLine, type BakeCommand } from './build-command.ts';
import type { Selection } from './select-targets.ts';

export function dryRunText(command: BakeCommand, selection: Selection, overlays: readonly string[], inlined: readonly string[] = []): string {
  const inside = new Set(inlined);
  const rows = [
    ...selection.targets.map((t) => ({ name: t.name, platforms: t.platforms, note: t.requestedAs.some((r) => r !== t.name) ? `from ${t.requestedAs.join(', ')}` : '' })),
    ...selection.linked.map((t) => ({ name: t.name, platforms: t.platforms, note: `linked by ${t.linkedBy.join(', ')} (${inside.has(t.name) ? 'built inside them' : 'target: context'})` })),
  ];
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  const platformWidth = Math.max(0, ...rows.map((r) => platformsText(r.platforms).length));
  const row = (r: (typeof rows)[number], mark: string) => `  ${mark} ${r.name.padEnd(width)}  ${platformsText(r.platforms).padEnd(platformWidth)}  ${r.note}`.trimEnd();
  const lines = [
    commandLine(command),
    '',
    `Would build ${selection.targets.length} target${selection.targets.length === 1 ? '' : 's'}, and ${selection.linked.length} linked target${selection.linked.length === 1 ? '' : 's'} (built for their consumers, not exported):`,
    ...rows.slice(0, selection.targets.length).map((r) => row(r, '*')),
    ...rows.slice(selection.targets.length).map((r) => row(r, '+')),
  ];
  if (inside.size) lines.push('', 'A linked target "built inside them" is no build of its own: the targets that are built and link it build the same stages, with the same args, themselves (--keep-links keeps it a build of its own).');
  if (overlays.length) lines.push('', `Overlays ${overlays.join(', ')} may redefine these targets or add others; the list above is from the generated file only.`);
  lines.push('', 'Nothing was run (--dry-run).', '');
  return lines.join('\n');
}

export function dryRunJson(command: BakeCommand, selection: Selection, inlined: readonly string[] = []): object {
  return {
    command: [command.command, ...command.args],
    ...(Object.keys(command.env).length ? { env: command.env } : {}),
    display: commandLine(command),
    targets: selection.targets,
    linked: selection.linked,
    inlined,
  };
}

function platformsText(platforms: readonly string[]): string {
  return platforms.join(', ') || '(builder default)';
}
