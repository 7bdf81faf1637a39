// `run` on an unchanged matrix starts buildx without loading what it does not
// need: not the generation pipeline (load, validate, expand, plan: reused from
// the last generation), not the --skip-built digests, and no npm package at all
// (docker is spawned with node:child_process). Each costs time before buildx
// starts on every run (docs/internals.md). Read from the module URLs a real CLI
// process loads, through a module hook.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker, REPO, stackDir } from './fake-docker.ts';

const HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.LOADED_REPORT, url + '\\\\n'); return next(url, context); }
\`));
`;

function loadedBy(argv: string[], cwd: string, env: NodeJS.ProcessEnv): string[] {
  const dir = testdir({ 'hook.mjs': HOOK });
  const report = join(dir, 'loaded.txt');
  const r = spawnSync(process.execPath, ['--import', join(dir, 'hook.mjs'), join(REPO, 'bin/bake-matrix.js'), ...argv], { cwd, encoding: 'utf8', env: { ...env, LOADED_REPORT: report } });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(report, 'utf8').split('\n').filter(Boolean);
}

test('run on an unchanged matrix loads no pipeline step, no --skip-built module and no npm package', () => {
  const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
  const cwd = stackDir();
  const argv = ['run', 'vllm-cu129', '--push'];
  const first = loadedBy(argv, cwd, docker.env);
  assert.ok(first.some((u) => /\/(src|dist)\/generate\.(ts|js)$/.test(u)), 'the first run generates (the hook sees our modules)');
  const again = loadedBy(argv, cwd, docker.env);
  assert.equal(docker.calls().filter((c) => c[1] === 'bake').length, 2, 'both runs called buildx');
  assert.ok(again.some((u) => /\/run\/runner\.(ts|js)$/.test(u)), 'the hook sees the modules of the second run');
  const ours = (u: string) => /\/(src|dist)\//.test(u);
  const unwanted = again.filter((u) => (ours(u) && /\/(generate|cli\/pipeline|plan\/index|validate\/index|expand\/index|load\/parse-yaml|run\/skip-built|inputs\/input-digests)\.(ts|js)$/.test(u)) || /\/node_modules\/(?!tsx\/|esbuild|get-tsconfig|resolve-pkg-maps)/.test(u));
  assert.deepEqual(unwanted, []);
});
