// The only module that spawns processes (execa 9, loaded when first used; argv only, never a shell).
// The environment and the PATH come from the caller's Io, so tests can put a
// stand-in docker first on PATH.
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
  /** Runs `file args` on this terminal, forwarding SIGINT/SIGTERM/SIGHUP, until it exits. */
  inherit(args: readonly string[]): Promise<Finished>;
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

export function createRunner(file: string, cwd: string, env: NodeJS.ProcessEnv): Runner {
  const base = { cwd, env, extendEnv: false, reject: false } as const;
  return {
    async capture(args, timeoutMs) {
      const { execa } = await import('execa');
      const r = await execa(file, [...args], { ...base, stdin: 'ignore', timeout: timeoutMs, forceKillAfterDelay: 2000 });
      const out = { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
      if (r.timedOut) return { ...out, failure: `did not answer within ${Math.round(timeoutMs / 1000)} s` };
      if (r.exitCode === undefined) return { ...out, failure: r.signal ? `was killed by ${r.signal}` : r.shortMessage ?? 'could not start' };
      return { ...out, exitCode: r.exitCode };
    },
    async inherit(args) {
      // forceKillAfterDelay: false, so buildx gets all the time it needs to cancel cleanly;
      // cleanup (the default) still kills it if this process exits first.
      const { execa } = await import('execa');
      const child = execa(file, [...args], { ...base, stdio: 'inherit', forceKillAfterDelay: false });
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
      try {
        const r = await child;
        const code = r.exitCode ?? (r.signal ? 128 + (os.signals[r.signal] ?? 0) : 1);
        return { exitCode: code, ...(forwarded ? { forwarded } : {}) };
      } finally {
        for (const s of FORWARDED) process.off(s, forward);
      }
    },
  };
}
