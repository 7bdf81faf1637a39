// What a matrix change rebuilds: the changed targets and every target built on
// one (inherits, target: links), per-platform ones apart, and the images among them.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { diffBake, rebuildsOf } from '../../src/inspect/diff.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function stack(edit: (b: BakeFile) => void = () => {}): BakeFile {
  const bake = {
    variable: { TORCH: { default: '2.9' } },
    target: {
      base: { target: 'base', args: { CUDA_VERSION: '12.9.1' } },
      'base-amd64': { inherits: ['base'], platforms: ['linux/amd64'] },
      torch: { target: 'torch', inherits: ['base'], args: { TORCH_VERSION: '${TORCH}' }, contexts: { base: 'target:base' } },
      app: { target: 'app', inherits: ['base'], contexts: { base: 'target:base', torch: 'target:torch' }, tags: ['r/app:1'] },
      other: { target: 'other', tags: ['r/other:1'] },
    },
    group: {},
  } as unknown as BakeFile;
  edit(bake);
  return bake;
}

describe('rebuildsOf', () => {
  const cases: { name: string; edit: (b: BakeFile) => void; targets: string[]; perPlatform: string[]; images: string[] }[] = [
    { name: 'an arg of the base: everything built on it', edit: (b) => ((b.target.base!.args as Record<string, string>).CUDA_VERSION = '12.9.2'), targets: ['base', 'torch', 'app'], perPlatform: ['base-amd64'], images: ['app'] },
    { name: 'a layer arg through a variable default: the layer and what links it', edit: (b) => (b.variable!.TORCH!.default = '2.10'), targets: ['torch', 'app'], perPlatform: [], images: ['app'] },
    { name: 'a tag only: nothing is built again', edit: (b) => (b.target.app!.tags = ['r/app:2']), targets: [], perPlatform: [], images: [] },
    { name: 'a new target: itself', edit: (b) => (b.target.extra = { target: 'extra' } as never), targets: ['extra'], perPlatform: [], images: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const after = stack(c.edit);
      assert.deepEqual(rebuildsOf(after, diffBake(stack(), after)), { targets: c.targets, perPlatform: c.perPlatform, images: c.images });
    });
  }
});

describe('rebuildsOf on shapes a hand-edited file may have', () => {
  test('a variable used only where a target publishes or caches: nothing is built again', () => {
    const file = (v: string) => ({ variable: { REG: { default: v } }, group: {}, target: { app: { target: 'app', tags: ['${REG}/app:1'], 'cache-to': ['type=registry,ref=${REG}/cache'] } } }) as unknown as BakeFile;
    const after = file('r2');
    assert.deepEqual(rebuildsOf(after, diffBake(file('r1'), after)), { targets: [], perPlatform: [], images: [] });
  });
  test('a variable inside a ${...} of an arg among other words: rebuilt; one that only contains its name: not', () => {
    const file = (v: string) => ({ variable: { TORCH: { default: v } }, group: {}, target: { a: { args: { X: '${format("%s", TORCH)}' } }, b: { args: { X: '${TORCH_VERSION}' } } } }) as unknown as BakeFile;
    const after = file('2.10');
    assert.deepEqual(rebuildsOf(after, diffBake(file('2.9'), after)).targets, ['a']);
  });
  test('a long inherits chain listed child first: every link rebuilt, in file order', () => {
    const chain = (arg: string) => {
      const target: Record<string, object> = {};
      for (let i = 2000; i > 0; i--) target[`t${i}`] = { inherits: [`t${i - 1}`] };
      target.t0 = { args: { A: arg } };
      return { group: {}, target } as unknown as BakeFile;
    };
    const after = chain('2');
    const { targets } = rebuildsOf(after, diffBake(chain('1'), after));
    assert.equal(targets.length, 2001);
    assert.deepEqual(targets.slice(0, 2), ['t2000', 't1999']);
    assert.equal(targets.at(-1), 't0');
  });
});

describe('a CUDA bump on the example stack', () => {
  const copy = () => {
    const dir = testdir({});
    for (const part of ['matrix', 'bake/Dockerfile', 'bake/docker-bake.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    const toml = join(dir, 'matrix/cuda.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('vars = { version = "12.9.1" }', 'vars = { version = "12.9.2" }'));
    return dir;
  };
  // Each on Ubuntu and on Rocky Linux (the os axis: `-rockylinux` after the CUDA part).
  const bothOses = (names: string[]) => names.flatMap((n) => [n, n.replace('cu129', 'cu129-rockylinux')]);
  const TARGETS = bothOses(['base-cu129', 'torch-cu129', 'vllm-cu129-engine', 'sglang-cu129-engine', 'vllm-cu129-framework', 'sglang-cu129-framework', 'vllm-cu129-runtime', 'sglang-cu129-runtime', 'vllm-cu129-dev', 'sglang-cu129-dev']);
  const IMAGES = bothOses(['vllm-cu129-runtime', 'sglang-cu129-runtime', 'vllm-cu129-dev', 'sglang-cu129-dev']);

  test('diff --json: two changed targets (a base per OS), twenty rebuilt (and their 40 per-platform targets), eight images', async () => {
    const dir = copy();
    assert.equal((await runCli(['generate', '--out', 'new'], dir)).code, 0);
    const run = await runCli(['diff', 'bake/docker-bake.json', 'new/docker-bake.json', '--json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { targets: { changed: { name: string }[] }; rebuilds: { targets: string[]; perPlatform: string[]; images: string[] } };
    assert.deepEqual(out.targets.changed.map((t) => t.name), ['base-cu129', 'base-cu129-rockylinux']);
    assert.deepEqual([...out.rebuilds.targets].sort(), [...TARGETS].sort());
    assert.equal(out.rebuilds.perPlatform.length, 40);
    assert.ok(out.rebuilds.perPlatform.every((t) => /-(amd64|arm64)$/.test(t)));
    assert.deepEqual([...out.rebuilds.images].sort(), [...IMAGES].sort());
  });

  test('check --json: stale, and the same rebuilds', async () => {
    const dir = copy();
    const run = await runCli(['check', '--json'], dir);
    assert.equal(run.code, 1);
    const out = JSON.parse(run.stdout) as { upToDate: boolean; rebuilds: { targets: string[]; images: string[] } };
    assert.equal(out.upToDate, false);
    assert.deepEqual([...out.rebuilds.targets].sort(), [...TARGETS].sort());
    assert.deepEqual([...out.rebuilds.images].sort(), [...IMAGES].sort());
  });
});
