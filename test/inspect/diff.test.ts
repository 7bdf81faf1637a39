import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffBake, isEmpty, type BakeDiff } from '../../src/inspect/diff.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const OLD: BakeFile = {
  variable: { REGISTRY: { default: 'ghcr.io/old' }, GONE: { default: 'x' } },
  group: {
    default: { targets: ['app', 'legacy'] },
    all: { targets: ['base', 'app', 'legacy'] },
    legacy: { targets: ['legacy'] },
  },
  target: {
    base: { args: { CUDA_VERSION: '12.9.1', KEEP: 'same' }, platforms: ['linux/amd64', 'linux/arm64'], target: 'base' },
    app: { inherits: ['base'], args: { ENGINE_VERSION: '0.21.0', DROPPED: 'yes' }, tags: ['${REGISTRY}/app:dev'], target: 'app' },
    legacy: { inherits: ['base'], target: 'legacy' },
  },
};

const NEW: BakeFile = {
  variable: { REGISTRY: { default: 'ghcr.io/new' }, CACHE_BRANCH: { default: 'main' } },
  group: {
    default: { targets: ['app', 'extra'] },
    all: { targets: ['base', 'app', 'extra'] },
    extra: { targets: ['extra'] },
  },
  target: {
    base: { args: { CUDA_VERSION: '13.0.1', KEEP: 'same' }, platforms: ['linux/amd64', 'linux/arm64'], target: 'base' },
    app: { inherits: ['base'], args: { ENGINE_VERSION: '0.22.0', ADDED: 'a b' }, tags: ['${REGISTRY}/app:dev', '${REGISTRY}/app:latest'], target: 'app' },
    extra: { inherits: ['base'], target: 'extra' },
  },
};

const EXPECTED: BakeDiff = {
  targets: {
    added: ['extra'],
    removed: ['legacy'],
    changed: [
      { name: 'base', changes: [{ attribute: 'args', kind: 'map', added: {}, removed: {}, changed: { CUDA_VERSION: { old: '12.9.1', new: '13.0.1' } } }] },
      {
        name: 'app',
        changes: [
          { attribute: 'args', kind: 'map', added: { ADDED: 'a b' }, removed: { DROPPED: 'yes' }, changed: { ENGINE_VERSION: { old: '0.21.0', new: '0.22.0' } } },
          { attribute: 'tags', kind: 'list', added: ['${REGISTRY}/app:latest'], removed: [], reordered: false },
        ],
      },
    ],
  },
  groups: {
    added: [{ name: 'extra', targets: ['extra'] }],
    removed: [{ name: 'legacy', targets: ['legacy'] }],
    changed: [
      { name: 'default', added: ['extra'], removed: ['legacy'], reordered: false },
      { name: 'all', added: ['extra'], removed: ['legacy'], reordered: false },
    ],
  },
  variables: {
    added: [{ name: 'CACHE_BRANCH', default: 'main' }],
    removed: [{ name: 'GONE', default: 'x' }],
    changed: [{ name: 'REGISTRY', old: 'ghcr.io/old', new: 'ghcr.io/new' }],
  },
};

const files = () => testdir({ 'old.json': JSON.stringify(OLD, null, 2), 'new.json': JSON.stringify(NEW, null, 2), 'same.json': JSON.stringify(OLD), 'bad.json': '{"target": [' });

describe('diffBake', () => {
  test('targets, attributes key by key, groups and variables', () => {
    assert.deepEqual(diffBake(OLD, NEW), EXPECTED);
  });

  test('identical files have no differences', () => {
    const d = diffBake(OLD, structuredClone(OLD));
    assert.ok(isEmpty(d));
    assert.ok(!isEmpty(diffBake(OLD, NEW)));
  });

  const cases: { name: string; old: BakeFile['target'][string]; new: BakeFile['target'][string]; expected: unknown[] }[] = [
    { name: 'a reordered list (cache-from order matters)', old: { 'cache-from': ['a', 'b'] }, new: { 'cache-from': ['b', 'a'] }, expected: [{ attribute: 'cache-from', kind: 'list', added: [], removed: [], reordered: true }] },
    { name: 'unset and empty tags differ in bake', old: {}, new: { tags: [] }, expected: [{ attribute: 'tags', kind: 'value', new: [] }] },
    { name: 'a scalar attribute', old: { dockerfile: 'Dockerfile' }, new: { dockerfile: 'bake/Dockerfile' }, expected: [{ attribute: 'dockerfile', kind: 'value', old: 'Dockerfile', new: 'bake/Dockerfile' }] },
    { name: 'a new map attribute', old: {}, new: { contexts: { base: 'target:base' } }, expected: [{ attribute: 'contexts', kind: 'map', added: { base: 'target:base' }, removed: {}, changed: {} }] },
    { name: 'a platform removed', old: { platforms: ['linux/amd64', 'linux/arm64'] }, new: { platforms: ['linux/amd64'] }, expected: [{ attribute: 'platforms', kind: 'list', added: [], removed: ['linux/arm64'], reordered: false }] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = diffBake({ group: {}, target: { t: c.old } }, { group: {}, target: { t: c.new } });
      assert.deepEqual(d.targets.changed, [{ name: 't', changes: c.expected }]);
    });
  }
});

describe('bake-matrix diff OLD NEW', () => {
  test('the text reads as a review: targets, attributes, groups, variables', async () => {
    const run = await runCli(['diff', 'old.json', 'new.json'], files());
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      `--- old.json
+++ new.json
targets: 1 added, 1 removed, 2 changed

rebuilds: 3 targets (changed, or built on one through inherits or a target: link); 1 publishes images
  base, app, extra
  images:
    app

added targets
  + extra

removed targets
  - legacy

changed targets
  base
    args
      ~ CUDA_VERSION: 12.9.1 -> 13.0.1
  app
    args
      + ADDED=a b
      - DROPPED=yes
      ~ ENGINE_VERSION: 0.21.0 -> 0.22.0
    tags
      + \${REGISTRY}/app:latest

groups
  + extra: extra
  - legacy: legacy
  ~ default
      + extra
      - legacy
  ~ all
      + extra
      - legacy

variables (defaults)
  + CACHE_BRANCH=main
  - GONE=x
  ~ REGISTRY: ghcr.io/old -> ghcr.io/new
`,
    );
  });

  test('targets with the same changes are listed together', async () => {
    const a: BakeFile = { group: {}, target: { x: { args: { V: '1' } }, y: { args: { V: '1' } }, z: { args: { V: '1' } } } };
    const b: BakeFile = { group: {}, target: { x: { args: { V: '2' } }, y: { args: { V: '2' } }, z: { args: { V: '3' } } } };
    const root = testdir({ 'a.json': JSON.stringify(a), 'b.json': JSON.stringify(b) });
    const run = await runCli(['diff', 'a.json', 'b.json'], root);
    assert.match(run.stdout, /^ {2}x, y \(2 targets\)\n {4}args\n {6}~ V: 1 -> 2\n {2}z\n {4}args\n {6}~ V: 1 -> 3$/m);
  });

  test('--json gives the structured diff', async () => {
    const run = await runCli(['diff', 'old.json', 'new.json', '--json'], files());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { old: 'old.json', new: 'new.json', changed: true, rebuilds: { targets: ['base', 'app', 'extra'], perPlatform: [], images: ['app'] }, ...EXPECTED });
  });

  const exits = [
    { name: 'differences, no --exit-code', args: ['old.json', 'new.json'], code: 0 },
    { name: 'differences, --exit-code', args: ['old.json', 'new.json', '--exit-code'], code: 1 },
    { name: 'no differences, --exit-code', args: ['old.json', 'same.json', '--exit-code'], code: 0 },
  ];
  for (const c of exits) {
    test(`exit code: ${c.name} -> ${c.code}`, async () => {
      const run = await runCli(['diff', ...c.args], files());
      assert.equal(run.code, c.code, run.stderr);
      if (c.args.includes('same.json')) assert.match(run.stdout, /^no differences$/m);
    });
  }

  const invalid = [
    { name: 'a file that is not JSON', args: ['old.json', 'bad.json'], message: /bad\.json is not valid JSON/ },
    { name: 'a missing file', args: ['old.json', 'missing.json'], message: /Cannot read missing\.json: it does not exist\./ },
    { name: 'three files', args: ['old.json', 'new.json', 'same.json'], message: /diff compares two bake files, not 3/ },
    { name: '--base with files', args: ['old.json', '--base', 'HEAD'], message: /--base compares a git revision with the matrix/ },
  ];
  for (const c of invalid) {
    test(`${c.name} exits 2`, async () => {
      const run = await runCli(['diff', ...c.args], files());
      assert.equal(run.code, 2);
      assert.match(run.stderr, c.message);
    });
  }
});
