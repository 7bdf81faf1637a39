// Acceptance test of the CI flow on a real builder and registry: the jobs of
// `bake-matrix ci`, each a `bake-matrix run <job> --push` of one platform
// (pushed by digest), then `bake-matrix manifest` creating the final tags.
// Needs buildx, a builder offering two platforms natively (e.g. linux/amd64
// and linux/amd64/v2), BAKE_MATRIX_TEST_BASE_IMAGE and BAKE_MATRIX_TEST_REGISTRY
// (see bake-real.test.ts); skips, saying why, otherwise.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseInspect, builderPlatforms } from '../../src/run/inspect-builder.ts';
import { countOutput, parsePlainProgress, probeEngine } from '../helpers/buildx.ts';
import { testdir } from '../helpers/testdir.ts';

const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin/bake-matrix.js');
const TIMEOUT = 15 * 60_000;

const matrix = (platforms: string[]) => `name: ci-real
registry: bake-matrix-test.invalid
dockerfile: Dockerfile
platforms: [${platforms.join(', ')}]
variables:
  release: { env: RELEASE_VERSION, default: "" }
  base_image: { env: BAKE_MATRIX_TEST_BASE_IMAGE, default: busybox:latest }
  run_id: { env: BAKE_MATRIX_TEST_RUN_ID, default: "" }
args: { BASE_IMAGE: "{base_image}", RUN_ID: "{run_id}" }
axes:
  framework:
    vllm: { args: { ENGINE: vllm } }
    sglang: { args: { ENGINE: sglang } }
stages:
  base: { target: base, name: base }
  runtime:
    target: runtime
    from: base
    axes: [framework]
    tags: ["{registry}/{framework}:{version}", { tag: "{registry}/{framework}:{release}", if: release }]
cache: { ref: "{registry}/cache:{target}" }
ci: { runners: { ${platforms.map((p) => `${p}: runner`).join(', ')} } }
`;

const DOCKERFILE = `ARG BASE_IMAGE=busybox:latest
FROM \${BASE_IMAGE} AS base
ARG RUN_ID
RUN echo "bake-matrix-ci-base ran $RUN_ID"

FROM base AS runtime
ARG ENGINE
RUN echo "bake-matrix-ci-runtime $ENGINE ran" && echo $ENGINE > /engine
`;

test('per-platform CI jobs pushed by digest, merged by bake-matrix manifest, on a real builder', { timeout: TIMEOUT }, async (t) => {
  const probe = await probeEngine(process.env);
  const registry = process.env.BAKE_MATRIX_TEST_REGISTRY;
  let platforms: string[] = [];
  const reasons: string[] = [];
  if (!probe.ok) reasons.push(probe.reason);
  else {
    const inspect = await execa('docker', ['buildx', 'inspect'], { reject: false });
    platforms = builderPlatforms(parseInspect(inspect.stdout)).map((p) => p.replace(/\*$/, '')).slice(0, 2);
    if (platforms.length < 2) reasons.push(`the builder offers ${platforms.length} platform(s); two native ones are needed`);
  }
  if (!process.env.BAKE_MATRIX_TEST_BASE_IMAGE) reasons.push('BAKE_MATRIX_TEST_BASE_IMAGE is not set');
  if (!registry) reasons.push('BAKE_MATRIX_TEST_REGISTRY is not set: the per-platform images are pushed by digest');
  if (reasons.length) {
    console.log(`skipping the real CI-flow test: ${reasons.join('; ')}`);
    t.skip(reasons.join('; '));
    return;
  }
  const runId = randomBytes(6).toString('hex');
  const dir = testdir({ 'matrix/stack.yaml': matrix(platforms), Dockerfile: DOCKERFILE });
  mkdirSync(join(dir, 'metadata'));
  const env: NodeJS.ProcessEnv = { ...process.env, REGISTRY: `${registry}/bm-ci-${runId}`, VERSION: 'pr-1', BAKE_MATRIX_TEST_RUN_ID: runId };
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => execa(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...extra }, extendEnv: false, reject: false, stdin: 'ignore', timeout: TIMEOUT });

  const ci = await cli(['ci', 'default']);
  assert.equal(ci.exitCode, 0, ci.stderr);
  const jobs = (JSON.parse(ci.stdout) as { jobs: { id: string; level: number; bake: string[] }[] }).jobs;
  assert.deepEqual(jobs.map((j) => j.level), [0, 0, 1, 1, 1, 1]);
  let log = '';
  for (const job of jobs) {
    const run = await cli(['run', ...job.bake, '--push', '--progress=plain', '--metadata-file', join('metadata', `${job.id}.json`)]);
    log += run.stderr;
    assert.equal(run.exitCode, 0, `job ${job.id}: ${run.stderr.slice(-3000)}`);
  }
  const steps = parsePlainProgress(log);
  assert.equal(countOutput(steps, `bake-matrix-ci-base ran ${runId}`), 2, 'the base ran once per platform, in its level-0 job');

  const tag = `${env.REGISTRY}/vllm:pr-1`;
  const before = await execa('docker', ['buildx', 'imagetools', 'inspect', tag], { reject: false, env });
  assert.notEqual(before.exitCode, 0, `${tag} exists before the merge`);

  const manifest = await cli(['manifest', 'default', '--metadata', 'metadata'], { RELEASE_VERSION: '1.0.0' });
  assert.equal(manifest.exitCode, 0, manifest.stderr);
  for (const ref of [tag, `${env.REGISTRY}/sglang:1.0.0`]) {
    const inspect = await execa('docker', ['buildx', 'imagetools', 'inspect', ref], { reject: false, env });
    assert.equal(inspect.exitCode, 0, inspect.stderr);
    for (const p of platforms) assert.match(inspect.stdout, new RegExp(`Platform:\\s+${p.replace(/\//g, '\\/')}\\n`), `${ref} holds ${p}:\n${inspect.stdout}`);
  }
});
