// `bake-matrix ci`: the jobs of a group, one per (closure, platform), in
// dependency levels, sharded at max-jobs. Pinned on the example stack.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { generate } from '../../src/generate.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { CI_DOCKERFILE, CI_STACK } from './stack.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface GithubJob {
  id: string;
  name: string;
  level: number;
  platform: string;
  runner: string | string[];
  targets: string;
  bake: string;
  images: string;
}
interface GithubCi {
  count: number;
  jobs: number;
  levels: number;
  'stage-levels': number[];
  stages: { include: GithubJob[] }[];
}

describe('bake-matrix ci default --format github on the example stack', async () => {
  const run = await runCli(['ci', 'default', '--format', 'github'], root);
  const generated = generate('matrix', root);
  assert.ok(generated.ok);
  const { plan } = generated.value;
  const pp = plan.perPlatform!;

  test('prints valid JSON: one strategy.matrix per stage', () => {
    assert.equal(run.code, 0, run.stderr);
    const ci = JSON.parse(run.stdout) as GithubCi;
    assert.equal(ci.count, ci.stages.length);
    assert.equal(ci.jobs, ci.stages.reduce((n, s) => n + s.include.length, 0));
    for (const stage of ci.stages) {
      assert.deepEqual(Object.keys(stage), ['include']);
      for (const job of stage.include) for (const value of Object.values(job)) assert.ok(['string', 'number'].includes(typeof value) || Array.isArray(value));
    }
  });

  test('the jobs cover every (image, platform) of the group exactly once', () => {
    const ci = JSON.parse(run.stdout) as GithubCi;
    const built = ci.stages.flatMap((s) => s.include.flatMap((j) => j.targets.split(' ')));
    assert.equal(new Set(built).size, built.length, 'no target is built by two jobs');
    const expected = plan.bake.group.default!.targets.flatMap((image) => plan.targets.get(image)!.platforms.map((p) => pp.targets.get(image)!.get(p)!));
    assert.equal(expected.length, 40); // runtime and dev of 11 images (vllm cu129/cu130/cpu, sglang cu129/cu130, trtllm cu130; the CUDA ones also on Rocky Linux) x 2 platforms, but trtllm's arm64: 20 x 2
    for (const variant of expected) assert.equal(built.filter((t) => t === variant).length, 1, variant);
    const images = ci.stages.flatMap((s) => s.include.flatMap((j) => j.images.split(' ').filter(Boolean).map((i) => `${i}@${j.platform}`)));
    assert.deepEqual(images.sort(), plan.bake.group.default!.targets.flatMap((i) => plan.targets.get(i)!.platforms.map((p) => `${i}@${p}`)).sort());
  });

  test('each job builds one platform on its runner', () => {
    const ci = JSON.parse(run.stdout) as GithubCi;
    for (const job of ci.stages.flatMap((s) => s.include)) {
      assert.deepEqual(job.runner, { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' }[job.platform]);
      for (const t of job.targets.split(' ')) assert.equal(pp.of.get(t)!.platform, job.platform);
    }
  });

  test('shared bases are built once, a level before the jobs that reuse them from their cache', () => {
    const ci = JSON.parse(run.stdout) as GithubCi;
    const jobs = ci.stages.flatMap((s, i) => s.include.map((j) => ({ ...j, stage: i })));
    const builder = new Map(jobs.flatMap((j) => j.targets.split(' ').map((t) => [t, j] as const)));
    assert.deepEqual(jobs.filter((j) => j.level === 0).map((j) => j.targets).sort(), [
      'base-cpu-amd64 torch-cpu-amd64 vllm-cpu-engine-amd64 vllm-cpu-framework-amd64 vllm-cpu-runtime-amd64 vllm-cpu-dev-amd64',
      'base-cpu-arm64 torch-cpu-arm64 vllm-cpu-engine-arm64 vllm-cpu-framework-arm64 vllm-cpu-runtime-arm64 vllm-cpu-dev-arm64',
      'base-cu129-amd64 torch-cu129-amd64',
      'base-cu129-arm64 torch-cu129-arm64',
      'base-cu129-rockylinux-amd64 torch-cu129-rockylinux-amd64',
      'base-cu129-rockylinux-arm64 torch-cu129-rockylinux-arm64',
      'base-cu130-amd64 torch-cu130-amd64',
      'base-cu130-arm64 torch-cu130-arm64',
      'base-cu130-rockylinux-amd64 torch-cu130-rockylinux-amd64',
      'base-cu130-rockylinux-arm64 torch-cu130-rockylinux-arm64',
    ]); // the CPU base has one consumer: its job builds the whole chain
    for (const job of jobs) {
      for (const target of job.targets.split(' ')) {
        for (const link of Object.values(plan.bake.target[target]!.contexts ?? {})) {
          const linked = builder.get(link.replace(/^target:/, ''))!;
          assert.ok(linked, `${link} is built by a job`);
          if (linked !== job) {
            assert.ok(linked.level < job.level && linked.stage < job.stage, `${target} (level ${job.level}) links ${link} of level ${linked.level}`);
            assert.ok(job.bake.includes(`--set ${link.replace(/^target:/, '')}.cache-to=`), `${job.id} does not write the cache of ${link} again`);
          }
        }
      }
    }
    const vllm = jobs.find((j) => j.id === '1-vllm-cu129-dev-arm64')!;
    assert.equal(vllm.bake, 'vllm-cu129-engine-arm64 vllm-cu129-framework-arm64 vllm-cu129-runtime-arm64 vllm-cu129-dev-arm64 --set base-cu129-arm64.cache-to= --set torch-cu129-arm64.cache-to=');
  });

  test('says what it planned on stderr', () => {
    assert.match(run.stderr, /^bake-matrix ci: 28 jobs in 2 levels, 2 stages \(at most 256 jobs each\)$/m);
  });
});

describe('bake-matrix ci', () => {
  const dir = testdir({ 'matrix/stack.yaml': CI_STACK.replace('    linux/arm64: [self-hosted, arm64]\n', '    linux/arm64: [self-hosted, arm64]\n  max-jobs: 2\n'), Dockerfile: CI_DOCKERFILE });

  test('splits a level with more than max-jobs jobs into stages, and says so', async () => {
    const run = await runCli(['ci'], dir);
    assert.equal(run.code, 0, run.stderr);
    const ci = JSON.parse(run.stdout) as { jobs: { level: number; stage: number; platform: string; runner: unknown }[]; stages: number; levels: number; sharded: unknown };
    // Bases: 2 per platform (level 0, 4 jobs); runtimes: 4 per platform (level 1, 8 jobs).
    assert.equal(ci.levels, 2);
    assert.equal(ci.stages, 6);
    assert.deepEqual(ci.sharded, [{ level: 0, jobs: 4, stages: 2 }, { level: 1, jobs: 8, stages: 4 }]);
    for (let s = 0; s < ci.stages; s++) assert.ok(ci.jobs.filter((j) => j.stage === s).length <= 2);
    assert.ok(ci.jobs.every((j, i) => i === 0 || ci.jobs[i - 1]!.stage <= j.stage));
    assert.deepEqual(ci.jobs.find((j) => j.platform === 'linux/arm64')!.runner, ['self-hosted', 'arm64']);
    assert.match(run.stderr, /level 1 has 8 jobs: split into 4 stages run one after the other/);
  });

  test('one image of one platform set: a single job per platform', async () => {
    const run = await runCli(['ci', 'vllm-cu129', '--format', 'github'], dir);
    assert.equal(run.code, 0, run.stderr);
    const ci = JSON.parse(run.stdout) as GithubCi;
    assert.deepEqual(ci.stages.flatMap((s) => s.include.map((j) => j.bake)), ['base-cu129-amd64 vllm-cu129-runtime-amd64', 'base-cu129-arm64 vllm-cu129-runtime-arm64']);
  });

  const errors = [
    { name: 'more stages than the workflow has', args: ['ci', '--max-stages', '3'], message: /needs 6 stages of CI jobs .* but the workflow runs 3/ },
    { name: 'a per-platform name', args: ['ci', 'vllm-cu129-arm64'], message: /"vllm-cu129-arm64" is a per-platform name/ },
    { name: 'an unknown name', args: ['ci', 'vllm-cu128'], message: /"vllm-cu128" is no target or group of the matrix. Did you mean "vllm-cu129"/ },
    { name: 'an unknown format', args: ['ci', '--format', 'circleci'], message: /"circleci" is not a CI format; use one of json, github, gitlab, buildkite/ },
  ];
  for (const e of errors) {
    test(`exit 2: ${e.name}`, async () => {
      const run = await runCli(e.args, dir);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, e.message);
    });
  }

  test('a job whose targets use a GitHub Actions cache says so (gha), for the workflow to expose the cache token', async () => {
    const stack = CI_STACK.replace('    tags:\n', '    cache: { ref: "{registry}/cache:{target}", gha: "{target}" }\n    tags:\n');
    const gha = testdir({ 'matrix/stack.yaml': stack, Dockerfile: CI_DOCKERFILE });
    const run = await runCli(['ci', 'default', '--format', 'github'], gha);
    assert.equal(run.code, 0, run.stderr);
    const entries = (JSON.parse(run.stdout) as GithubCi).stages.flatMap((s) => s.include) as unknown as { bake: string; gha: string }[];
    assert.ok(entries.length > 4);
    for (const entry of entries) assert.equal(entry.gha, String(entry.bake.includes('-runtime-')), entry.bake);
    const plain = JSON.parse((await runCli(['ci', 'default', '--format', 'github'], dir)).stdout) as GithubCi;
    assert.ok(plain.stages.flatMap((s) => s.include).every((e) => (e as unknown as { gha: string }).gha === 'false'));
  });

  test('exit 2 without ci: in the matrix', async () => {
    const plain = testdir({ 'matrix/stack.yaml': CI_STACK.replace(/\nci:[\s\S]*$/, '\n'), Dockerfile: CI_DOCKERFILE });
    const run = await runCli(['ci', 'default'], plain);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no `ci:` key/);
  });
});

describe('ci.runners per Windows release', () => {
  const matrix = (runners: string) =>
    [
      'name: win',
      'registry: registry.test/win',
      'platforms: [linux/amd64, windows/amd64]',
      'axes:',
      '  variant:',
      '    bookworm: { platforms: [linux/amd64] }',
      '    ltsc2022: { platforms: [windows/amd64], os_version: 10.0.20348 }',
      '    ltsc2025: { platforms: [windows/amd64], os_version: 10.0.26100 }',
      '    nano: { platforms: [windows/amd64] }',
      'stages:',
      '  app:',
      '    axes: [variant]',
      '    name: "app-{variant}"',
      '    tags: ["{registry}/app:{variant}"]',
      'ci:',
      '  runners:',
      runners,
      '',
    ].join('\n');
  const dockerfile = 'FROM scratch\nCOPY Dockerfile /\n';

  test('an image of a release takes the runner named for it (containerd\'s windows(<os.version>)/amd64), the others the plain platform\'s', async () => {
    const dir = testdir({
      'bake-matrix.yaml': matrix(['    linux/amd64: ubuntu-24.04', '    windows(10.0.20348)/amd64: windows-2022', '    "windows(10.0.26100.4946)/amd64": [self-hosted, ltsc2025]', '    windows/amd64: windows-latest'].join('\n')),
      Dockerfile: dockerfile,
    });
    const run = await runCli(['ci', 'default', '--format', 'json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const ci = JSON.parse(run.stdout) as { jobs: { targets: string[]; runner: unknown }[] };
    const runnerOf = (target: string) => ci.jobs.find((j) => j.targets.includes(target))?.runner;
    assert.equal(runnerOf('app-bookworm-amd64'), 'ubuntu-24.04');
    assert.equal(runnerOf('app-ltsc2022-windows-amd64'), 'windows-2022');
    assert.deepEqual(runnerOf('app-ltsc2025-windows-amd64'), ['self-hosted', 'ltsc2025'], 'one release: major.minor.build match');
    assert.equal(runnerOf('app-nano-windows-amd64'), 'windows-latest', 'no os_version: the plain key');
  });

  test('a release without its own key and no plain key: missing-runner names the release and both ways to fix it', async () => {
    const dir = testdir({ 'bake-matrix.yaml': matrix(['    linux/amd64: ubuntu-24.04', '    windows(10.0.20348)/amd64: windows-2022'].join('\n')), Dockerfile: dockerfile });
    const run = await runCli(['generate'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error missing-runner {2}\(ci\.runners\)\n {2}No runner for windows\(10\.0\.26100\)\/amd64, which 1 target builds \(app-ltsc2025\)\./);
    assert.match(run.stderr, /hint: Add "windows\(10\.0\.26100\)\/amd64: <runner label>" \(a host of that Windows release\) or "windows\/amd64: <runner label>" under ci\.runners/);
    assert.match(run.stderr, /No runner for windows\/amd64, which 1 target builds \(app-nano\)\./);
  });

  test('a key whose OS version is not a dotted number is a schema error', async () => {
    const dir = testdir({ 'bake-matrix.yaml': matrix(['    linux/amd64: ubuntu-24.04', '    windows(ltsc2022)/amd64: windows-2022', '    windows/amd64: windows-latest'].join('\n')), Dockerfile: dockerfile });
    const run = await runCli(['generate'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /ci\.runners/);
  });
});
