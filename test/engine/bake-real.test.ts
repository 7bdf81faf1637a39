// Acceptance test on a real BuildKit builder: `bake-matrix run` builds the
// offline fixture test/fixtures/engine-stack (one shared build-base, two
// frameworks with a shared torch layer and their own engine layer, a runtime
// per framework). It needs buildx and a builder, never a Docker engine (no
// --load, no `docker image inspect`). Environment:
//
//   BUILDX_BUILDER               builder to use (default: buildx's current one). The test
//                                skips, saying why, unless `docker buildx inspect --bootstrap`
//                                succeeds on it. It builds for that builder's first (native)
//                                platform only, through `--set *.platform=...`.
//   BAKE_MATRIX_TEST_BASE_IMAGE  required: an image the builder can pull without the internet
//                                (e.g. localhost:5000/busybox:latest); every stage starts FROM
//                                it, and it needs only busybox's sh, printf, echo, cat and mkdir.
//   BAKE_MATRIX_TEST_REGISTRY    optional, e.g. localhost:5000: push the images there
//                                (--push) and check each tag with `docker buildx imagetools
//                                inspect`. Without it the images stay in the builder
//                                (type=image,push=false) and are checked from --metadata-file.
//
// What it asserts comes from `--progress=plain` output, never from timing.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { countOutput, noEngine, parsePlainProgress, probeEngine, runSteps, type Engine } from '../helpers/buildx.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/bake-matrix.js');
const MATRIX = 'test/fixtures/engine-stack/matrix';
const GROUP = 'stack';
const FRAMEWORKS = ['vllm', 'sglang'];
const TARGETS = FRAMEWORKS.map((f) => `${f}-runtime`);
/** What each RUN of the fixture's Dockerfile prints, and how often one cold build runs it. */
const MARKERS: Record<string, number> = {
  'build-base': 1, // shared by both frameworks: built once
  'deps-torch': 1, // the shared torch layer
  'deps-engine-vllm': 1,
  'deps-engine-sglang': 1,
  framework: 2,
  runtime: 2,
};
const marker = (step: string) => `bake-matrix-fixture-${step} ran`;
const TIMEOUT = 15 * 60_000;

/** The engine to build on, or why the test cannot run here. */
async function engineOrReason(env: NodeJS.ProcessEnv): Promise<{ engine?: Engine; reason?: string }> {
  const reasons: string[] = [];
  const probe = await probeEngine(env);
  if (!probe.ok) reasons.push(probe.reason);
  if (!env.BAKE_MATRIX_TEST_BASE_IMAGE) {
    reasons.push('BAKE_MATRIX_TEST_BASE_IMAGE is not set: no image can be pulled without the internet, so name one the builder can pull (e.g. localhost:5000/busybox:latest)');
  }
  return probe.ok && !reasons.length ? { engine: probe.value } : { reason: reasons.join('; ') };
}

test('bake-matrix run builds the engine-stack fixture on a real builder', { timeout: TIMEOUT }, async (t) => {
  const { engine, reason } = await engineOrReason(process.env);
  if (!engine) {
    noEngine(t, 'the real-engine test', reason!);
    return;
  }
  const { platform } = engine;
  const registry = process.env.BAKE_MATRIX_TEST_REGISTRY || undefined;
  const runId = randomBytes(6).toString('hex');
  const version = `t-${runId}`;
  console.log(`real-engine test: builder ${engine.builder} (${engine.driver}), ${engine.version}, platform ${platform}, ${registry ? `pushing to ${registry}` : 'no registry: images stay in the builder'}`);

  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-engine-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, BAKE_MATRIX_TEST_RUN_ID: runId, VERSION: version };
  if (!registry) delete env.BAKE_MATRIX_TEST_REGISTRY; // an empty value would still override the bake variable
  const output = registry ? ['--push'] : ['--set', '*.output=type=image,push=false'];
  const common = ['--progress=plain', '--set', `*.platform=${platform}`, ...output];

  let run = 0;
  const bakeMatrixRun = async (extra: string[] = []) => {
    const metadata = join(dir, `metadata-${++run}.json`);
    const argv = ['run', '--matrix', MATRIX, '--out', join(dir, 'bake'), GROUP, ...common, '--metadata-file', metadata, ...extra];
    const result = await execa(process.execPath, [BIN, ...argv], { cwd: ROOT, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: TIMEOUT });
    const log = result.stderr;
    const shown = `bake-matrix ${argv.join(' ')} exited ${result.exitCode}; its output ends with:\n${tail(result.stdout + '\n' + log)}`;
    return { code: result.exitCode, log, steps: parsePlainProgress(log), metadata, shown };
  };

  let built = false;
  await t.test('a cold build runs every step, the shared base and torch layer once', async () => {
    const first = await bakeMatrixRun();
    assert.equal(first.code, 0, first.shown);
    for (const [step, times] of Object.entries(MARKERS)) {
      const lines = first.log.split('\n').filter((l) => l.includes(`-${step} ran`) || l.includes(` ${step} &&`)).join('\n');
      assert.equal(countOutput(first.steps, marker(step)), times, `the ${step} step should run ${times} time(s) in a cold build; the log's lines about it:\n${lines}\n${first.shown}`);
    }
    const metadata = JSON.parse(readFileSync(first.metadata, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const target of TARGETS) {
      assert.match(String(metadata[target]?.['containerimage.digest']), /^sha256:[0-9a-f]{64}$/, `no image digest for ${target} in --metadata-file: ${JSON.stringify(metadata)}`);
    }
    if (registry) {
      for (const framework of FRAMEWORKS) {
        const tag = `${registry}/bake-matrix-test/${framework}:${version}`;
        await assertPushed(tag, String(metadata[`${framework}-runtime`]!['containerimage.digest']), env);
      }
    }
    built = true;
  });

  await t.test('an identical second run is fully cached', { skip: !built && 'the cold build failed' }, async () => {
    const second = await bakeMatrixRun();
    assert.equal(second.code, 0, second.shown);
    const runs = runSteps(second.steps);
    assert.ok(runs.length >= TARGETS.length, `expected the RUN steps of ${TARGETS.join(', ')} in the log. ${second.shown}`);
    const executed = runs.filter((s) => !s.cached || s.done || s.output.length > 0);
    assert.deepEqual(executed.map((s) => s.name), [], `every RUN step of the second run should be CACHED. ${second.shown}`);
    for (const step of Object.keys(MARKERS)) assert.equal(countOutput(second.steps, marker(step)), 0, `the ${step} step ran again. ${second.shown}`);
  });

  await t.test('a failing build returns buildx\'s exit code', { skip: !built && 'the cold build failed' }, async (tt: TestContext) => {
    const fail = ['--set', `${TARGETS[0]}.args.FAIL=1`];
    const failed = await bakeMatrixRun(fail);
    assert.notEqual(failed.code, 0, failed.shown);
    assert.ok(failed.steps.some((s) => s.error), `expected a failed step in the log. ${failed.shown}`);
    assert.match(failed.log, /bake-matrix-fixture: FAIL=1, failing on purpose/, failed.shown);
    // The same build straight through buildx, on the file bake-matrix wrote: same exit code.
    const direct = await execa('docker', ['buildx', 'bake', '-f', join(dir, 'bake', 'docker-bake.json'), GROUP, ...common, ...fail], { cwd: join(ROOT, 'test/fixtures/engine-stack'), env, extendEnv: false, reject: false, stdin: 'ignore', timeout: TIMEOUT });
    tt.diagnostic(`buildx alone exited ${direct.exitCode}`);
    assert.notEqual(direct.exitCode, 0, `buildx alone should fail too:\n${tail(direct.stderr)}`);
    assert.equal(failed.code, direct.exitCode, `bake-matrix run should exit with buildx's code (${direct.exitCode}). ${failed.shown}`);
  });
});

/** The tag is in the registry, and its manifest is the one this build pushed. */
async function assertPushed(tag: string, digest: string, env: NodeJS.ProcessEnv) {
  const inspect = await execa('docker', ['buildx', 'imagetools', 'inspect', '--raw', tag], { env, extendEnv: false, reject: false, stdin: 'ignore', encoding: 'buffer', stripFinalNewline: false, timeout: 120_000 });
  assert.equal(inspect.exitCode, 0, `docker buildx imagetools inspect ${tag} failed: ${Buffer.from(inspect.stderr).toString()}`);
  const pushed = `sha256:${createHash('sha256').update(inspect.stdout).digest('hex')}`;
  assert.equal(pushed, digest, `${tag} in the registry is not the image this build pushed`);
}

function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
