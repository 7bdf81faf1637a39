// Ctrl-C and SIGTERM reach buildx, the CLI waits for it, exits with its
// code, and leaves no process behind. Runs the real CLI as a child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeDocker, REPO, stackDir } from './fake-docker.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  describe(`${signal} during a build`, () => {
    test(`is forwarded to buildx once; the CLI exits ${code} after it, with no buildx left`, async () => {
      const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64', FAKE_DOCKER_WAIT: '1' });
      const cli = spawn(process.execPath, [join(REPO, 'bin/bake-matrix.js'), 'run', 'vllm-cu129'], { cwd: stackDir(), env: docker.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      cli.stderr.on('data', (d: Buffer) => (stderr += d));
      cli.stdout.resume();
      const exited = once(cli, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const deadline = Date.now() + 30_000;
      let waiting = docker.events().find((e) => e.event === 'waiting');
      while (!waiting) {
        assert.ok(Date.now() < deadline, `the stand-in buildx never started:\n${stderr}`);
        assert.equal(cli.exitCode, null, `the CLI exited before the build:\n${stderr}`);
        await sleep(50);
        waiting = docker.events().find((e) => e.event === 'waiting');
      }
      cli.kill(signal);
      const [exitCode, killedBy] = await exited;
      assert.equal(killedBy, null, 'the CLI exits by itself rather than dying of the signal');
      assert.equal(exitCode, code, stderr);
      assert.deepEqual(docker.events().filter((e) => e.event === 'signal').map((e) => e.signal), [signal]);
      assert.equal(alive(waiting.pid), false, 'no stand-in buildx process is left');
      assert.match(stderr, new RegExp(`vllm-cu129 interrupted by ${signal} \\(exit ${code}\\)`));
    });
  });
}
