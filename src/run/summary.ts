// What a run built: each requested target, its platforms and image digest,
// and the wall time; as text for the terminal, Markdown for
// $GITHUB_STEP_SUMMARY, and data for --json.
import type { TargetResult } from './metadata.ts';
import type { SelectedTarget } from './select-targets.ts';

export interface RunSummary {
  names: string[];
  command: string;
  exitCode: number;
  signal?: string;
  seconds: number;
  targets: { name: string; platforms: string[]; digest?: string; images: string[] }[];
}

/** `others`: targets only the metadata names (defined by an overlay); their platforms are unknown. */
export function summarize(input: { names: string[]; command: string; exitCode: number; signal?: string; seconds: number; targets: readonly SelectedTarget[]; others?: readonly string[]; metadata: Map<string, TargetResult> | undefined }): RunSummary {
  return {
    names: input.names,
    command: input.command,
    exitCode: input.exitCode,
    ...(input.signal ? { signal: input.signal } : {}),
    seconds: input.seconds,
    targets: [...input.targets, ...(input.others ?? []).filter((n) => !input.targets.some((t) => t.name === n)).map((name) => ({ name, platforms: [] }))].map((t) => {
      const result = input.metadata?.get(t.name);
      return { name: t.name, platforms: t.platforms, ...(result?.digest ? { digest: result.digest } : {}), images: result?.images ?? [] };
    }),
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${m}m ${s % 60}s` : `${m}m ${s % 60}s`;
}

function outcome(s: RunSummary): string {
  if (s.signal) return `interrupted by ${s.signal} (exit ${s.exitCode})`;
  return s.exitCode === 0 ? 'succeeded' : `failed (exit ${s.exitCode})`;
}

export function summaryText(s: RunSummary): string {
  const rows = s.targets.map((t) => [t.name, t.platforms.join(',') || '(builder default)', t.digest ?? '-']);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), i === 0 ? 6 : 9));
  const line = (r: string[]) => `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`.trimEnd();
  return [
    `bake-matrix: ${s.names.join(' ') || 'default'} ${outcome(s)} in ${formatDuration(s.seconds)}`,
    line(['target', 'platforms', 'digest']),
    ...rows.map(line),
    '',
  ].join('\n');
}

export function summaryMarkdown(s: RunSummary): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `### bake-matrix: \`${s.names.join(' ') || 'default'}\` ${outcome(s)} in ${formatDuration(s.seconds)}`,
    '',
    '| Target | Platforms | Digest | Images |',
    '| --- | --- | --- | --- |',
    ...s.targets.map((t) => `| \`${t.name}\` | ${cell(t.platforms.join(', ') || 'builder default')} | ${t.digest ? `\`${t.digest}\`` : '-'} | ${t.images.map((i) => `\`${cell(i)}\``).join('<br>') || '-'} |`),
    '',
    `Command: \`${s.command}\``,
    '',
    '',
  ].join('\n');
}
