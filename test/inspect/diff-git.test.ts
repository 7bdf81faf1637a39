import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { fixtureProject, STACK_YAML } from './fixture.ts';

const gitMissing = spawnSync('git', ['--version']).status !== 0 ? 'git is not installed' : false;

/** git without the machine's or user's configuration. */
const gitEnv = (root: string) => ({ PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: dirname(root) });
const git = (root: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, env: gitEnv(root), stdio: 'pipe' });

/** A git repository holding the fixture matrix and its committed bake file. */
async function committedProject(): Promise<string> {
  const root = fixtureProject();
  const generated = await runCli(['generate'], root);
  assert.equal(generated.code, 0, generated.stderr);
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'matrix and bake file');
  return root;
}

const edit = (root: string, path: string, from: string, to: string) => {
  const text = readFileSync(join(root, path), 'utf8');
  assert.ok(text.includes(from), `${path} holds ${from}`);
  writeFileSync(join(root, path), text.replace(from, to));
};

describe('bake-matrix diff against git', { skip: gitMissing }, () => {
  test('HEAD versus the matrix as it is now', async () => {
    const root = await committedProject();
    const clean = await runCli(['diff', '--exit-code'], root, gitEnv(root));
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stdout, '--- HEAD:bake/docker-bake.json\n+++ generated from matrix\nno differences\n');

    edit(root, 'matrix/values.toml', 'CUDA_VERSION = "2.0"', 'CUDA_VERSION = "2.1"');
    edit(root, 'matrix/stack.yaml', 'engine: one, cuda: c2', 'engine: two, cuda: c2');
    const run = await runCli(['diff'], root, gitEnv(root));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ {2}base-c2\n {4}args\n {6}~ CUDA_VERSION: 2\.0 -> 2\.1$/m);
    assert.match(run.stdout, /^ {2}one-c2-app\n {4}args\n {6}- PATCH=1$/m);
    assert.match(run.stdout, /^ {2}two-c2-app\n {4}args\n {6}\+ PATCH=1$/m);
    assert.equal((await runCli(['diff', '--exit-code'], root, gitEnv(root))).code, 1);
  });

  test('--base REV compares another revision', async () => {
    const root = await committedProject();
    edit(root, 'matrix/stack.yaml', 'PYTHON_VERSION: "3.12"', 'PYTHON_VERSION: "3.13"');
    assert.equal((await runCli(['generate'], root)).code, 0);
    git(root, 'commit', '-q', '-a', '-m', 'python 3.13');
    assert.match((await runCli(['diff'], root, gitEnv(root))).stdout, /no differences/);
    const run = await runCli(['diff', '--base', 'HEAD~1'], root, gitEnv(root));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^--- HEAD~1:bake\/docker-bake\.json$/m);
    assert.match(run.stdout, /^ {2}_common\n {4}args\n {6}~ PYTHON_VERSION: 3\.12 -> 3\.13$/m);
  });

  const failures = [
    { name: 'an unknown revision', setup: committedProject, args: ['--base', 'no-such-branch'], message: /"no-such-branch" is no commit of this repository/ },
    { name: 'a bake file that was never committed', setup: committedProject, args: ['--out', 'elsewhere'], message: /elsewhere\/docker-bake\.json is not in HEAD/ },
    { name: 'a folder outside any git repository', setup: async () => fixtureProject({ 'matrix/stack.yaml': STACK_YAML }), args: [], message: /is not inside a git repository/ },
  ];
  for (const c of failures) {
    test(`${c.name} exits 2 with a message`, async () => {
      const root = await c.setup();
      const run = await runCli(['diff', ...c.args], root, gitEnv(root));
      assert.equal(run.code, 2, run.stdout);
      assert.match(run.stderr, c.message);
      assert.doesNotMatch(run.stderr, /internal error/);
    });
  }
});
