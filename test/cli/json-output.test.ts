// With --json, problems are printed once, as JSON on stdout; stderr stays empty.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const BAD = { 'old.json': '{}\n', Dockerfile: 'FROM scratch AS base\n', 'matrix/m.yaml': 'stages:\n  base: { target: base, tagz: [] }\n' };
const WARNS = {
  Dockerfile: 'FROM scratch AS base\nARG V\n',
  'matrix/m.yaml': 'axes:\n  v:\n    a: { args: { V: a } }\n    b: { args: { V: b } }\nexclude:\n  - { v: b }\nstages:\n  base: { target: base, axes: [v] }\n',
};

describe('--json', () => {
  for (const argv of [['generate'], ['check'], ['list'], ['explain', 'x'], ['diff', 'old.json'], ['run', 'x', '--dry-run']]) {
    test(`${argv[0]} --json on an invalid matrix: the problems as JSON on stdout, nothing on stderr`, async () => {
      const run = await runCli([...argv, '--json'], testdir(BAD));
      assert.equal(run.code, 2);
      assert.equal(run.stderr, '');
      const problems = (JSON.parse(run.stdout) as { problems: { code: string; line: number }[] }).problems;
      assert.deepEqual(problems.map((p) => [p.code, p.line]), [['unknown-key', 2]]);
    });
  }

  test('usage errors too', async () => {
    const run = await runCli(['generate', '--format', 'xml', '--json'], testdir(BAD));
    assert.equal(run.code, 2);
    assert.equal(run.stderr, '');
    assert.equal((JSON.parse(run.stdout) as { problems: { code: string }[] }).problems[0]!.code, 'usage');
  });

  test('warnings are part of the result, not text on stderr', async () => {
    const run = await runCli(['generate', '--json'], testdir(WARNS));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const result = JSON.parse(run.stdout) as { written: string[]; warnings: { code: string; severity: string }[] };
    assert.deepEqual(result.warnings.map((w) => [w.severity, w.code]), [['warning', 'unused-value']]);
    const text = await runCli(['generate'], testdir(WARNS));
    assert.match(text.stderr, /warning unused-value/);
  });

  test('run --dry-run --json: the warnings in the result, also when the generation is reused (nothing on stderr)', async () => {
    const root = testdir(WARNS);
    for (const round of ['generates', 'reuses']) {
      const run = await runCli(['run', 'base', '--dry-run', '--json'], root);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '', round);
      const result = JSON.parse(run.stdout) as { warnings?: { code: string }[] };
      assert.deepEqual(result.warnings?.map((w) => w.code), ['unused-value'], round);
    }
  });

  test('check --json on stale files: the verdict as JSON, nothing on stderr', async () => {
    const root = testdir({ ...WARNS, 'bake/docker-bake.json': '{}\n' });
    const run = await runCli(['check', '--json'], root);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    assert.equal((JSON.parse(run.stdout) as { upToDate: boolean }).upToDate, false);
  });
});
