// The readers the real-engine test asserts with (test/helpers/buildx.ts), on
// text in the formats buildx prints: `--progress=plain` (buildkit's
// progressui printer) and `docker buildx inspect`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseInspect } from '../../src/run/inspect-builder.ts';
import { countOutput, engineRequired, nativePlatform, noEngine, parsePlainProgress, runSteps } from '../helpers/buildx.ts';

// A multi-target bake: names carry the target as prefix; #8 is interrupted by
// #9 (`#8 ...`, then its header again); #10 fails.
const COLD = `#0 building with "remote-builder" instance using remote driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 1.41kB done
#1 DONE 0.0s

#5 [base build-base 1/2] FROM localhost:5000/busybox:latest@sha256:0123
#5 resolve localhost:5000/busybox:latest@sha256:0123 0.0s done
#5 CACHED

#8 [base build-base 2/2] RUN printf 'bake-matrix-fixture-%s ran\\n' build-base && mkdir -p /opt/stack
#8 0.105 bake-matrix-fixture-build-base ran
#8 ...

#9 [torch deps-torch 1/1] RUN printf 'bake-matrix-fixture-%s ran\\n' deps-torch
#9 0.211 bake-matrix-fixture-deps-torch ran
#9 DONE 0.3s

#8 [base build-base 2/2] RUN printf 'bake-matrix-fixture-%s ran\\n' build-base && mkdir -p /opt/stack
#8 DONE 0.4s

#10 [vllm-runtime runtime 2/2] RUN printf 'bake-matrix-fixture-%s ran\\n' runtime && if [ "$FAIL" = 1 ]; then exit 3; fi
#10 0.098 bake-matrix-fixture-runtime ran
#10 0.099 bake-matrix-fixture: FAIL=1, failing on purpose
#10 ERROR: process "/bin/sh -c printf ..." did not complete successfully: exit code: 3
`;

const WARM = `#7 [vllm-runtime runtime 1/2] COPY --link --from=framework /opt/stack/ /opt/stack/
#7 CACHED

#8 [vllm-runtime runtime 2/2] RUN printf 'bake-matrix-fixture-%s ran\\n' runtime
#8 CACHED
`;

test('parsePlainProgress: names, outcomes and output of each step', () => {
  const steps = parsePlainProgress(COLD);
  const byIndex = new Map(steps.map((s) => [s.index, s]));
  assert.deepEqual(steps.map((s) => s.index), [0, 1, 5, 8, 9, 10]);
  assert.equal(byIndex.get(5)!.name, '[base build-base 1/2] FROM localhost:5000/busybox:latest@sha256:0123');
  assert.deepEqual({ cached: byIndex.get(5)!.cached, done: byIndex.get(5)!.done, output: byIndex.get(5)!.output }, { cached: true, done: false, output: [] });
  assert.deepEqual({ cached: byIndex.get(8)!.cached, done: byIndex.get(8)!.done, output: byIndex.get(8)!.output }, { cached: false, done: true, output: ['bake-matrix-fixture-build-base ran'] });
  assert.match(byIndex.get(10)!.error ?? '', /exit code: 3$/);
  assert.deepEqual(runSteps(steps).map((s) => s.index), [8, 9, 10]);
});

test('countOutput counts executions, not the step headers that quote the command', () => {
  const cold = parsePlainProgress(COLD);
  assert.equal(countOutput(cold, 'bake-matrix-fixture-build-base ran'), 1);
  assert.equal(countOutput(cold, 'bake-matrix-fixture-deps-torch ran'), 1);
  assert.equal(countOutput(cold, 'bake-matrix-fixture-framework ran'), 0);
  const warm = parsePlainProgress(WARM);
  assert.equal(countOutput(warm, 'bake-matrix-fixture-runtime ran'), 0);
  assert.deepEqual(runSteps(warm).map((s) => [s.index, s.cached, s.done]), [[8, true, false]]);
});

test('countOutput counts the output buildx v0.10.4 prints as `#0 <time> <line>` for steps shared between targets', () => {
  // Captured: `bake-matrix run stack` of test/fixtures/engine-stack, cold, buildx v0.10.4 on BuildKit v0.11.6.
  const log = readFileSync(fileURLToPath(new URL('../fixtures/buildx-logs/v0.10.4-cold.txt', import.meta.url)), 'utf8');
  const steps = parsePlainProgress(log);
  const expected = { 'build-base': 1, 'deps-torch': 1, 'deps-engine-vllm': 1, 'deps-engine-sglang': 1, framework: 2, runtime: 2 };
  const counted = Object.fromEntries(Object.keys(expected).map((step) => [step, countOutput(steps, `bake-matrix-fixture-${step} ran`)]));
  assert.deepEqual(counted, expected);
  assert.ok(log.includes('#0 0.807 bake-matrix-fixture-deps-engine-vllm ran'), 'the log has headerless #0 output');
  assert.equal(steps.find((s) => s.index === 0)!.name, '', 'no output line is taken for a name');
});

const INSPECT_CASES = [
  {
    name: 'remote driver',
    text: 'Name:   remote-builder\nDriver: remote\n\nNodes:\nName:      remote-builder0\nEndpoint:  tcp://127.0.0.1:1234\nStatus:    running\nBuildkit:  v0.12.5\nPlatforms: linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386\n',
    expected: 'linux/amd64',
  },
  {
    name: 'a configured platform is marked with * (docs/reference/buildx_inspect.md)',
    text: 'Name:          elated_tesla\nDriver:        docker-container\n\nNodes:\nName:           elated_tesla0\nEndpoint:       unix:///var/run/docker.sock\nStatus:         running\nBuildKit:       v0.10.6\nPlatforms:      linux/arm64*, linux/arm/v7, linux/arm/v6\n',
    expected: 'linux/arm64',
  },
  {
    name: 'the first running node',
    text: 'Name:   multi\nDriver: docker-container\n\nNodes:\nName:      multi0\nStatus:    inactive\nPlatforms: linux/arm64\n\nName:      multi1\nStatus:    running\nPlatforms: linux/amd64\n',
    expected: 'linux/amd64',
  },
  { name: 'no running node', text: 'Name:   stopped\nDriver: docker-container\n\nNodes:\nName:      stopped0\nStatus:    stopped\n', expected: undefined },
];

for (const { name, text, expected } of INSPECT_CASES) {
  test(`nativePlatform: ${name}`, () => assert.equal(nativePlatform(parseInspect(text)), expected));
}

const REQUIRED_CASES: { env: NodeJS.ProcessEnv; required: boolean }[] = [
  { env: {}, required: false },
  { env: { CI: 'true' }, required: true },
  { env: { CI: 'TRUE' }, required: true },
  { env: { CI: '1' }, required: true },
  { env: { CI: 'false' }, required: false },
  { env: { CI: '' }, required: false },
  { env: { BAKE_MATRIX_REQUIRE_ENGINE: '1' }, required: true },
  { env: { CI: 'true', BAKE_MATRIX_REQUIRE_ENGINE: '0' }, required: false },
  { env: { CI: 'false', BAKE_MATRIX_REQUIRE_ENGINE: '1' }, required: true },
];

for (const { env, required } of REQUIRED_CASES) {
  test(`engineRequired: ${JSON.stringify(env)} -> ${required}`, () => assert.equal(engineRequired(env), required));
}

/** A stand-in for the test context: records what noEngine did with it. */
function fakeContext() {
  const skipped: (string | undefined)[] = [];
  return { t: { skip: (reason?: string) => skipped.push(reason) } as unknown as TestContext, skipped };
}

test('noEngine skips with the reason outside CI', (t) => {
  const { t: context, skipped } = fakeContext();
  t.mock.method(console, 'log', () => {});
  noEngine(context, 'the real-engine test', 'docker buildx is not available', {});
  assert.deepEqual(skipped, ['docker buildx is not available']);
});

test('noEngine fails with the reason and the remedy in CI, and does not skip', () => {
  const { t: context, skipped } = fakeContext();
  assert.throws(() => noEngine(context, 'the real-engine test', 'docker buildx is not available', { CI: 'true' }), {
    name: 'AssertionError',
    message: /^the real-engine test cannot run, and CI=true requires it to: docker buildx is not available\. Start the engine with `npm run engine:up`/,
  });
  assert.deepEqual(skipped, []);
});
