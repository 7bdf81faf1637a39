// `run --skip-built` against the stand-in docker (its `imagetools inspect`
// answers for the references of FAKE_DOCKER_IMAGES), and the decision itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decideSkips } from '../../src/run/skip-built.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from './fake-docker.ts';

const PLATFORMS = { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' };

describe('decideSkips', () => {
  const FILE: BakeFile = {
    group: {},
    target: {
      base: {},
      torch: { contexts: { base: 'target:base' } },
      'a-runtime': { contexts: { base: 'target:base', torch: 'target:torch' } },
      'b-runtime': { contexts: { base: 'target:base', torch: 'target:torch' } },
      'a-dev': { contexts: { runtime: 'target:a-runtime' } },
      lonely: {},
    },
  };
  const TAGS = new Map<string, string | undefined>([
    ['base', undefined],
    ['torch', undefined],
    ['lonely', undefined],
    ['a-runtime', 'r/a:inputs-1'],
    ['b-runtime', 'r/b:inputs-2'],
    ['a-dev', 'r/a:inputs-3'],
  ]);
  const ALL = ['base', 'torch', 'a-runtime', 'b-runtime', 'a-dev'];
  const cases = [
    { name: 'nothing exists: everything builds', requested: ALL, existing: [], build: ALL, skipped: [], unneeded: [] },
    { name: 'everything exists: the untagged parents are left out too', requested: ALL, existing: ['r/a:inputs-1', 'r/b:inputs-2', 'r/a:inputs-3'], build: [], skipped: ['a-runtime', 'b-runtime', 'a-dev'], unneeded: ['base', 'torch'] },
    { name: 'one image missing: its parents stay', requested: ALL, existing: ['r/a:inputs-1', 'r/a:inputs-3'], build: ['base', 'torch', 'b-runtime'], skipped: ['a-runtime', 'a-dev'], unneeded: [] },
    { name: 'a skipped image a built one links is still skipped as a request (bake builds it as a link)', requested: ['a-runtime', 'a-dev'], existing: ['r/a:inputs-1'], build: ['a-dev'], skipped: ['a-runtime'], unneeded: [] },
    { name: 'an untagged target nothing skipped links stays', requested: ['lonely', 'a-runtime'], existing: ['r/a:inputs-1'], build: ['lonely'], skipped: ['a-runtime'], unneeded: [] },
    { name: 'an untagged target requested alone stays (its consumers are not known here)', requested: ['base'], existing: ['r/a:inputs-1'], build: ['base'], skipped: [], unneeded: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = decideSkips(FILE, c.requested, TAGS, new Set(c.existing));
      assert.deepEqual({ build: d.build, skipped: d.skipped.map((s) => s.name), unneeded: d.unneeded }, { build: c.build, skipped: c.skipped, unneeded: c.unneeded });
    });
  }
});

/** The content tags `hash` prints for the stack's targets. */
async function contentTags(cwd: string, names: string[]): Promise<Record<string, string>> {
  // The stack's context is its root, which holds the generated bake file `run` writes: write it first.
  assert.equal((await runCli(['generate'], cwd, {})).code, 0);
  const r = await runCli(['hash', ...names, '--json'], cwd, {});
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries((JSON.parse(r.stdout) as { targets: { name: string; contentTag?: string }[] }).targets.map((t) => [t.name, t.contentTag!]));
}

const closureOf = (cwd: string, bakeCall: string[]) => JSON.parse(readFileSync(join(cwd, bakeCall[3]!), 'utf8')) as BakeFile;

describe('run --skip-built', () => {
  test('nothing exists: the group is built, every image with its content tag and every target with the inputs label', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129']);
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129', '--skip-built'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const inspects = docker.calls().filter((c) => c[1] === 'imagetools' && c[2] === 'inspect').map((c) => c[3]).sort();
    assert.deepEqual(inspects, Object.values(tags).sort());
    const bake = docker.bakeCall()!;
    assert.deepEqual(bake.slice(4, 6), ['vllm-cu129-runtime', 'vllm-cu129-dev']);
    const closure = closureOf(cwd, bake);
    assert.ok(closure.target['vllm-cu129-runtime']!.tags!.includes(tags['vllm-cu129-runtime']!));
    assert.ok(closure.target['vllm-cu129-dev']!.tags!.includes(tags['vllm-cu129-dev']!));
    for (const name of ['vllm-cu129-runtime', 'vllm-cu129-dev', 'base-cu129']) assert.match(closure.target[name]!.labels!['io.bake-matrix.inputs']!, /^sha256:[0-9a-f]{64}$/, name);
    assert.match(r.stderr, /--skip-built: 2 to build, 0 skipped/);
  });

  test('with an overlay read from stdin: the whole file buildx gets still has the content tags and labels', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129']);
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129', '--skip-built', '-f', '-'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const bake = docker.bakeCall()!;
    assert.deepEqual(bake.slice(4, 6), ['-f', '-']);
    assert.notEqual(bake[3], 'bake/docker-bake.json', 'not the generated file, which has no content tags');
    const handed = closureOf(cwd, bake);
    assert.ok(handed.target['trtllm-cu130-runtime'], 'the whole file: an overlay read from stdin may name any target');
    assert.ok(handed.target['vllm-cu129-runtime']!.tags!.includes(tags['vllm-cu129-runtime']!));
    assert.match(handed.target['vllm-cu129-dev']!.labels!['io.bake-matrix.inputs']!, /^sha256:[0-9a-f]{64}$/);
  });

  test('every image exists: buildx is not called at all', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129']);
    const docker = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: Object.values(tags).join(',') });
    const r = await runCli(['run', 'vllm-cu129', '--skip-built'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(docker.bakeCall(), undefined);
    assert.match(r.stderr, /nothing handed to buildx/);
    assert.ok(!docker.calls().some((c) => c[1] === 'imagetools' && c[2] === 'create'), 'no --push: no tag made');
  });

  test('one image exists: only the other is built', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129']);
    const docker = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: tags['vllm-cu129-runtime']! });
    const r = await runCli(['run', 'vllm-cu129', '--skip-built'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(docker.bakeCall()!.slice(4, 5), ['vllm-cu129-dev']);
    assert.match(r.stderr, /skip {3}vllm-cu129-runtime: .* exists/);
  });

  test('with --push, a skipped image gets its missing final tags from its digest, with no build', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129-runtime']);
    const digest = `sha256:${'a'.repeat(64)}`;
    const docker = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: `${tags['vllm-cu129-runtime']}=${digest}` });
    const r = await runCli(['run', 'vllm-cu129-runtime', '--skip-built', '--push'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(docker.bakeCall(), undefined);
    const creates = docker.calls().filter((c) => c[1] === 'imagetools' && c[2] === 'create');
    assert.deepEqual(creates, [['buildx', 'imagetools', 'create', '-t', 'ghcr.io/example/vllm:cu129', `ghcr.io/example/vllm@${digest}`]]);
    assert.deepEqual(docker.violations(), []);
  });

  test('with --push, final tags already at that digest are left alone', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129-runtime']);
    const digest = `sha256:${'b'.repeat(64)}`;
    const docker = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: `${tags['vllm-cu129-runtime']}=${digest},ghcr.io/example/vllm:cu129=${digest}` });
    const r = await runCli(['run', 'vllm-cu129-runtime', '--skip-built', '--push'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!docker.calls().some((c) => c[1] === 'imagetools' && c[2] === 'create'));
  });

  test('a build-changing --set changes the content tags looked up; cache-to does not', async () => {
    const cwd = stackDir();
    const tags = await contentTags(cwd, ['vllm-cu129-runtime']);
    const plain = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: tags['vllm-cu129-runtime']! });
    assert.equal((await runCli(['run', 'vllm-cu129-runtime', '--skip-built', '--set', 'vllm-cu129-runtime.cache-to='], cwd, plain.env)).code, 0);
    assert.equal(plain.bakeCall(), undefined, 'cache-to does not change the image');
    const changed = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: tags['vllm-cu129-runtime']! });
    assert.equal((await runCli(['run', 'vllm-cu129-runtime', '--skip-built', '--set', '*.args.ENGINE=other'], cwd, changed.env)).code, 0);
    assert.ok(changed.bakeCall(), 'an arg set at run time changes the image');
  });

  test('without --skip-built nothing is looked up and nothing is added', async () => {
    const cwd = stackDir();
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!docker.calls().some((c) => c[1] === 'imagetools'));
    const closure = closureOf(cwd, docker.bakeCall()!);
    assert.equal(closure.target['vllm-cu129-runtime']!.labels?.['io.bake-matrix.inputs'], undefined);
    assert.deepEqual(docker.bakeCall()!.slice(4, 5), ['vllm-cu129']);
  });
});

describe('hash --pin-bases', () => {
  test('looks the base images up: another digest under the same tag, another input digest', async () => {
    const cwd = stackDir();
    const digestWith = async (images: string) => {
      const docker = fakeDocker({ FAKE_DOCKER_IMAGES: images });
      const r = await runCli(['hash', 'vllm-cu129-runtime', '--pin-bases', '--json'], cwd, docker.env);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(docker.calls().some((c) => c[2] === 'inspect' && c[3] === 'busybox'), 'busybox looked up');
      return (JSON.parse(r.stdout) as { targets: { digest: string }[] }).targets[0]!.digest;
    };
    const one = await digestWith(`busybox=sha256:${'1'.repeat(64)}`);
    assert.equal(await digestWith(`busybox=sha256:${'1'.repeat(64)}`), one);
    assert.notEqual(await digestWith(`busybox=sha256:${'2'.repeat(64)}`), one);
  });
});

test('run --skip-built --dry-run says that nothing is looked up, and shows the plan without skips', async () => {
  const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
  const run = await runCli(['run', 'vllm-cu129', '--skip-built', '--dry-run'], stackDir(), docker.env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^bake-matrix: --skip-built: nothing looked up under --dry-run;/m);
  assert.match(run.stdout, /Nothing was run \(--dry-run\)\./);
  assert.deepEqual(docker.calls(), [], 'no look-up, no docker at all');
});

test('hash --pin-bases with a base that cannot be looked up: exit 2 base-not-found naming it, no digest', async () => {
  const docker = fakeDocker({ FAKE_DOCKER_IMAGES: '' });
  const r = await runCli(['hash', 'vllm-cu129-runtime', '--pin-bases'], stackDir(), docker.env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /base-not-found[\s\S]*--pin-bases: the base image busybox \(.+\) could not be looked up/);
  assert.equal(r.stdout, '');
});
