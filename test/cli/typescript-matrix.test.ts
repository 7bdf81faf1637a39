// The example stack's matrix in three forms gives the same bake file, byte for
// byte: YAML + TOML (matrix/ of the repository), one TypeScript module
// (test/fixtures/ts-stack/matrix.ts), and a folder mixing YAML and TypeScript.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const committed = (name: string) => readFileSync(join(repo, 'bake', name), 'utf8');
const tsMorphLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\/]ts-morph[\\/]/.test(path));

describe('a matrix written in TypeScript', () => {
  test('a YAML matrix does not load ts-morph', async () => {
    const out = testdir({});
    const run = await runCli(['generate', '--out', out], repo);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(tsMorphLoaded(), false);
  });

  test('generate --matrix test/fixtures/ts-stack/matrix.ts writes the bytes of the YAML and TOML version', async () => {
    const out = testdir({});
    const run = await runCli(['generate', '--matrix', 'test/fixtures/ts-stack/matrix.ts', '--out', out], repo);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(tsMorphLoaded(), true);
    assert.equal(readFileSync(join(out, 'docker-bake.json'), 'utf8'), committed('docker-bake.json'), 'docker-bake.json from matrix.ts');
  });

  test('a matrix folder mixing YAML and TypeScript files is merged like any other', async () => {
    const root = testdir({});
    mkdirSync(join(root, 'matrix'));
    mkdirSync(join(root, 'bake'));
    copyFileSync(join(repo, 'matrix/stack.yaml'), join(root, 'matrix/stack.yaml'));
    copyFileSync(join(repo, 'matrix/frameworks.yaml'), join(root, 'matrix/frameworks.yaml'));
    copyFileSync(join(repo, 'test/fixtures/ts-mixed/cuda.ts'), join(root, 'matrix/cuda.ts'));
    copyFileSync(join(repo, 'bake/Dockerfile'), join(root, 'bake/Dockerfile'));
    const run = await runCli(['generate'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(join(root, 'bake', 'docker-bake.json'), 'utf8'), committed('docker-bake.json'), 'docker-bake.json from stack.yaml, frameworks.yaml and cuda.ts');
    const explained = await runCli(['explain', 'vllm-cu130-runtime'], root);
    assert.match(explained.stdout, /CUDA_VERSION\s+13\.0\.1\s+matrix\/cuda\.ts:5:20\s/, 'positions point into the TypeScript file');
  });
});
