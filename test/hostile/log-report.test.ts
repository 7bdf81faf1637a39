// `report --log` reads another CI job's --progress=plain output: whatever it holds, the
// report is exit 0 with only bake target names in its Markdown, or exit 2 saying why.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';

interface Case {
  name: string;
  log: string | Uint8Array;
  code: number;
  /** What stdout (the Markdown) must match, and must not. */
  stdout?: RegExp;
  notStdout?: RegExp;
  stderr?: RegExp;
}

const step = (n: number, name: string, ...rest: string[]) => [`#${n} ${name}`, ...rest.map((r) => `#${n} ${r}`), ''].join('\n');

const cases: Case[] = [
  {
    name: 'a "target" that is no bake name (Markdown table syntax, backticks) is not a row of the report',
    log: step(1, '[a|b`c x 1/1] RUN true', 'DONE 0.1s') + step(2, '[app-amd64 app 1/1] RUN true', 'DONE 0.2s') + step(3, '[x</td> y 1/2] RUN true', 'CACHED'),
    code: 0,
    // The one target's steps are not prefixed in a bake of one target: the others count as its own.
    stdout: /\n\| `app-amd64` \| 3 \| 1 \(33%\) \| 2 \| 0s \| - \|\n\n$/,
    notStdout: /a\|b|<\/td>/,
  },
  {
    name: 'step numbers past a safe integer, and output lines before any name',
    log: '#0 0.100 output of a shared step\n' + step(99999999999999999999, '[app-amd64 app 1/1] RUN true', '0.2 hello', 'DONE 0.2s'),
    code: 0,
    stdout: /Cache hits: 0 of 1 Dockerfile steps/,
  },
  {
    name: 'CR-only line endings and NUL bytes: no step is made up, the report says so',
    log: '#1 [app-amd64 app 1/1] RUN true\r#1 DONE 0.1s\r\u0000\u0000#2 CACHED\r',
    code: 0,
    stdout: /Cache hits: 0 of 0 Dockerfile steps \(-\)\./,
  },
  {
    name: 'a line of 4 MB and 20 000 brackets in a name',
    log: step(1, `[app-amd64 app 1/1] RUN ${'['.repeat(20_000)}`, `0.1 ${'x'.repeat(4 * 1024 * 1024)}`, 'DONE 0.3s'),
    code: 0,
    stdout: /\| `app-amd64` \| 1 \| 0 \(0%\) \| 1 \|/,
  },
  {
    name: 'a log that is not UTF-8 text',
    log: Uint8Array.from([0xff, 0xfe, 0x23, 0x31, 0x20, 0x5b, 0xc3, 0x28, 0x0a]),
    code: 0,
    stdout: /Cache hits: 0 of 0 Dockerfile steps/,
  },
];

describe('report --log of a hostile log', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const root = testdir({ 'project/bake.log': c.log });
      const before = snapshotTree(root);
      const run = await runCli(['report', '--log', 'bake.log'], join(root, 'project'));
      assert.equal(run.code, c.code, run.stderr);
      if (c.stdout) assert.match(run.stdout, c.stdout);
      if (c.notStdout) assert.doesNotMatch(run.stdout, c.notStdout);
      if (c.stderr) assert.match(run.stderr, c.stderr);
      assert.deepEqual(treeChanges(before, snapshotTree(root)), []);
    });
  }
});

describe('report --log of a file that is not a regular file', () => {
  it('a named pipe is refused at once (reading it would wait for a writer forever)', async () => {
    const root = testdir({ 'project/.keep': '' });
    execFileSync('mkfifo', [join(root, 'project/bake.log')]);
    const before = snapshotTree(root);
    const run = await runCli(['report', '--log', 'bake.log'], join(root, 'project'));
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /error bad-log\n  Cannot read the log bake\.log: it is a named pipe \(FIFO\), not a regular file/);
    assert.deepEqual(treeChanges(before, snapshotTree(root)), []);
  });

  it('a folder is refused, naming it', async () => {
    const root = testdir({ 'project/bake.log/x': '' });
    const run = await runCli(['report', '--log', 'bake.log'], join(root, 'project'));
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /it is a folder, not a regular file/);
  });
});
