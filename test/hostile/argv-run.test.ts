// `run`'s names reach buildx's argv: a name after `--` (or from a CI job's
// data) that starts with "-" would be read as an option, even with an overlay
// (-f), where names are not checked against the generated file. Exit 2, and
// buildx never runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from '../run/fake-docker.ts';

describe('run: names that are not names never reach buildx', () => {
  const cases = [
    { name: 'an option after --', args: ['run', 'vllm-cu129', '--', '--builder=evil'], message: /"--builder=evil" is not a target or group name: buildx would read it as an option\./ },
    { name: 'an option after -- with an overlay', args: ['run', '-f', 'ci.hcl', '--', '--allow=fs=/'], message: /"--allow=fs=\/" is not a target or group name: buildx would read it as an option\./ },
    { name: 'a newline in a name', args: ['run', '--', 'vllm-cu129\n--push'], message: /"vllm-cu129\\n--push" is not a target or group name\./ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = stackDir();
      const docker = fakeDocker();
      const run = await runCli(c.args, dir, docker.env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, c.message);
      assert.deepEqual(docker.calls(), []);
    });
  }

  test('a plain name still runs', async () => {
    const dir = stackDir();
    const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
    const run = await runCli(['run', '--', 'vllm-cu129'], dir, docker.env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(docker.violations(), []);
    assert.ok(docker.bakeCall()?.includes('vllm-cu129'));
  });
});
