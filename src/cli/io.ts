// What a command may touch: its streams, working directory and environment.
// Tests pass their own; only main.ts's caller touches the real process.
import type { Options } from './options.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Every option the command takes (the parser's table); `--help` lists them all. */
  options: Options;
  examples: string[];
  /** More help after the examples. */
  details?: string;
  /** Help for options that mean something of their own here (else the shared table in options.ts). */
  optionHelp?: Record<string, { arg?: string; text: string }>;
  run(args: string[], io: Io): Promise<number>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}
