// The module that spawns docker (node:child_process; argv only, never a shell).
// Not execa: loading execa's 130 modules took 0.1-0.2 s of every `run` before
// buildx could start (docs/internals.md, "Where a run's time goes"), for what
// these two functions need of it. The environment and the PATH come from the
// caller's Io, so tests can put a stand-in docker first on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { constants as os } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';

export interface Captured {
  /** undefined when the process could not start, timed out or died by a signal. */
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** Why it has no exit code: spawn error, timeout or signal, in words. */
  failure?: string;
}

export interface Finished {
  /** The child's exit code, or 128 + the number of the signal that ended it. */
  exitCode: number;
  /** The first signal this process received and forwarded while the child ran. */
  forwarded?: NodeJS.Signals;
}

export interface Runner {
  /** Runs `file args` with output captured, for short queries (`buildx version`). */
  capture(args: readonly string[], timeoutMs: number): Promise<Captured>;
  /** Runs `file args` on this terminal, forwarding SIGINT/SIGTERM/SIGHUP, until it exits; `extraEnv` is added to the environment. */
  inherit(args: readonly string[], extraEnv?: Readonly<Record<string, string>>): Promise<Finished>;
}

/** The executable `command` on `env.PATH`, as the shell would find it; undefined when absent. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d && isAbsolute(d));
  for (const dir of dirs) {
    const path = join(dir, command);
    try {
      if (!statSync(path).isFile()) continue;
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here, or not executable
    }
  }
  return undefined;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** A Ctrl-C reaches the child from the terminal and often again through `npm run`: one forward per burst. */
const DUPLICATE_WINDOW_MS = 500;
/** A captured query that prints more than this is stopped (the answers read are a few kB). */
export const CAPTURE_MAX_BYTES = 16 * 1024 * 1024;
/** After a timeout's SIGTERM, SIGKILL if the query is still there. */
const KILL_AFTER_MS = 2000;

/** Kills `child` if this process exits first (as execa's `cleanup` did): no docker is left behind. */
function killOnExit(child: ChildProcess): () => void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  process.on('exit', kill);
  return () => process.off('exit', kill);
}

/** Text from a stream's chunks, without one final newline (what the callers parse was written as a line). */
function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function createRunner(file: string, cwd: string, env: NodeJS.ProcessEnv): Runner {
  return {
    capture(args, timeoutMs) {
      return new Promise((resolvePromise) => {
        const child = spawn(file, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const forget = killOnExit(child);
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let bytes = 0;
        let failure: string | undefined;
        let killer: NodeJS.Timeout | undefined;
        const stop = (why: string) => {
          failure ??= why;
          child.kill('SIGTERM');
          killer ??= setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        };
        const take = (into: Buffer[]) => (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > CAPTURE_MAX_BYTES) return stop(`printed more than ${CAPTURE_MAX_BYTES / 1024 / 1024} MiB`);
          into.push(chunk);
        };
        child.stdout!.on('data', take(out));
        child.stderr!.on('data', take(err));
        const timer = setTimeout(() => stop(`did not answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
        let spawnError: Error | undefined;
        child.on('error', (e) => (spawnError ??= e));
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (killer) clearTimeout(killer);
          forget();
          const result = { stdout: text(out), stderr: text(err) };
          if (spawnError && child.pid === undefined) resolvePromise({ ...result, failure: `could not start: ${spawnError.message}` });
          else if (failure) resolvePromise({ ...result, failure });
          else if (code === null) resolvePromise({ ...result, failure: `was killed by ${signal ?? 'a signal'}` });
          else resolvePromise({ ...result, exitCode: code });
        });
      });
    },
    inherit(args, extraEnv) {
      // No kill after a delay: buildx gets all the time it needs to cancel cleanly; it is
      // still killed if this process exits first.
      return new Promise((resolvePromise) => {
        const child = spawn(file, [...args], { cwd, env: extraEnv ? { ...env, ...extraEnv } : env, stdio: 'inherit' });
        const forget = killOnExit(child);
        let forwarded: NodeJS.Signals | undefined;
        let last = { signal: '', at: 0 };
        const forward = (signal: NodeJS.Signals) => {
          const now = Date.now();
          forwarded ??= signal;
          if (last.signal === signal && now - last.at < DUPLICATE_WINDOW_MS) return;
          last = { signal, at: now };
          child.kill(signal);
        };
        for (const s of FORWARDED) process.on(s, forward);
        let spawnError: Error | undefined;
        child.on('error', (e) => (spawnError ??= e));
        child.on('close', (code, signal) => {
          for (const s of FORWARDED) process.off(s, forward);
          forget();
          // A docker that could not start (removed since it was found): exit 127, as a shell says it.
          const exitCode = spawnError && child.pid === undefined ? 127 : code ?? (signal ? 128 + (os.signals[signal] ?? 0) : 1);
          resolvePromise({ exitCode, ...(forwarded ? { forwarded } : {}) });
        });
      });
    },
  };
}
