// Entry point: dispatch to a command; map errors to exit codes. Only the
// caller (bin/bake-matrix.js) touches process.exitCode. Everything printed
// passes through printable(): no matrix value or file name reaches the
// terminal as a raw control character.
import { readFileSync } from 'node:fs';
import { formatProblems, problemsAsJson } from '../problems/format.ts';
import { printable } from '../problems/printable.ts';
import { UserError } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import { EXIT, processIo, type Command, type Io } from './io.ts';
import { swallowedByNpm } from './npm-swallowed.ts';
import { ReportedError } from './reported-error.ts';

/** Commands are loaded when called, so `generate` does not pay for `run`'s process handling. */
export const COMMANDS: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'init', summary: 'Start a matrix from your Dockerfile: bake-matrix.yaml, the package.json scripts, with --ci the CI pipeline', load: async () => (await import('./commands/init.ts')).initCommand },
  { name: 'generate', summary: 'Write the bake file(s) for the matrix', load: async () => (await import('./commands/generate.ts')).generateCommand },
  { name: 'check', summary: 'Fail when the committed bake files differ from what the matrix generates', load: async () => (await import('./commands/check.ts')).checkCommand },
  { name: 'run', summary: 'Generate the bake file, then `docker buildx bake` the given targets or groups', load: async () => (await import('./commands/run.ts')).runCommand },
  { name: 'list', summary: 'List the targets and groups the matrix generates (filter with --where axis=value)', load: async () => (await import('./commands/list.ts')).listCommand },
  { name: 'explain', summary: 'Show where every value of a target comes from: matrix file:line, inherited target', load: async () => (await import('./commands/explain.ts')).explainCommand },
  { name: 'ci', summary: 'Print the CI jobs that build a group natively per platform, in dependency levels (JSON for a workflow matrix)', load: async () => (await import('./commands/ci.ts')).ciCommand },
  { name: 'manifest', summary: 'Merge the per-platform images of targets or groups into multi-platform manifest lists under their final tags', load: async () => (await import('./commands/manifest.ts')).manifestCommand },
  { name: 'report', summary: 'Summarise a bake run per target (build time, cache hits, digest) from its --progress=plain log', load: async () => (await import('./commands/report.ts')).reportCommand },
  { name: 'hash', summary: 'Print the input digest (and content tag) of targets: what decides their image, for --skip-built', load: async () => (await import('./commands/hash.ts')).hashCommand },
  { name: 'graph', summary: 'Draw the build: targets, their target: links (parents, layers), tagged images and CI levels, as Mermaid or dot', load: async () => (await import('./commands/graph.ts')).graphCommand },
  { name: 'diff', summary: 'Compare two bake files, or the committed one with what the matrix generates now', load: async () => (await import('./commands/diff.ts')).diffCommand },
];

export async function main(argv: string[], rawIo: Io = processIo()): Promise<number> {
  const io: Io = { ...rawIo, stdout: (t) => rawIo.stdout(printable(t)), stderr: (t) => rawIo.stderr(printable(t)) };
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`bake-matrix: unknown command "${name}".${didYouMean(name, COMMANDS.map((c) => c.name))}\n\n${usage()}`);
    return EXIT.usage;
  }
  const json = args.includes('--json');
  try {
    const command = await entry.load();
    const swallowed = swallowedByNpm(command.name, Object.keys(command.options), args, io.env);
    if (swallowed) throw new UserError([swallowed]);
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof ReportedError) return e.exitCode;
    if (e instanceof UserError) {
      if (json) io.stdout(JSON.stringify({ problems: problemsAsJson(e.problems, []) }, null, 2) + '\n');
      else io.stderr(formatProblems(e.problems, []));
      return e.exitCode;
    }
    io.stderr(`bake-matrix: internal error, please report it with the command you ran:\n${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

/** The version in package.json, two folders up from src/cli/ and from dist/cli/ alike. */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'bake-matrix: expand a support matrix into a Docker Bake file, and bake it',
    '',
    'Usage: bake-matrix <command> [options]',
    '       bake-matrix --version',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `bake-matrix <command> --help` for its options and examples.',
    '',
  ].join('\n');
}
