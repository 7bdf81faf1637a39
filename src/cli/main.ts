// Entry point: dispatch to a command; map errors to exit codes. Only the
// caller (bin/bake-matrix.js) touches process.exitCode.
import { UserError } from '../problems/problem.ts';
import { formatProblems } from '../problems/format.ts';
import { didYouMean } from '../problems/suggest.ts';
import { checkCommand } from './commands/check.ts';
import { diffCommand } from './commands/diff.ts';
import { explainCommand } from './commands/explain.ts';
import { generateCommand } from './commands/generate.ts';
import { listCommand } from './commands/list.ts';
import { runCommand } from './commands/run.ts';
import { EXIT, processIo, type Command, type Io } from './io.ts';
import { ReportedError } from './pipeline.ts';

export const COMMANDS: Command[] = [generateCommand, checkCommand, runCommand, listCommand, explainCommand, diffCommand];

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`bake-matrix: unknown command "${name}".${didYouMean(name, COMMANDS.map((c) => c.name))}\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof ReportedError) return e.exitCode;
    if (e instanceof UserError) {
      io.stderr(formatProblems(e.problems, []));
      return e.exitCode;
    }
    io.stderr(`bake-matrix: internal error, please report it with the command you ran:\n${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'bake-matrix: expand a support matrix into a Docker Bake file, and bake it',
    '',
    'Usage: bake-matrix <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `bake-matrix <command> --help` for its options.',
    '',
  ].join('\n');
}
