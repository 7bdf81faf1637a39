// `--format both` with part of the HCL made on a worker thread (src/emit/hcl-parallel.ts): the same
// bytes as the HCL made on one thread, whatever order the sources are read in, and the same error.
// The worker runs only from compiled JavaScript, so these tests use dist/ (npm test builds it first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { staleReason } from '../../bin/dist-stamp.js';
import { DOCKERFILE, syntheticMatrix } from '../../scripts/synthetic-matrix.ts';
import { bytesOf, type ByteSource } from '../../src/emit/byte-writer.ts';
import { emitHcl } from '../../src/emit/hcl.ts';
import { emitJson } from '../../src/emit/json.ts';
import { generate } from '../../src/generate.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { testdir } from '../helpers/testdir.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const JSON_FILE = 'docker-bake.json';
const HCL_FILE = 'docker-bake.hcl';

interface Hooks {
  names(names: readonly string[]): void;
  batch(text: string, names: readonly string[]): void;
}

interface Compiled {
  bakeSources: (bake: BakeFile, format: 'both', parallelMin: number) => Record<string, ByteSource>;
  parallelHcl: (bake: BakeFile, alone: ByteSource) => { feed: Hooks; source: ByteSource; workerBlocks: number; workerSent: number } | undefined;
  jsonSource: (bake: BakeFile, hooks?: Hooks) => ByteSource;
  hclSource: (bake: BakeFile) => ByteSource;
}

/** dist/'s emitters (the worker needs compiled JavaScript); fails when dist/ is not built from these sources. */
async function compiled(): Promise<Compiled> {
  const stale = staleReason(join(REPO, 'src'), join(REPO, 'dist'));
  assert.equal(stale, undefined, `dist/ is stale (${stale}): npm test builds it, or run npm run build`);
  const load = async (file: string) => (await import(join(REPO, 'dist/emit', file))) as Compiled;
  return { ...(await load('emit-bake.js')), ...(await load('hcl-parallel.js')), ...(await load('json.js')), ...(await load('hcl.js')) };
}

/** Targets whose JSON order is not the HCL's (index-like names, `_common`), with strings to escape, over several batches of 256. */
function awkward(): BakeFile {
  const target: Record<string, unknown> = {};
  for (let i = 1200; i >= 0; i--) target[`t${i}`] = { inherits: ['_common'], tags: [`r/t${i}:1`], args: { Z: '1', A: `é${i} "q" \\ \${X} $\${lit}` }, platforms: ['linux/amd64', 'linux/arm64'] };
  target['10'] = { target: 'ten', labels: { __proto__: 'x', b: 'line\nbreak' } };
  target['9'] = { target: 'nine', 'cache-to': [{ type: 'registry', ref: 'r' }], output: [] };
  target['_common'] = { args: { LONE: 'lone \ud800 surrogate' } };
  target['Upper'] = { target: 'upper' };
  return { variable: { REGISTRY: { default: 'r' } }, group: { default: { targets: ['t1', '9'] } }, target } as unknown as BakeFile;
}

const text = (source: ByteSource) => bytesOf(source).toString('utf8');

/** Waits until the worker has sent `count` blocks (it runs on its own thread, at a low priority; 60 s at most). */
async function sent(parallel: { workerSent: number }, count: number): Promise<void> {
  for (const started = Date.now(); parallel.workerSent < count; ) {
    assert.ok(Date.now() - started < 60_000, `the worker sent ${parallel.workerSent} of ${count} blocks in 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the worker makes every target block it gets to first: the same bytes as one thread', async () => {
  const { parallelHcl, jsonSource, hclSource } = await compiled();
  const bake = awkward();
  const parallel = parallelHcl(bake, hclSource(bake));
  assert.ok(parallel);
  assert.equal(text(jsonSource(bake, parallel.feed)), emitJson(bake));
  const count = Object.keys(bake.target).length;
  await sent(parallel, count);
  assert.equal(text(parallel.source), emitHcl(bake));
  assert.equal(parallel.workerBlocks, count);
});

test('the HCL read at once after the JSON: the main thread makes blocks from the back until it meets the worker, the same bytes', async () => {
  const { parallelHcl, jsonSource, hclSource } = await compiled();
  const bake = awkward();
  for (let round = 0; round < 5; round++) {
    const parallel = parallelHcl(bake, hclSource(bake));
    assert.ok(parallel);
    bytesOf(jsonSource(bake, parallel.feed));
    assert.equal(text(parallel.source), emitHcl(bake), `round ${round}, worker blocks ${parallel.workerBlocks}`);
    assert.ok(parallel.workerBlocks <= Object.keys(bake.target).length);
  }
});

test('bakeSources read JSON first, then again: the same bytes each time (the worker part is spent once)', async () => {
  const { bakeSources } = await compiled();
  const bake = awkward();
  const sources = bakeSources(bake, 'both', 1);
  assert.equal(text(sources[JSON_FILE]!), emitJson(bake));
  assert.equal(text(sources[HCL_FILE]!), emitHcl(bake));
  assert.equal(text(sources[JSON_FILE]!), emitJson(bake));
  assert.equal(text(sources[HCL_FILE]!), emitHcl(bake));
});

test('the HCL read before the JSON (the worker was handed nothing) is made on one thread, the same bytes', async () => {
  const { bakeSources } = await compiled();
  const bake = awkward();
  const sources = bakeSources(bake, 'both', 1);
  assert.equal(text(sources[HCL_FILE]!), emitHcl(bake));
  assert.equal(text(sources[JSON_FILE]!), emitJson(bake));
});

test('a block the HCL has no form for throws the same error when the worker meets it; the blocks before it come from the worker', async () => {
  const { parallelHcl, jsonSource, hclSource } = await compiled();
  const bake = awkward();
  (bake.target as Record<string, unknown>)['t100'] = { 'bad key': 'x' };
  assert.throws(() => emitHcl(bake), /invalid attribute name "bad key" in target "t100"/);
  const parallel = parallelHcl(bake, hclSource(bake));
  assert.ok(parallel);
  bytesOf(jsonSource(bake, parallel.feed));
  // _common, 10, 9, Upper, t0, t1, t10: then t100, which the worker claims and cannot make.
  await sent(parallel, 7);
  assert.throws(() => bytesOf(parallel.source), /invalid attribute name "bad key" in target "t100"/);
  assert.equal(parallel.workerBlocks, 7);
});

test('generate --format both with the worker (BAKE_MATRIX_PARALLEL_HCL_MIN=1) writes the files one thread makes', () => {
  const root = testdir({ Dockerfile: DOCKERFILE, 'matrix/m.yaml': stringify(syntheticMatrix(1000)) });
  const run = spawnSync(process.execPath, [join(REPO, 'bin/bake-matrix.js'), 'generate', '--format', 'both'], { cwd: root, encoding: 'utf8', env: { ...process.env, BAKE_MATRIX_PARALLEL_HCL_MIN: '1' } });
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /running src\//, 'dist/ must be current: the worker runs from compiled JavaScript');
  const generated = generate('matrix', root, { format: 'both' });
  assert.ok(generated.ok);
  assert.equal(readFileSync(join(root, 'bake', JSON_FILE), 'utf8'), generated.value.outputs[JSON_FILE]);
  assert.equal(readFileSync(join(root, 'bake', HCL_FILE), 'utf8'), generated.value.outputs[HCL_FILE]);
});

test('two blocks the HCL has no form for, wherever the threads meet: the error is the first one in order, as on one thread', async () => {
  const { parallelHcl, jsonSource, hclSource } = await compiled();
  const bake = awkward();
  (bake.target as Record<string, unknown>)['t100'] = { 'bad key': 'x' };
  (bake.target as Record<string, unknown>)['t999'] = { 'worse key': 'x' };
  assert.throws(() => emitHcl(bake), /"bad key" in target "t100"/);
  for (const wait of [0, 7]) {
    const parallel = parallelHcl(bake, hclSource(bake));
    assert.ok(parallel);
    bytesOf(jsonSource(bake, parallel.feed));
    await sent(parallel, wait);
    assert.throws(() => bytesOf(parallel.source), /"bad key" in target "t100"/, `after ${wait} blocks from the worker`);
  }
});
