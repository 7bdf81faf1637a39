// The runner on real processes (node itself as the program): what a captured
// query returns, how it fails, and what inherit() hands back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CAPTURE_MAX_BYTES, createRunner } from '../../src/run/runner.ts';
import { testdir } from '../helpers/testdir.ts';

const node = (dir: string, env: NodeJS.ProcessEnv = {}) => createRunner(process.execPath, dir, { PATH: process.env.PATH, ...env });

describe('capture', () => {
  const cases: { name: string; script: string; timeoutMs?: number; want: { exitCode?: number; stdout?: string; stderr?: string; failure?: RegExp } }[] = [
    { name: 'exit code and output, one final newline dropped', script: "process.stdout.write('a\\nb\\n\\n'); process.stderr.write('warn\\n'); process.exitCode = 3", want: { exitCode: 3, stdout: 'a\nb\n', stderr: 'warn' } },
    { name: 'CRLF output: the final CRLF dropped', script: "process.stdout.write('v1\\r\\n')", want: { exitCode: 0, stdout: 'v1' } },
    { name: 'UTF-8 split across chunks is decoded whole', script: "const b = Buffer.from('é'); process.stdout.write(b.subarray(0, 1)); setTimeout(() => process.stdout.write(b.subarray(1)), 50)", want: { exitCode: 0, stdout: 'é' } },
    { name: 'no answer in time: stopped, with the reason and no exit code', script: 'setTimeout(() => {}, 60_000)', timeoutMs: 300, want: { failure: /^did not answer within 0 s$/ } },
    { name: 'killed by a signal', script: "process.kill(process.pid, 'SIGKILL')", want: { failure: /^was killed by SIGKILL$/ } },
    { name: 'more output than a query prints: stopped', script: `process.stdout.write(Buffer.alloc(${CAPTURE_MAX_BYTES + 1024}, 97))`, timeoutMs: 60_000, want: { failure: /^printed more than 16 MiB$/ } },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await node(testdir({})).capture(['-e', c.script], c.timeoutMs ?? 30_000);
      assert.equal(r.exitCode, c.want.exitCode, JSON.stringify({ ...r, stdout: r.stdout.slice(0, 200) }));
      if (c.want.stdout !== undefined) assert.equal(r.stdout, c.want.stdout);
      if (c.want.stderr !== undefined) assert.equal(r.stderr, c.want.stderr);
      if (c.want.failure) assert.match(r.failure ?? '', c.want.failure);
      else assert.equal(r.failure, undefined);
    });
  }

  test('runs in the given folder with exactly the given environment', async () => {
    const dir = testdir({});
    const r = await node(dir, { ONLY: 'this' }).capture(['-e', "console.log(process.cwd(), Object.keys(process.env).filter((k) => k !== 'PATH').join(','))"], 30_000);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^\\S*${dir.split('/').at(-1)} ONLY$`));
  });

  test('a program that cannot start: the reason, no exit code', async () => {
    const dir = testdir({});
    const r = await createRunner(join(dir, 'no-such-docker'), dir, {}).capture(['version'], 30_000);
    assert.equal(r.exitCode, undefined);
    assert.match(r.failure ?? '', /^could not start: .*ENOENT/);
  });
});

describe('inherit', () => {
  test('adds the extra environment, returns the exit code', async () => {
    const r = await node(testdir({}), { KEPT: 'k' }).inherit(['-e', "process.exit(process.env.EXTRA === 'x' && process.env.KEPT === 'k' ? 7 : 1)"], { EXTRA: 'x' });
    assert.deepEqual(r, { exitCode: 7 });
  });

  test('a child killed by a signal: 128 + its number', async () => {
    const r = await node(testdir({})).inherit(['-e', "process.kill(process.pid, 'SIGKILL')"]);
    assert.deepEqual(r, { exitCode: 137 });
  });

  test('a program that cannot start: 127, as a shell says it', async () => {
    const dir = testdir({});
    const r = await createRunner(join(dir, 'no-such-docker'), dir, {}).inherit(['buildx', 'bake']);
    assert.deepEqual(r, { exitCode: 127 });
  });
});
