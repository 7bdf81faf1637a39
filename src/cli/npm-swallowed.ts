// `npm run bake vllm-cu129 --dry-run` (the `--` forgotten): npm takes every
// flag before `--` for its own configuration, so `--dry-run` never reaches
// bake-matrix and a real build would start. npm passes such a flag on as the
// environment variable npm_config_<name> (`--push` -> npm_config_push=true,
// `--matrix m` -> npm_config_matrix=true and "m" as a name). Under an npm
// script, a flag the command knows found there is refused before anything runs.
import { error, type Problem } from '../problems/problem.ts';
import { BAKE_FLAGS } from '../run/run-args.ts';
import type { Io } from './io.ts';

/** npm's own short flags that swallow one of ours: `-f` is npm's --force. */
const NPM_SHORT: Record<string, string> = { force: '-f' };

/** The flags of `command` that npm took for itself, as one problem; undefined when none (or not under npm). */
export function swallowedByNpm(command: string, options: readonly string[], args: readonly string[], env: Io['env']): Problem | undefined {
  if (!env.npm_lifecycle_event) return undefined;
  const names = new Set([...options, ...(command === 'run' ? BAKE_FLAGS.map((f) => f.name) : [])]);
  const found: string[] = [];
  for (const name of names) {
    const value = env[`npm_config_${name.replace(/-/g, '_')}`];
    const given = args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (value !== undefined && value !== '' && value !== 'false' && !given) found.push(`--${name}`);
  }
  for (const [npmName, flag] of Object.entries(NPM_SHORT)) {
    if (command === 'run' && env[`npm_config_${npmName}`] === 'true') found.push(`${flag} (npm reads it as --${npmName})`);
  }
  if (found.length === 0) return undefined;
  const script = env.npm_lifecycle_event;
  const flags = found.map((f) => f.split(' ')[0]).join(' ');
  return error('npm-took-flags', `npm took ${found.join(', ')} for itself: ${found.length === 1 ? 'it' : 'they'} never reached bake-matrix (npm passed ${found.length === 1 ? 'it' : 'them'} on as npm_config_* variables), so nothing was run.`, {
    hint: `Put \`--\` before the flags meant for bake-matrix: \`npm run ${script} -- ${[...args, flags].join(' ')}\`. If your .npmrc sets one of them, remove it there, or call \`npx bake-matrix ${command} ...\` directly.`,
  });
}
