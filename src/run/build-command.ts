// The bake call as data: `docker buildx bake -f <generated> [-f <overlay>...]
// <names> <flags> [--metadata-file <temp>]`, built in a fixed order and never
// through a shell. The user's own `-f` files come after ours, so a
// hand-written overlay (ci.hcl) redefines or extends generated targets.
import type { RunArgs } from './run-args.ts';

export interface BakeCommand {
  /** The executable, as the user would type it. */
  command: 'docker';
  args: string[];
}

export function buildCommand(run: RunArgs, bakeFile: string, metadataFile?: string): BakeCommand {
  const overlays = run.flags.filter((f) => f.name === 'file' && f.value !== undefined).flatMap((f) => ['-f', f.value!]);
  const passed = run.flags.filter((f) => f.name !== 'file').flatMap((f) => f.raw);
  const metadata = metadataFile ? ['--metadata-file', metadataFile] : [];
  return { command: 'docker', args: ['buildx', 'bake', '-f', bakeFile, ...overlays, ...run.names, ...passed, ...metadata] };
}

/** POSIX shell quoting, for showing a command only: it is never run through a shell. */
export function shellQuote(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
