// `run` generates again only when an input of generation changed
// (src/run/generation-record.ts): otherwise it reads the model back from the
// bake file it wrote last time, and leaves the files alone.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from './fake-docker.ts';
import { testdir } from '../helpers/testdir.ts';

const PLATFORMS = { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' };
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

/** A stack that ran once; `again()` runs the same command, `touched()` says whether the bake files were written since. */
async function ranOnce(argv = ['vllm-cu129']) {
  const docker = fakeDocker(PLATFORMS);
  const cwd = stackDir();
  const again = () => runCli(['run', ...argv], cwd, docker.env);
  const first = await again();
  assert.equal(first.code, 0, first.stderr);
  const files = ['bake/docker-bake.json'].map((f) => join(cwd, f));
  for (const f of files) utimesSync(f, LONG_AGO, LONG_AGO);
  const touched = () => files.some((f) => statSync(f).mtimeMs !== LONG_AGO.getTime());
  return { cwd, docker, again, touched };
}

test('nothing changed: the model is read back, the bake files are not written again, the same closure is handed over', async () => {
  const s = await ranOnce();
  const before = s.docker.bakeCall()![3];
  const r = await s.again();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(s.touched(), false);
  assert.equal(s.docker.calls().filter((c) => c[1] === 'bake').at(-1)![3], before);
});

const changes: { name: string; change: (cwd: string) => void }[] = [
  { name: 'a matrix file', change: (cwd) => writeFileSync(join(cwd, 'matrix/stack.yaml'), readFileSync(join(cwd, 'matrix/stack.yaml'), 'utf8').replace('"12.9.1"', '"12.9.2"')) },
  { name: 'a new matrix file', change: (cwd) => writeFileSync(join(cwd, 'matrix/more.yaml'), 'labels: { team: ml }\n') },
  { name: 'the Dockerfile', change: (cwd) => writeFileSync(join(cwd, 'Dockerfile'), readFileSync(join(cwd, 'Dockerfile'), 'utf8') + '\n# a comment\n') },
  { name: 'a bake file edited by hand', change: (cwd) => writeFileSync(join(cwd, 'bake/docker-bake.json'), readFileSync(join(cwd, 'bake/docker-bake.json'), 'utf8').replace('"12.9.1"', '"12.9.2"')) },
];
for (const c of changes) {
  test(`${c.name} changed: generated again`, async () => {
    const s = await ranOnce();
    c.change(s.cwd);
    const r = await s.again();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.touched(), true);
  });
}

test('a Dockerfile that lost a stage since: the check fails as it would have, nothing is reused', async () => {
  const s = await ranOnce();
  writeFileSync(join(s.cwd, 'Dockerfile'), readFileSync(join(s.cwd, 'Dockerfile'), 'utf8').replace('FROM runtime AS dev', 'FROM runtime AS devel'));
  const r = await s.again();
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"dev"/);
});

test('the warnings of the generation are printed again when it is reused', async () => {
  const docker = fakeDocker(PLATFORMS);
  const cwd = stackDir();
  // A value no stage builds is a warning (unused-value).
  writeFileSync(join(cwd, 'matrix/stack.yaml'), readFileSync(join(cwd, 'matrix/stack.yaml'), 'utf8').replace('exclude:\n', 'exclude:\n  - { framework: trtllm }\n'));
  const warnings = (text: string) => text.split('\n').filter((l) => / warning /.test(l));
  const first = await runCli(['run', 'vllm-cu129'], cwd, docker.env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(warnings(first.stderr).join('\n'), /warning unused-value/);
  const second = await runCli(['run', 'vllm-cu129'], cwd, docker.env);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(warnings(second.stderr), warnings(first.stderr));
});

test('a context replaced by a symlink out of the project since: not reused, the check refuses it as generate would', async () => {
  const s = await ranOnce();
  // The Dockerfile becomes a link to an identical file outside the project.
  const dockerfile = join(s.cwd, 'Dockerfile');
  const outside = join(testdir({}), 'Dockerfile');
  writeFileSync(outside, readFileSync(dockerfile, 'utf8'));
  rmSync(dockerfile);
  symlinkSync(outside, dockerfile);
  const r = await s.again();
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /error path-outside-repository[\s\S]*leads out of the project through a symbolic link/);
});

test('the record lives in a folder of the user\'s own: one another user could write is not trusted', { skip: process.getuid === undefined ? 'no user ids on this platform' : false }, async () => {
  const s = await ranOnce();
  const dir = join(tmpdir(), `bake-matrix-generations-${process.getuid!()}`);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  chmodSync(dir, 0o777);
  try {
    const r = await s.again();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.touched(), true, 'generated again rather than trusting a world-writable folder');
  } finally {
    chmodSync(dir, 0o700);
  }
});
