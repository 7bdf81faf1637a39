import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { matrixYaml } from '../helpers/matrix.ts';
import { permissiveDockerfile } from '../helpers/generate.ts';
import { testdir } from '../helpers/testdir.ts';

const Dockerfile = permissiveDockerfile([matrixYaml()]);

describe('bake-matrix generate', () => {
  test('--matrix PATH --out DIR works on a matrix outside the repository', async () => {
    const dir = testdir({ Dockerfile, 'elsewhere/stack.yaml': 'root: ..\n' + matrixYaml() });
    const run = await runCli(['generate', '--matrix', 'elsewhere/stack.yaml', '--out', 'out'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /wrote out\/docker-bake.json/);
    const bake = JSON.parse(readFileSync(join(dir, 'out/docker-bake.json'), 'utf8'));
    assert.ok(bake.target['vllm-cu129-runtime']);
  });

  test('paths resolve against the project root, not the working directory: the same bytes from anywhere', async () => {
    const dir = testdir({ 'proj/docker/Dockerfile': Dockerfile, 'proj/matrix/stack.yaml': 'dockerfile: docker/Dockerfile\n' + matrixYaml(), 'elsewhere/.keep': '' });
    const here = await runCli(['generate'], join(dir, 'proj'));
    assert.equal(here.code, 0, here.stderr);
    const expected = readFileSync(join(dir, 'proj/bake/docker-bake.json'), 'utf8');
    // From another folder, without a cd: the default --out is bake/ in the project root.
    const away = await runCli(['generate', '--matrix', '../proj/matrix'], join(dir, 'elsewhere'));
    assert.equal(away.code, 0, away.stderr);
    assert.ok(away.stdout.includes(`wrote ${join(dir, 'proj/bake/docker-bake.json')}`), away.stdout);
    assert.equal(readFileSync(join(dir, 'proj/bake/docker-bake.json'), 'utf8'), expected);
    assert.ok(!existsSync(join(dir, 'elsewhere/bake')));
    assert.ok(Object.values(JSON.parse(expected).target as Record<string, { dockerfile?: string }>).some((t) => t.dockerfile === 'docker/Dockerfile'));
  });

  test('a path error names the folder it resolved against', async () => {
    const dir = testdir({ 'proj/matrix/stack.yaml': 'dockerfile: docker/Dockerfile\n' + matrixYaml(), 'elsewhere/.keep': '' });
    const run = await runCli(['generate', '--matrix', '../proj/matrix'], join(dir, 'elsewhere'));
    assert.equal(run.code, 2);
    assert.ok(run.stderr.includes(`relative to the project root ${join(dir, 'proj')}`), run.stderr);
  });

  test('reads every matrix file of a folder, YAML and TOML together', async () => {
    const [head, ...rest] = matrixYaml().split('axes:');
    const dir = testdir({
      Dockerfile,
      'matrix/stack.yaml': head + 'stages:' + rest.join('axes:').split('stages:')[1],
      'matrix/axes.toml': '[axes.cuda.cu129]\nargs = { CUDA_VERSION = "12.9.1" }\n[axes.framework.vllm]\n',
    });
    const run = await runCli(['generate'], dir);
    assert.equal(run.code, 0, run.stderr);
    const bake = JSON.parse(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8'));
    assert.deepEqual(Object.keys(bake.target).sort(), ['_common', 'base-cu129', 'vllm-cu129-framework', 'vllm-cu129-runtime']);
  });

  test('an invalid matrix exits 2, names file:line:col, and leaves the previous file alone', async () => {
    const dir = testdir({ 'matrix/m.yaml': matrixYaml().replace('target: runtime', 'target: runtime\n    tagz: []'), 'bake/docker-bake.json': 'previous' });
    const run = await runCli(['generate'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /matrix\/m\.yaml:\d+:5: error unknown-key/);
    assert.match(run.stderr, /Did you mean "tags"\?/);
    assert.equal(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8'), 'previous');
  });

  test('check fails when the committed file is stale, and passes after generate', async () => {
    const dir = testdir({ Dockerfile, 'matrix/m.yaml': matrixYaml() });
    assert.equal((await runCli(['check'], dir)).code, 1);
    assert.equal((await runCli(['generate'], dir)).code, 0);
    assert.equal((await runCli(['check'], dir)).code, 0);
    writeFileSync(join(dir, 'bake/docker-bake.json'), '{}\n');
    const stale = await runCli(['check'], dir);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /bake\/docker-bake.json is stale/);
  });

  test('no matrix is a usage error, not a crash', async () => {
    const dir = testdir({});
    const run = await runCli(['generate'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No matrix in the working directory .*: neither a matrix\/ folder nor a bake-matrix\.yaml/);
    assert.match(run.stderr, /npx bake-matrix init/);
    assert.equal(existsSync(join(dir, 'bake')), false);
  });

  test('a one-file project: bake-matrix.yaml (or .yml, .toml, .ts) at the root needs no --matrix', async () => {
    const dir = testdir({ Dockerfile, 'bake-matrix.yaml': matrixYaml() });
    const run = await runCli(['generate'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /wrote bake\/docker-bake.json/);
    assert.ok(JSON.parse(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8')).target['vllm-cu129-runtime']);
    assert.equal((await runCli(['check'], dir)).code, 0);
    // The advice the generated HCL header gives works as written.
    assert.equal((await runCli(['generate', '--format', 'hcl'], dir)).code, 0);
    assert.match(readFileSync(join(dir, 'bake/docker-bake.hcl'), 'utf8'), /run `npx bake-matrix generate --format hcl`/);
  });

  for (const files of <Record<string, string>[]>[{ 'matrix/m.yaml': matrixYaml(), 'bake-matrix.yaml': matrixYaml() }, { 'bake-matrix.yml': matrixYaml(), 'bake-matrix.toml': 'name = "x"\n' }]) {
    const names = Object.keys(files).map((f) => f.replace(/\/.*/, '/'));
    test(`${names.join(' and ')} both at the root: a problem naming both, not one silently ignored`, async () => {
      const dir = testdir({ Dockerfile, ...files });
      const run = await runCli(['generate'], dir);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /error matrix-ambiguous/);
      for (const name of names) assert.ok(run.stderr.includes(name), run.stderr);
      assert.equal(existsSync(join(dir, 'bake')), false);
      // --matrix chooses.
      assert.equal((await runCli(['generate', '--matrix', Object.keys(files)[0]!.replace(/\/.*/, '')], dir)).code, 0);
    });
  }
});
