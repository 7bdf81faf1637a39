// A local output's dest is fixed in the matrix, but the folders on its way are
// whatever the checkout holds: `run` refuses to hand buildx a dest reached
// through a symbolic link a pull request planted.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker } from './fake-docker.ts';

const project = () =>
  testdir({
    'bake-matrix.yaml': [
      'name: dests',
      'registry: registry.test/dests',
      'platforms: [linux/amd64]',
      'stages:',
      '  app:',
      '    tags: ["{registry}/app:1"]',
      '    output: [{ type: local, dest: "out/files/{target}" }]',
      '',
    ].join('\n'),
    Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n',
  });

async function runApp(cwd: string) {
  const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64' });
  return { ...(await runCli(['run', 'app'], cwd, docker.env)), docker };
}

describe('run: output dests', () => {
  test('a real folder (or none yet) on the way: buildx gets the dest', async () => {
    const r = await runApp(project());
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.docker.bakeCall(), 'bake ran');
  });

  for (const where of ['out', 'out/files', 'out/files/app'] as const) {
    test(`a symbolic link at ${where}: exit 2, output-dest-link naming it, buildx not started`, async () => {
      const cwd = project();
      const outside = testdir({ 'keep.txt': 'x' });
      mkdirSync(join(cwd, where, '..'), { recursive: true });
      symlinkSync(outside, join(cwd, where));
      const r = await runApp(cwd);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^bake-matrix run: ${where.replace(/\//g, '\\/')} is a symbolic link on the way to the output dest "out/files/app" of target "app"`));
      assert.equal(r.docker.bakeCall(), undefined, 'bake was not called');
    });
  }
});
