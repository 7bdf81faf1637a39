import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Listing } from '../../src/inspect/list.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtureProject } from './fixture.ts';
import { testdir } from '../helpers/testdir.ts';
import { SHARED_TAG_STACK } from '../ci/stack.ts';

const root = fixtureProject();
const listJson = async (...where: string[]): Promise<Listing> => {
  const run = await runCli(['list', '--json', ...where.flatMap((w) => ['--where', w])], root);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Listing;
};

describe('list --where', () => {
  const cases = [
    { name: 'no filter lists every target but _common', where: [], targets: ['base-c1', 'base-c2', 'deps-c1', 'one-c1-app', 'deps-c2', 'one-c2-app', 'two-c1-app', 'two-c2-app'], groups: ['app', 'base', 'c1', 'c2', 'default', 'one', 'two'] },
    { name: 'one axis keeps the targets that have that value', where: ['cuda=c1'], targets: ['base-c1', 'deps-c1', 'one-c1-app', 'two-c1-app'], groups: ['app', 'base', 'c1', 'default', 'one', 'two'] },
    { name: 'a target without the axis does not match it', where: ['engine=one'], targets: ['one-c1-app', 'one-c2-app'], groups: ['app', 'c1', 'c2', 'default', 'one'] },
    { name: 'two axes must both match', where: ['engine=one', 'cuda=c2'], targets: ['one-c2-app'], groups: ['app', 'c2', 'default', 'one'] },
    { name: 'values of one axis are alternatives', where: ['engine=one,two', 'cuda=c1'], targets: ['one-c1-app', 'two-c1-app'], groups: ['app', 'c1', 'default', 'one', 'two'] },
    { name: 'a repeated axis adds alternatives', where: ['engine=two', 'engine=one', 'cuda=c1'], targets: ['one-c1-app', 'two-c1-app'], groups: ['app', 'c1', 'default', 'one', 'two'] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const listing = await listJson(...c.where);
      assert.deepEqual(listing.targets.map((t) => t.name), c.targets);
      assert.deepEqual(listing.groups.map((g) => g.name), c.groups);
    });
  }

  test('a filtered group shows its matching members and keeps all of them in targets', async () => {
    const listing = await listJson('engine=one', 'cuda=c2');
    const group = listing.groups.find((g) => g.name === 'default')!;
    assert.deepEqual(group.matching, ['one-c2-app']);
    assert.deepEqual(group.targets, ['one-c1-app', 'one-c2-app', 'two-c1-app', 'two-c2-app']);
    const text = (await runCli(['list', '--where', 'engine=one', '--where', 'cuda=c2'], root)).stdout;
    assert.match(text, /^default\s+one-c2-app \(\+3 more\)$/m);
    assert.match(text, /^1 target \(1 stage, 0 layers\) of 8 match engine=one cuda=c2; 4 of 7 groups hold one$/m);
  });

  const invalid = [
    { name: 'unknown axis', where: 'engin=one', message: /no axis "engin"\. Did you mean "engine"\?/ },
    { name: 'unknown value', where: 'cuda=c3', message: /axis "cuda" has no value "c3"\. Did you mean "c1" or "c2"\?/ },
    { name: 'no "="', where: 'cuda', message: /--where "cuda" is not of the form AXIS=VALUE/ },
  ];
  for (const c of invalid) {
    test(`${c.name} is a usage error (exit 2)`, async () => {
      const run = await runCli(['list', '--where', c.where], root);
      assert.equal(run.code, 2);
      assert.match(run.stderr, c.message);
      assert.equal(run.stdout, '');
    });
  }
});

describe('list output', () => {
  test('--json describes each target: kind, stage, values, platforms, inherits, tags, layer users', async () => {
    const listing = await listJson();
    assert.deepEqual(listing.axes, ['cuda', 'engine']);
    assert.deepEqual(listing.targets.find((t) => t.name === 'one-c1-app'), {
      name: 'one-c1-app',
      kind: 'stage',
      stage: 'app',
      values: { engine: 'one', cuda: 'c1' },
      platforms: ['linux/amd64'],
      inherits: ['base-c1'],
      tags: [{ bake: '${REGISTRY}/one:${VERSION}-c1', preview: 'ghcr.io/fx/one:dev-c1', shared: false }],
    });
    assert.deepEqual(listing.targets.find((t) => t.name === 'deps-c1'), {
      name: 'deps-c1',
      kind: 'layer',
      stage: 'app',
      layer: 'deps',
      values: { cuda: 'c1' },
      platforms: ['linux/amd64'],
      inherits: ['base-c1'],
      tags: [],
      usedBy: ['one-c1-app', 'two-c1-app'],
    });
    assert.deepEqual(listing.groups.find((g) => g.name === 'c1')?.targets, ['one-c1-app', 'two-c1-app']);
  });

  test('the text table has aligned columns, one per axis, and tags at their defaults', async () => {
    const run = await runCli(['list'], root);
    assert.equal(run.code, 0);
    const lines = run.stdout.split('\n');
    const header = lines[0]!;
    assert.match(header, /^TARGET\s+KIND\s+STAGE\s+CUDA\s+ENGINE\s+PLATFORMS\s+INHERITS\s+TAGS$/);
    const rows = lines.slice(1, lines.indexOf(''));
    assert.equal(rows.length, 8);
    for (const column of ['KIND', 'PLATFORMS', 'TAGS']) {
      const at = header.indexOf(column);
      for (const row of rows) assert.match(row.slice(at - 2, at), /^ {2}$/, `column ${column} starts at ${at} in "${row}"`);
    }
    assert.match(run.stdout, /^deps-c1\s+layer\s+app\.deps\s+c1\s+-\s+linux\/amd64\s+base-c1\s+-$/m);
    assert.match(run.stdout, /^one-c2-app\s+stage\s+app\s+c2\s+one\s+linux\/amd64\s+base-c2\s+ghcr\.io\/fx\/one:dev-c2$/m);
    assert.doesNotMatch(run.stdout, /_common\s+(stage|common)/);
  });
});

describe('list with ci: (per-platform targets)', () => {
  const example = new URL('../..', import.meta.url).pathname;

  test('--json names each target and group per platform, as the bake file does', async () => {
    const run = await runCli(['list', '--json', '--where', 'framework=vllm', '--where', 'cuda=cu129'], example);
    assert.equal(run.code, 0, run.stderr);
    const listing = JSON.parse(run.stdout) as Listing;
    const bake = JSON.parse(readFileSync(join(example, 'bake/docker-bake.json'), 'utf8')) as { target: Record<string, unknown>; group: Record<string, unknown> };
    const runtime = listing.targets.find((t) => t.name === 'vllm-cu129-runtime')!;
    assert.deepEqual(runtime.perPlatform, { 'linux/amd64': 'vllm-cu129-runtime-amd64', 'linux/arm64': 'vllm-cu129-runtime-arm64' });
    for (const t of listing.targets) for (const name of Object.values(t.perPlatform ?? {})) assert.ok(name in bake.target, `${name} is a target of the bake file`);
    const group = listing.groups.find((g) => g.name === 'vllm-cu129')!;
    assert.deepEqual(group.perPlatform, { 'linux/amd64': 'vllm-cu129-amd64', 'linux/arm64': 'vllm-cu129-arm64' });
    for (const name of Object.values(group.perPlatform!)) assert.ok(name in bake.group, `${name} is a group of the bake file`);
    const perPlatformTargets = Object.keys(bake.target).filter((n) => /-(amd64|arm64)$/.test(n)).length;
    assert.equal(listing.perPlatform?.targets, perPlatformTargets);
  });

  test('the text table shows them as suffixes, and the summary counts them', async () => {
    const run = await runCli(['list', '--where', 'framework=vllm'], example);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.split('\n')[0]!, /\sPLATFORMS\s+PER-PLATFORM\s+INHERITS\s/);
    assert.match(run.stdout, /^vllm-cu129-runtime\s+stage\s.*linux\/amd64,linux\/arm64\s+-amd64 -arm64\s/m);
    assert.match(run.stdout, /besides, per platform \(ci:\): \d+ targets and \d+ groups, named <name>-<arch>\n$/);
  });

  test('without ci: there is no per-platform column', async () => {
    const run = await runCli(['list'], root);
    assert.doesNotMatch(run.stdout, /PER-PLATFORM|besides, per platform/);
  });
});

describe('list marks shared tags', () => {
  // x86 is amd64 only, arm arm64 only: one shared tag stands for both images.
  // ci: adds per-platform targets; the shared-tag marks are the same.
  const SHARED = SHARED_TAG_STACK;
  const dir = testdir({ 'matrix/stack.yaml': SHARED, Dockerfile: 'FROM busybox AS base\nARG CUDA_VERSION\nFROM base AS runtime\nARG ENGINE\n' });

  test('--json says which tags are shared', async () => {
    const run = await runCli(['list', '--json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const listing = JSON.parse(run.stdout) as Listing;
    assert.deepEqual(listing.targets.find((t) => t.name === 'x86-runtime')!.tags, [
      { bake: '${REGISTRY}/app:${VERSION}-x86', preview: 'localhost:5000/sh/app:dev-x86', shared: false },
      { bake: '${REGISTRY}/app:${VERSION}', preview: 'localhost:5000/sh/app:dev', shared: true },
    ]);
  });

  test('the table marks them (shared)', async () => {
    const run = await runCli(['list'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^arm-runtime\s.*\slocalhost:5000\/sh\/app:dev-arm, localhost:5000\/sh\/app:dev \(shared\)$/m);
  });
});
