// What each target of a bake run did, from its `--progress=plain` log and its
// `--metadata-file`: Dockerfile steps run and cached, seconds spent in its
// steps (cache import and export included), and its digest. For a CI job's
// step summary (`bake-matrix report`).
import type { TargetResult } from './metadata.ts';
import { isFailure, isInstruction, parsePlainProgress, stepTarget, type Step } from './plain-progress.ts';
import { formatDuration } from './summary.ts';
import { NAME } from '../plan/names.ts';

export interface TargetReport {
  target: string;
  /** Dockerfile instructions. */
  steps: number;
  cached: number;
  ran: number;
  /** Sum of the DONE times of its steps (they overlap when run in parallel). */
  seconds: number;
  failed: boolean;
  digest?: string;
}

export interface ProgressReport {
  targets: TargetReport[];
  steps: number;
  cached: number;
  failed: boolean;
}

export function progressReport(log: string, metadata: ReadonlyMap<string, TargetResult> | undefined): ProgressReport {
  const steps = parsePlainProgress(log);
  const names = new Set<string>([...(metadata?.keys() ?? [])].filter((k) => NAME.test(k)));
  // In a bake of several targets, instructions read `[<target> <stage> n/m]`.
  for (const s of steps) {
    const words = /^\[([^\]]*)\]/.exec(s.name)?.[1]?.split(' ') ?? [];
    // Only a word that can be a bake target name: the log is another job's output, and the name goes into Markdown.
    if (/ \d+\/\d+$/.test(words.join(' ')) && words.length >= 3 && NAME.test(words[0]!)) names.add(words[0]!);
  }
  const known = [...names];
  const byTarget = new Map<string, Step[]>(known.map((n) => [n, []]));
  // A bake of one target (and nothing linked) does not prefix its steps.
  const only = known.length === 1 ? known[0] : undefined;
  for (const s of steps) {
    const target = stepTarget(s, names) ?? only;
    if (target) byTarget.get(target)!.push(s);
  }
  const targets = [...byTarget.entries()].map(([target, own]): TargetReport => {
    const instructions = own.filter(isInstruction);
    const cached = instructions.filter((s) => s.cached).length;
    const digest = metadata?.get(target)?.digest;
    return {
      target,
      steps: instructions.length,
      cached,
      ran: instructions.filter((s) => s.done && !s.cached).length,
      seconds: Math.round(own.reduce((n, s) => n + s.seconds, 0) * 10) / 10,
      failed: own.some(isFailure),
      ...(digest ? { digest } : {}),
    };
  });
  const all = steps.filter(isInstruction);
  return { targets, steps: all.length, cached: all.filter((s) => s.cached).length, failed: steps.some(isFailure) };
}

const percent = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '-');

export function reportMarkdown(report: ProgressReport, title: string): string {
  return [
    `### ${title}`,
    '',
    `Cache hits: ${report.cached} of ${report.steps} Dockerfile steps (${percent(report.cached, report.steps)})${report.failed ? '; a step failed' : ''}.`,
    '',
    '| Target | Steps | Cached | Ran | Time in steps | Digest |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...report.targets.map((t) => `| \`${t.target}\`${t.failed ? ' (failed)' : ''} | ${t.steps} | ${t.cached} (${percent(t.cached, t.steps)}) | ${t.ran} | ${formatDuration(t.seconds)} | ${t.digest ? `\`${t.digest.slice(0, 19)}…\`` : '-'} |`),
    '',
    '',
  ].join('\n');
}

export function reportText(report: ProgressReport, title: string): string {
  const rows = [['target', 'steps', 'cached', 'ran', 'time'], ...report.targets.map((t) => [t.target + (t.failed ? ' (failed)' : ''), String(t.steps), String(t.cached), String(t.ran), formatDuration(t.seconds)])];
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0));
  return [`${title}: cache hits ${report.cached} of ${report.steps} Dockerfile steps (${percent(report.cached, report.steps)})`, ...rows.map((r) => '  ' + r.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '))].join('\n') + '\n';
}
