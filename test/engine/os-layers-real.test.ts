// Acceptance test on a real BuildKit builder: layers that differ per OS, the
// BuildKit way (no templated Dockerfile). The fixture test/fixtures/os-stack
// is the example stack's `os` axis in miniature: a Dockerfile stage per OS
// (os-ubuntu, os-rockylinux; dev-ubuntu, dev-rockylinux) picked by
// `FROM os-${OS}` and `FROM dev-${OS}`. Building one OS's group must run that
// OS's RUN steps and never the other's. Two local base images stand in for the
// distributions (only Debian's archive is reachable here):
// BAKE_MATRIX_TEST_BASE_IMAGE for Ubuntu, and for Rocky Linux an image this test
// builds from it with a marker file and pushes to BAKE_MATRIX_TEST_REGISTRY
// (os-rockylinux's RUN fails without that file). Needs buildx, a builder, both
// variables (see bake-real.test.ts); skips, saying why, otherwise (fails in CI).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { generate } from '../../src/generate.ts';
import { countOutput, noEngine, parsePlainProgress, probeEngine } from '../helpers/buildx.ts';
import { testdir } from '../helpers/testdir.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/bake-matrix.js');
const MATRIX = 'test/fixtures/os-stack/matrix';
const TIMEOUT = 15 * 60_000;
const OSES = ['ubuntu', 'rockylinux'] as const;
/** The markers of the steps each OS's group runs: its own os- and dev- stages, and the shared stages on its layers. */
const markers = (os: string) => [`os-${os}`, `build-base-${os}`, `runtime-${os}`, `dev-${os}`, `dev-image-${os}`];
const marker = (step: string) => `bake-matrix-fixture-${step} ran`;

test('the fixture generates without a problem: a group per OS, each target on its own OS\'s base image', () => {
  const result = generate(MATRIX, ROOT);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
  assert.deepEqual(result.value.warnings, []);
  const { bake, targets } = result.value.plan;
  for (const os of OSES) {
    assert.deepEqual(bake.group[`stack-${os}`]?.targets, [`runtime-${os}`, `dev-${os}`]);
    assert.equal(targets.get(`base-${os}`)!.args.OS?.preview, os);
  }
  assert.equal(bake.target['base-ubuntu']!.args?.BASE_IMAGE, '${BAKE_MATRIX_TEST_BASE_IMAGE}');
  assert.equal(bake.target['base-rockylinux']!.args?.BASE_IMAGE, '${BAKE_MATRIX_TEST_RPM_IMAGE}');
});

test('a build of one OS runs only that OS\'s RUN steps', { timeout: TIMEOUT }, async (t) => {
  const probe = await probeEngine(process.env);
  const registry = process.env.BAKE_MATRIX_TEST_REGISTRY;
  const base = process.env.BAKE_MATRIX_TEST_BASE_IMAGE;
  const reasons = [
    ...(probe.ok ? [] : [probe.reason]),
    ...(base ? [] : ['BAKE_MATRIX_TEST_BASE_IMAGE is not set (an image the builder can pull without the internet)']),
    ...(registry ? [] : ['BAKE_MATRIX_TEST_REGISTRY is not set: the test pushes the second base image there']),
  ];
  if (!probe.ok || reasons.length) {
    noEngine(t, 'the per-OS layers test', reasons.join('; '));
    return;
  }
  const { platform } = probe.value;
  const runId = randomBytes(6).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env, BAKE_MATRIX_TEST_RUN_ID: runId, VERSION: `t-${runId}` };

  // The Rocky Linux stand-in: the base image plus a marker file, pushed under a tag of this run.
  const rpm = `${registry}/bake-matrix-test/rpm-stand-in:${runId}`;
  const folder = testdir({ Dockerfile: `FROM ${base}\nRUN mkdir -p /etc && echo rockylinux > /etc/bake-matrix-rpm-stand-in\n` });
  const made = await execa('docker', ['buildx', 'build', '--progress=plain', '--platform', platform, '--push', '-t', rpm, folder], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: TIMEOUT });
  assert.equal(made.exitCode, 0, `building the Rocky Linux stand-in failed:\n${made.stderr.split('\n').slice(-30).join('\n')}`);
  env.BAKE_MATRIX_TEST_RPM_IMAGE = rpm;

  const out = testdir({});
  for (const os of OSES) {
    await t.test(`stack-${os}: its own os- and dev- stages run, the other OS's never`, async () => {
      const argv = ['run', '--matrix', MATRIX, '--out', join(out, os), `stack-${os}`, '--progress=plain', '--set', `*.platform=${platform}`, '--push'];
      const result = await execa(process.execPath, [BIN, ...argv], { cwd: ROOT, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: TIMEOUT });
      const shown = `bake-matrix ${argv.join(' ')} exited ${result.exitCode}; its output ends with:\n${result.stderr.split('\n').slice(-60).join('\n')}`;
      assert.equal(result.exitCode, 0, shown);
      const steps = parsePlainProgress(result.stderr);
      // Print the excerpt the closing note quotes: every marker line of the log.
      t.diagnostic(`stack-${os} markers: ${result.stderr.split('\n').filter((l) => / bake-matrix-fixture-\S+ ran$/.test(l)).join(' | ')}`);
      for (const step of markers(os)) assert.ok(countOutput(steps, marker(step)) >= 1, `the ${step} step should run for ${os}. ${shown}`);
      for (const other of OSES.filter((o) => o !== os)) {
        for (const step of markers(other)) assert.equal(countOutput(steps, marker(step)), 0, `the ${step} step of ${other} ran in the ${os} build. ${shown}`);
        const foreign = steps.filter((s) => new RegExp(`^\\[\\S+ (os|dev)-${other} `).test(s.name)).map((s) => s.name);
        assert.deepEqual(foreign, [], `the ${os} build has steps of ${other}'s stages. ${shown}`);
      }
    });
  }
});
