// `npm run bake vllm-cu129 --dry-run` without `--`: npm keeps --dry-run for
// itself and hands it on as npm_config_dry_run. That must never start a build.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from '../run/fake-docker.ts';

const UNDER_NPM = { npm_lifecycle_event: 'bake', npm_command: 'run-script' };

describe('flags npm took for itself', () => {
  const CASES = [
    { name: '--dry-run', env: { npm_config_dry_run: 'true' }, argv: ['run', 'vllm-cu129'], shown: /npm took --dry-run for itself/, fix: /`npm run bake -- vllm-cu129 --dry-run`/ },
    { name: '--push', env: { npm_config_push: 'true' }, argv: ['run', 'vllm-cu129'], shown: /npm took --push for itself/, fix: /`npm run bake -- vllm-cu129 --push`/ },
    { name: '-f (npm reads --force)', env: { npm_config_force: 'true' }, argv: ['run', 'vllm-cu129', 'ci.hcl'], shown: /npm took -f \(npm reads it as --force\)/, fix: /-- vllm-cu129 ci\.hcl -f/ },
    { name: '--matrix on generate', env: { npm_config_matrix: 'true' }, argv: ['generate', 'other'], shown: /npm took --matrix for itself/, fix: /`npm run bake -- other --matrix`/ },
  ];
  for (const c of CASES) {
    test(`${c.name}: refused before anything runs, with the command that works`, async () => {
      const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
      const run = await runCli(c.argv, stackDir(), { ...docker.env, ...UNDER_NPM, ...c.env });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, c.shown);
      assert.match(run.stderr, c.fix);
      assert.deepEqual(docker.calls(), [], 'docker was not called');
    });
  }

  test('the same variables outside an npm script, or set to false, change nothing', async () => {
    const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
    const outside = await runCli(['run', 'vllm-cu129', '--dry-run'], stackDir(), { ...docker.env, npm_config_push: 'true' });
    assert.equal(outside.code, 0, outside.stderr);
    const off = await runCli(['run', 'vllm-cu129', '--dry-run'], stackDir(), { ...docker.env, ...UNDER_NPM, npm_config_progress: 'false' });
    assert.equal(off.code, 0, off.stderr);
  });

  test('a flag given after -- is not taken for swallowed', async () => {
    const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
    const run = await runCli(['run', 'vllm-cu129', '--dry-run'], stackDir(), { ...docker.env, ...UNDER_NPM, npm_config_dry_run: 'true' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Nothing was run \(--dry-run\)/);
  });
});
