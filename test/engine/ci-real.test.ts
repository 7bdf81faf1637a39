// Acceptance test of the CI flow on a real builder and registry: the jobs of
// `bake-matrix ci`, each a `bake-matrix run <job> --push` of one platform
// (pushed by digest), then `bake-matrix manifest` creating the final tags.
// Needs buildx, a builder offering two platforms natively (e.g. linux/amd64
// and linux/amd64/v2), BAKE_MATRIX_TEST_BASE_IMAGE and BAKE_MATRIX_TEST_REGISTRY
// (see bake-real.test.ts); skips, saying why, otherwise (fails in CI: see
// test/helpers/buildx.ts).
//
// buildx's docker driver cannot push by digest ("push-by-digest is currently
// not implemented for docker driver"): there, each per-platform image is
// pushed under a throwaway tag of its own job instead (`--set
// <target>.output=type=image,name=<repo>:bm-job-<job>,push=true`). That driver
// also loads every linked target into its image store, unnamed, and lists it
// with that local digest in the job's --metadata-file (base-amd64 in both
// level-1 jobs, with different digests): those entries, of targets the job
// did not request, are dropped from the file, as a job pushing by digest
// would not have written them. The rest of the flow (levels, metadata,
// manifest) is the same.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { generate } from '../../src/generate.ts';
import { DIGEST_OUTPUT } from '../../src/plan/per-platform.ts';
import { parseInspect, builderPlatforms } from '../../src/run/inspect-builder.ts';
import { countOutput, noEngine, parsePlainProgress, probeEngine } from '../helpers/buildx.ts';
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
    noEngine(t, 'the real CI-flow test', reasons.join('; '));
    return;
  }
  const runId = randomBytes(6).toString('hex');
  const dir = testdir({ 'matrix/stack.yaml': matrix(platforms), Dockerfile: DOCKERFILE });
  mkdirSync(join(dir, 'metadata'));
  const env: NodeJS.ProcessEnv = { ...process.env, REGISTRY: `${registry}/bm-ci-${runId}`, VERSION: 'pr-1', BAKE_MATRIX_TEST_RUN_ID: runId };
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => execa(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...extra }, extendEnv: false, reject: false, stdin: 'ignore', timeout: TIMEOUT });

  const ci = await cli(['ci', 'default']);
  assert.equal(ci.exitCode, 0, ci.stderr);
  const jobs = (JSON.parse(ci.stdout) as { jobs: { id: string; level: number; targets: string[]; bake: string[] }[] }).jobs;
  assert.deepEqual(jobs.map((j) => j.level), [0, 0, 1, 1, 1, 1]);
  const dockerDriver = probe.ok && probe.value.driver === 'docker';
  const instead = dockerDriver ? byJobTag(dir, env.REGISTRY!) : () => [];
  if (dockerDriver) t.diagnostic('the docker driver cannot push by digest: each job pushes its image under a throwaway tag of its own');
  let log = '';
  for (const job of jobs) {
    const metadata = join('metadata', `${job.id}.json`);
    const run = await cli(['run', ...job.bake, ...instead(job), '--push', '--progress=plain', '--metadata-file', metadata]);
    log += run.stderr;
    assert.equal(run.exitCode, 0, `job ${job.id}: ${run.stderr.slice(-3000)}`);
    if (dockerDriver) onlyRequested(join(dir, metadata), job.targets);
  }
  const steps = parsePlainProgress(log);
  assert.equal(countOutput(steps, `bake-matrix-ci-base ran ${runId}`), 2, 'the base ran once per platform, in its level-0 job');

  const tag = `${env.REGISTRY}/vllm:pr-1`;
  const pushed = await execa('docker', ['buildx', 'imagetools', 'inspect', `${env.REGISTRY}/vllm@${digestOf(join(dir, 'metadata', '1-vllm-runtime-amd64.json'), 'vllm-runtime-amd64')}`], { reject: false, env });
  assert.equal(pushed.exitCode, 0, `the job's image is in the registry by its digest: ${pushed.stderr}`);
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

/** For the docker driver: `--set`s that push each per-platform image of a job under a tag of that job instead of by digest. */
function byJobTag(dir: string, registry: string) {
  const generated = generate('matrix', dir);
  assert.ok(generated.ok, 'the matrix generates');
  const targets = generated.value.plan.bake.target;
  return (job: { id: string; targets: string[] }) =>
    job.targets.flatMap((name) => {
      const output = targets[name]?.output?.[0] ?? '';
      if (!output.includes(DIGEST_OUTPUT)) return [];
      const replaced = output.replaceAll('${REGISTRY}', registry).replace(/name=([^,]+)/, `name=$1:bm-job-${job.id}`).replace(DIGEST_OUTPUT, 'push=true');
      return ['--set', `${name}.output=${replaced}`];
    });
}

/** Keeps the entries of the requested targets only (see the top of this file). */
function onlyRequested(file: string, targets: string[]) {
  const metadata = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(metadata).filter(([name]) => targets.includes(name) || !(metadata[name] as Record<string, unknown>)?.['containerimage.digest']))));
}

function digestOf(file: string, target: string): string {
  const metadata = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
  const digest = metadata[target]?.['containerimage.digest'];
  assert.match(String(digest), /^sha256:[0-9a-f]{64}$/, `no digest for ${target} in ${file}: ${JSON.stringify(metadata)}`);
  return digest!;
}
