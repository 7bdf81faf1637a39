// Nothing lost: when writing the bake files fails, the previous ones stay
// byte for byte and no temp file is left behind.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generate } from '../../src/generate.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const PROJECT = {
  'Dockerfile': 'FROM alpine:3.20 AS base\nARG CUDA_VERSION\nRUN echo "${CUDA_VERSION}" > /cuda\n',
  'matrix/stack.yaml': [
    'name: demo',
    'axes:',
    '  cuda:',
    '    cu129: { args: { CUDA_VERSION: "12.9.1" } }',
    'stages:',
    '  base: { target: base, axes: [cuda] }',
    '',
  ].join('\n'),
};

/** Every file under `dir` (relative path -> bytes), folders as "(folder)". */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, { [rel]: '(folder)' }, tree(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'base64');
  }
  return out;
}

const temps = (files: Record<string, string>) => Object.keys(files).filter((f) => /\.tmp$/.test(f));

describe('a failed write loses nothing', () => {
  test('--out naming a file: nothing is written, the file is untouched, no temp file', async () => {
    const dir = testdir({ ...PROJECT, 'bake/docker-bake.json': 'previous json\n', 'out.txt': 'not a folder\n' });
    const before = tree(dir);
    const run = await runCli(['generate', '--out', 'out.txt'], dir);
    assert.notEqual(run.code, 0, 'a failed write is not a success');
    assert.deepEqual(tree(dir), before);
    assert.deepEqual(temps(tree(dir)), []);
  });

  test('a failed write is reported as a user error naming the path, not as a crash', async () => {
    const dir = testdir({ ...PROJECT, 'out.txt': 'not a folder\n' });
    const run = await runCli(['generate', '--out', 'out.txt'], dir);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /out\.txt/);
    assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
  });

  test('a write failing midway leaves every previous bake file byte for byte (--format both: two files)', async () => {
    const dir = testdir(PROJECT);
    const generated = generate('matrix', dir, { format: 'both' });
    assert.ok(generated.ok);
    const names = Object.keys(generated.value.outputs);
    assert.ok(names.length >= 2, `needs two outputs to fail between them, got ${names.join(', ')}`);
    // Every output but the last has a previous version; the last cannot be replaced (a non-empty folder is in its way).
    mkdirSync(join(dir, 'bake', names.at(-1)!, 'in-the-way'), { recursive: true });
    for (const name of names.slice(0, -1)) writeFileSync(join(dir, 'bake', name), `previous ${name}\n`);
    const before = tree(dir);
    const run = await runCli(['generate', '--format', 'both'], dir);
    assert.notEqual(run.code, 0);
    assert.deepEqual(tree(dir), before, 'the previous bake files must be left as they were');
  });

  test('a write failing midway leaves no temp file behind', async () => {
    const dir = testdir(PROJECT);
    const generated = generate('matrix', dir);
    assert.ok(generated.ok);
    const last = Object.keys(generated.value.outputs).at(-1)!;
    mkdirSync(join(dir, 'bake', last, 'in-the-way'), { recursive: true });
    const run = await runCli(['generate'], dir);
    assert.notEqual(run.code, 0);
    assert.deepEqual(temps(tree(dir)), []);
    assert.ok(statSync(join(dir, 'bake', last)).isDirectory());
  });

  test('a read-only bake folder: the previous files stay, no temp file', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('running as root: file permissions do not stop root from writing');
      return;
    }
    const dir = testdir({ ...PROJECT, 'bake/docker-bake.json': 'previous json\n' });
    const before = tree(dir);
    chmodSync(join(dir, 'bake'), 0o555);
    try {
      const run = await runCli(['generate'], dir);
      assert.notEqual(run.code, 0);
      assert.deepEqual(tree(dir), before);
    } finally {
      chmodSync(join(dir, 'bake'), 0o755);
    }
  });
});
