// SIGKILL during `generate --format both` (two files) of a large matrix never
// leaves a mixed or partial pair past the next run, nor temp files: killed at
// the exact points that matter (a child that kills itself right after a given
// rename), and at random moments of real runs. (The default, one file, is
// never a mix even before the next run: test/emit/kill-points.test.ts.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { DOCKERFILE, syntheticMatrix } from '../../scripts/synthetic-matrix.ts';
import { generate } from '../../src/generate.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const BIN = fileURLToPath(new URL('../../bin/bake-matrix.js', import.meta.url));
const KILLER = fileURLToPath(new URL('../fixtures/kill/kill-at.js', import.meta.url));
const TARGETS = 1000;
const BOTH = ['--format', 'both'];

/** A project with matrix version `version`, and the two pairs the two versions generate. */
function project(version: 'a' | 'b') {
  const root = testdir({ Dockerfile: DOCKERFILE, 'matrix/m.yaml': stringify(syntheticMatrix(TARGETS, version)) });
  return root;
}
const pairs = (() => {
  let cached: Record<'a' | 'b', { json: string; hcl: string }> | undefined;
  return () => {
    cached ??= Object.fromEntries(
      (['a', 'b'] as const).map((v) => {
        const result = generate('matrix', project(v), { format: 'both' });
        assert.ok(result.ok);
        return [v, { json: result.value.outputs['docker-bake.json']!, hcl: result.value.outputs['docker-bake.hcl']! }];
      }),
    ) as Record<'a' | 'b', { json: string; hcl: string }>;
    return cached;
  };
})();

const useVersion = (root: string, version: 'a' | 'b') => writeFileSync(join(root, 'matrix/m.yaml'), stringify(syntheticMatrix(TARGETS, version)));
const bake = (root: string) => ({ json: readFileSync(join(root, 'bake/docker-bake.json'), 'utf8'), hcl: readFileSync(join(root, 'bake/docker-bake.hcl'), 'utf8') });
const leftovers = (root: string) => readdirSync(join(root, 'bake')).filter((n) => n.startsWith('.'));
/** Which generation each file is: 'a', 'b', or 'partial'. */
function versions(root: string): { json: string; hcl: string } {
  const { json, hcl } = bake(root);
  const which = (text: string, key: 'json' | 'hcl') => (['a', 'b'] as const).find((v) => pairs()[v][key] === text) ?? 'partial';
  return { json: which(json, 'json'), hcl: which(hcl, 'hcl') };
}

async function generated(root: string, version: 'a' | 'b'): Promise<void> {
  useVersion(root, version);
  const run = await runCli(['generate', ...BOTH], root);
  assert.equal(run.code, 0, run.stderr);
}

describe('SIGKILL during generate --format both', () => {
  const POINTS = [
    { name: 'right after the JSON is renamed (before the HCL)', pattern: 'docker-bake\\.json$', mixedUntilRepaired: true },
    { name: 'right after the journal is put in place (before any rename)', pattern: '\\.bake-matrix\\.journal$', mixedUntilRepaired: false },
  ];
  for (const point of POINTS) {
    test(`killed ${point.name}: check reports it and writes nothing; the next generate finishes the new pair, nothing left behind`, async () => {
      const root = project('a');
      await generated(root, 'a');
      useVersion(root, 'b');
      const killed = spawnSync(process.execPath, [KILLER, 'generate', ...BOTH], { cwd: root, env: { ...process.env, KILL_ON: 'renameSync', KILL_TARGET: point.pattern }, encoding: 'utf8' });
      assert.equal(killed.signal, 'SIGKILL', `the child must die at that point: ${killed.stderr}`);
      if (point.mixedUntilRepaired) assert.deepEqual(versions(root), { json: 'b', hcl: 'a' }, 'the kill left a mixed pair for the next run to repair');
      assert.ok(leftovers(root).includes('.bake-matrix.journal'), 'the journal says what to finish');
      const was = versions(root);
      const check = await runCli(['check', ...BOTH], root);
      assert.equal(check.code, 1, `check reports the unfinished write: ${check.stderr}`);
      assert.match(check.stderr, /\.bake-matrix\.journal: a killed bake-matrix left .* half replaced/);
      assert.deepEqual(versions(root), was, 'check only reads');
      assert.ok(leftovers(root).includes('.bake-matrix.journal'));
      useVersion(root, 'a'); // the journal is finished first, whatever the next generation is
      const next = await runCli(['generate', ...BOTH], root);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(versions(root), { json: 'a', hcl: 'a' });
      assert.deepEqual(leftovers(root), []);
    });
  }

  test('killed while writing the temp files: the previous pair stays, the temps go on the next run', async () => {
    const root = project('a');
    await generated(root, 'a');
    useVersion(root, 'b');
    // Each previous file is hard-linked aside once its new temp file is written: the second link is the last step before the journal.
    const killed = spawnSync(process.execPath, [KILLER, 'generate', ...BOTH], { cwd: root, env: { ...process.env, KILL_ON: 'linkSync', KILL_TARGET: '\\.tmp$', KILL_AFTER: '2' }, encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.deepEqual(versions(root), { json: 'a', hcl: 'a' }, 'the previous pair is untouched');
    assert.ok(leftovers(root).some((n) => n.endsWith('.tmp')), 'the kill left temp files');
    useVersion(root, 'a');
    const again = await runCli(['generate', ...BOTH], root);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(versions(root), { json: 'a', hcl: 'a' });
    assert.deepEqual(leftovers(root), []);
  });

  test('killed at random moments of real runs: each file is always whole, and after the next generate the pair is one generation', async () => {
    const root = project('a');
    await generated(root, 'a');
    const rounds = Number(process.env.BAKE_MATRIX_KILL_ROUNDS ?? 4);
    // How long one real run takes here, to spread the kills over its whole life.
    const started = Date.now();
    useVersion(root, 'b');
    assert.equal(spawnSync(process.execPath, [BIN, 'generate', ...BOTH], { cwd: root }).status, 0);
    const full = Date.now() - started;
    const outcomes: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const version = i % 2 === 0 ? 'a' : 'b';
      useVersion(root, version);
      const child = spawn(process.execPath, [BIN, 'generate', ...BOTH], { cwd: root, stdio: 'ignore' });
      const delay = full * (0.3 + (0.9 * i) / rounds);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const [code, signal] = await new Promise<[number | null, string | null]>((done) => child.on('exit', (c, s) => done([c, s])));
      clearTimeout(timer);
      outcomes.push(signal ? `killed at ${Math.round(delay)} ms` : `finished (${code})`);
      const now = versions(root);
      assert.notEqual(now.json, 'partial', 'the JSON file is always whole');
      assert.notEqual(now.hcl, 'partial', 'the HCL file is always whole');
      const check = await runCli(['check', ...BOTH], root);
      assert.ok(check.code === 0 || check.code === 1, check.stderr);
      assert.deepEqual(versions(root), now, 'check only reads');
      const next = await runCli(['generate', ...BOTH], root);
      assert.equal(next.code, 0, next.stderr);
      const after = versions(root);
      assert.equal(after.json, after.hcl, `one generation after the next run (${outcomes.at(-1)})`);
      assert.deepEqual(leftovers(root), [], 'no temp file, journal or lock after the next run');
    }
    assert.ok(outcomes.some((o) => o.startsWith('killed')), `some runs must be killed: ${outcomes.join(', ')}`);
  });
});

describe('two generates into one folder at once', () => {
  test('never mix: the pair is one generation, both runs succeed, nothing is left behind', async () => {
    // Two matrices (versions a and b) written into the same bake/ folder by two processes started together.
    const root = project('a');
    writeFileSync(join(root, 'matrix-b.yaml'), stringify(syntheticMatrix(TARGETS, 'b')));
    const generate = (matrix: string) =>
      new Promise<number | null>((done) => spawn(process.execPath, [BIN, 'generate', ...BOTH, '--matrix', matrix], { cwd: root, stdio: 'ignore' }).on('exit', (code) => done(code)));
    for (let round = 0; round < 3; round++) {
      const codes = await Promise.all([generate('matrix'), generate('matrix-b.yaml')]);
      assert.deepEqual(codes, [0, 0], 'both succeed (the second waits for the first)');
      const now = versions(root);
      assert.ok(now.json !== 'partial' && now.json === now.hcl, `one generation, not a mix: ${JSON.stringify(now)}`);
      assert.deepEqual(leftovers(root), []);
    }
  });
});
