// The bake call as data: `docker buildx bake -f <generated> [-f <overlay>...]
// <names> <flags> [--metadata-file <temp>]`, built in a fixed order and never
// through a shell. The user's own `-f` files come after ours, so a
// hand-written overlay (ci.hcl) redefines or extends generated targets.
import { error, type Problem } from '../problems/problem.ts';
import type { RunArgs } from './run-args.ts';

export interface BakeCommand {
  /** The executable, as the user would type it. */
  command: 'docker';
  args: string[];
  /** Added to the environment buildx runs in (run/default-load.ts); shown before the command. */
  env: Record<string, string>;
}

/**
 * Names buildx would not read as names: one starting with "-" (after `--`, or from a CI
 * job's data) would be read as an option, and bake names are [a-zA-Z0-9_-] (globs aside).
 */
export function nameProblems(names: readonly string[]): Problem[] {
  return names
    .filter((name) => name.startsWith('-') || !/^[a-zA-Z0-9_*?[\]-]+$/.test(name))
    .map((name) => error('bad-name', `${JSON.stringify(name)} is not a target or group name${name.startsWith('-') ? ': buildx would read it as an option' : ''}.`, { hint: 'Target and group names are letters, digits, "_" and "-", and do not start with "-".' }));
}

export function buildCommand(run: RunArgs, bakeFile: string, metadataFile?: string, env: Record<string, string> = {}): BakeCommand {
  if (nameProblems(run.names).length) throw new Error(`internal: a name that is not a target name reached the bake argv: ${JSON.stringify(run.names)}`);
  const overlays = run.flags.filter((f) => f.name === 'file' && f.value !== undefined).flatMap((f) => ['-f', f.value!]);
  const passed = run.flags.filter((f) => f.name !== 'file').flatMap((f) => f.raw);
  const metadata = metadataFile ? ['--metadata-file', metadataFile] : [];
  return { command: 'docker', args: ['buildx', 'bake', '-f', bakeFile, ...overlays, ...run.names, ...passed, ...metadata], env };
}

/** The command as a shell line, its environment first (`BUILDX_NO_DEFAULT_LOAD=1 docker buildx bake ...`): for showing only. */
export function commandLine(c: BakeCommand): string {
  return shellQuote([...Object.entries(c.env).map(([k, v]) => `${k}=${v}`), c.command, ...c.args]);
}

/** POSIX shell quoting, for showing a command only: it is never run through a shell. */
export function shellQuote(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
