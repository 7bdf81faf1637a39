// One fuzz case: write the project, run `generate` on it, and when that
// succeeds, `check` (which must find the files current: generation is
// deterministic) and, for some cases, `list` and `explain`; or a command-input
// case's commands (command-inputs.ts). In-process
// (main() with captured streams) or as real CLI processes (--spawn).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { Project } from './corpus.ts';

export interface CommandResult {
  argv: string[];
  /** The exit code; 'signal:<name>' when a spawned CLI was killed. */
  code: number | string;
  ms: number;
  stderr: string;
  /** The exit codes it may end with, when not those of ALLOWED (command inputs, command-inputs.ts). */
  allowed?: number[];
}

/** Exit codes a command may end with on any input (check: 1 = stale). */
export const ALLOWED: Record<string, readonly number[]> = { generate: [0, 2], check: [0], list: [0, 2], explain: [0, 2] };

export function writeProject(dir: string, files: Project): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true }); // a mutant may have no file left: the project is then an empty folder
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
}

export type Runner = (argv: string[], dir: string) => Promise<CommandResult>;

export const inProcess: Runner = async (argv, dir) => {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir, env: { PATH: process.env.PATH } });
  return { argv, code, ms: performance.now() - started, stderr: tail(stderr), ...(argv[0] === 'list' ? { listing: stdout } : {}) } as CommandResult;
};

export function spawned(bin: string, timeoutMs: number): Runner {
  return async (argv, dir) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [bin, ...argv], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
    const code = r.signal ? `signal:${r.signal}` : r.status ?? `not started: ${(r.error as NodeJS.ErrnoException | undefined)?.code ?? r.error?.message ?? 'unknown'}`;
    return { argv, code, ms: performance.now() - started, stderr: tail(r.stderr ?? '') };
  };
}

const tail = (s: string) => (s.length > 4000 ? '...' + s.slice(-4000) : s);

/** Runs the commands of a command-input case, each on what the case wrote. */
export async function runCommands(dir: string, files: Project, run: Runner, commands: readonly { argv: string[]; allowed: number[] }[]): Promise<CommandResult[]> {
  writeProject(dir, files);
  const results: CommandResult[] = [];
  for (const c of commands) results.push({ ...(await run(c.argv, dir)), allowed: c.allowed });
  return results;
}

/** Runs the commands of one case; `pick` chooses which extra commands run after a successful generate. */
export async function runCase(dir: string, files: Project, run: Runner, extras: boolean): Promise<CommandResult[]> {
  writeProject(dir, files);
  const results = [await run(['generate'], dir)];
  if (results[0]!.code !== 0) return results;
  results.push(await run(['check'], dir));
  if (extras) {
    const listed = await run(['list', '--json'], dir);
    results.push(listed);
    const name = firstTarget((listed as CommandResult & { listing?: string }).listing);
    if (name) results.push(await run(['explain', name], dir));
  }
  return results;
}

function firstTarget(listing: string | undefined): string | undefined {
  try {
    return (JSON.parse(listing ?? '') as { targets: { name: string }[] }).targets.at(-1)?.name;
  } catch {
    return undefined;
  }
}

/** Why a command's result is a failure, or undefined when it is fine. */
export function failureOf(r: CommandResult): string | undefined {
  const allowed = r.allowed ?? ALLOWED[r.argv[0]!] ?? [0, 2];
  if (typeof r.code === 'string') return `${r.argv.join(' ')}: ${r.code}`;
  if (r.code === 70) return `${r.argv.join(' ')}: internal error (exit 70)`;
  if (!allowed.includes(r.code)) return `${r.argv.join(' ')}: exit ${r.code} (expected ${allowed.join(' or ')})`;
  return undefined;
}
