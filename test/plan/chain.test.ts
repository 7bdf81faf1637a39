import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE_MATRIX, bakeOf, generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';

const stages = BASE_MATRIX.stages!;
const withLayers = matrixYaml({
  stages: {
    ...stages,
    framework: {
      ...stages.framework!,
      layers: { torch: { target: 'deps-torch', axes: ['cuda'], name: 'torch-{cuda}' }, engine: { target: 'deps-engine' } },
    },
  },
});

describe('target: contexts', () => {
  const bake = bakeOf({ 'm.yaml': withLayers });
  test('each target binds every stage above it, not only its parent', () => {
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.contexts, {
      'build-base': 'target:base-cu129',
      'deps-engine': 'target:vllm-cu129-engine',
      'deps-torch': 'target:torch-cu129',
      framework: 'target:vllm-cu129-framework',
    });
  });
  test('a stage binds its own layers', () => {
    assert.deepEqual(bake.target['vllm-cu129-framework']!.contexts, {
      'build-base': 'target:base-cu129',
      'deps-engine': 'target:vllm-cu129-engine',
      'deps-torch': 'target:torch-cu129',
    });
  });
  test('layers build from the stage parent and inherit it', () => {
    assert.deepEqual(bake.target['torch-cu129']!.contexts, { 'build-base': 'target:base-cu129' });
    assert.deepEqual(bake.target['torch-cu129']!.inherits, ['base-cu129']);
    assert.equal(bake.target['torch-cu129']!.target, 'deps-torch');
  });
  test('root targets have no contexts', () => {
    assert.equal(bake.target['base-cu129']!.contexts, undefined);
  });
});

describe('layer sharing', () => {
  const bake = bakeOf({ 'm.yaml': withLayers });
  test('a layer with the same inputs in several cells is emitted once', () => {
    const torch = Object.keys(bake.target).filter((n) => bake.target[n]!.target === 'deps-torch');
    assert.deepEqual(torch.sort(), ['torch-cu129', 'torch-cu130']);
    assert.equal(bake.target['sglang-cu129-framework']!.contexts!['deps-torch'], 'target:torch-cu129');
  });
  test('a layer varying over every axis is one per cell', () => {
    const engines = Object.keys(bake.target).filter((n) => bake.target[n]!.target === 'deps-engine');
    assert.equal(engines.length, 4);
  });
  test('two different layers under one name is an error that says how to tell them apart', () => {
    const yaml = matrixYaml({
      stages: { ...stages, framework: { ...stages.framework!, layers: { torch: { target: 'deps-torch', name: 'torch-{cuda}' } } } },
    });
    const problem = generateProblems({ 'm.yaml': yaml }).find((p) => p.code === 'layer-collision');
    assert.match(problem?.message ?? '', /"torch-cu129"/);
    assert.match(problem?.hint ?? '', /axes/);
    assert.equal(problem?.pointer, '/stages/framework/layers/torch');
  });
  test('a layer planned once for its first consumer lists every consumer', () => {
    const plan = generateOk({ 'm.yaml': withLayers }).plan;
    assert.deepEqual(plan.targets.get('torch-cu129')?.usedBy, ['vllm-cu129-framework', 'sglang-cu129-framework']);
  });
  test('a shared layer whose consumers build it from different places is still a collision', () => {
    // Same name, values and parent for vllm and sglang; only the context their stage renders differs.
    const yaml = matrixYaml({
      stages: { ...stages, framework: { ...stages.framework!, context: 'ctx/{framework}', layers: { torch: { target: 'deps-torch', axes: ['cuda'], name: 'torch-{cuda}' } } } },
    });
    const problem = generateProblems({ 'm.yaml': yaml }).find((p) => p.code === 'layer-collision');
    assert.match(problem?.message ?? '', /"torch-cu129"/);
    assert.equal(problem?.pointer, '/stages/framework/layers/torch');
  });
  test('a layer template may only use the axes of the layer', () => {
    const yaml = matrixYaml({
      stages: { ...stages, framework: { ...stages.framework!, layers: { torch: { target: 'deps-torch', axes: ['cuda'], args: { E: '{framework}' } } } } },
    });
    const problem = generateProblems({ 'm.yaml': yaml }).find((p) => p.code === 'unknown-placeholder');
    assert.equal(problem?.pointer, '/stages/framework/layers/torch/args/E');
  });
});

describe('tags', () => {
  test('are rendered with variables as bake interpolations', () => {
    const bake = bakeOf({ 'm.yaml': matrixYaml() });
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu129']);
    assert.deepEqual(bake.variable?.REGISTRY, { default: 'registry.test/demo' });
    assert.deepEqual(bake.variable?.VERSION, { default: 'dev' });
  });
  test('a child of a tagged stage resets tags instead of inheriting them', () => {
    const yaml = matrixYaml({ stages: { ...stages, dev: { target: 'dev', from: 'runtime' } } });
    assert.deepEqual(bakeOf({ 'm.yaml': yaml }).target['vllm-cu129-dev']!.tags, []);
  });
  test('two targets pushing the same tag is an error naming both', () => {
    const yaml = matrixYaml({ stages: { ...stages, runtime: { ...stages.runtime!, tags: ['{registry}/app:{version}'] } } });
    const problem = generateProblems({ 'm.yaml': yaml }).find((p) => p.code === 'duplicate-tag');
    assert.match(problem?.message ?? '', /"vllm-cu129-runtime" and "vllm-cu130-runtime" would both push the tag "registry.test\/demo\/app:dev"/);
    assert.equal(problem?.pointer, '/stages/runtime/tags/0');
  });
  test('a tag that is no valid image reference is an error', () => {
    const yaml = matrixYaml({ stages: { ...stages, runtime: { ...stages.runtime!, tags: ['{registry}/App:{cuda}-{framework}'] } } });
    assert.match(generateProblems({ 'm.yaml': yaml })[0]!.message, /upper-case/);
  });
});

describe('cache', () => {
  const cache = { ref: '{registry}/cache:{target}', fallback: ['{registry}/cache:{target}-main'] };
  const from = (target: string) => [`type=registry,ref=\${REGISTRY}/cache:${target}`, `type=registry,ref=\${REGISTRY}/cache:${target}-main`];
  const to = (target: string) => [`type=registry,ref=\${REGISTRY}/cache:${target},mode=max,compression=zstd,ignore-error=true`];

  test('layout each (the default): every target reads its own ref, then the fallbacks, and writes its own ref with mode=max, zstd, ignore-error', () => {
    const bake = bakeOf({ 'm.yaml': matrixYaml({ cache }) });
    for (const name of ['base-cu129', 'vllm-cu129-framework', 'vllm-cu129-runtime']) {
      assert.deepEqual(bake.target[name]!['cache-from'], from(name), name);
      assert.deepEqual(bake.target[name]!['cache-to'], to(name), name);
    }
  });

  test('layout images: only images write, each to its own ref; the rest read the first image built on them', () => {
    const bake = bakeOf({ 'm.yaml': matrixYaml({ cache: { ...cache, layout: 'images' } }) });
    for (const name of ['vllm-cu129-runtime', 'sglang-cu129-runtime']) {
      assert.deepEqual(bake.target[name]!['cache-from'], from(name), name);
      assert.deepEqual(bake.target[name]!['cache-to'], to(name), name);
    }
    assert.deepEqual(bake.target['sglang-cu129-framework']!['cache-from'], from('sglang-cu129-runtime'));
    // base-cu129 is in the build of every cu129 runtime: it reads the first one's cache.
    assert.deepEqual(bake.target['base-cu129']!['cache-from'], from('vllm-cu129-runtime'));
    for (const name of ['base-cu129', 'vllm-cu129-framework', 'sglang-cu129-framework']) assert.equal(bake.target[name]!['cache-to'], undefined, name);
  });

  test('layout images: a target nothing links writes its cache even when it is not an image', () => {
    const yaml = matrixYaml({ cache: { ...cache, layout: 'images' }, stages: { ...stages, runtime: { ...stages.runtime!, default: false }, test: { target: 'test', from: 'framework', default: true } } });
    const bake = bakeOf({ 'm.yaml': yaml });
    assert.deepEqual(bake.target['vllm-cu129-runtime']!['cache-to'], to('vllm-cu129-runtime'), 'nothing links it');
    assert.deepEqual(bake.target['vllm-cu129-test']!['cache-to'], to('vllm-cu129-test'));
    assert.deepEqual(bake.target['vllm-cu129-framework']!['cache-from'], from('vllm-cu129-runtime'), 'the first target built on it that writes');
  });

  test('export: false writes no cache-to in any layout, and still reads', () => {
    for (const layout of ['each', 'images'] as const) {
      const bake = bakeOf({ 'm.yaml': matrixYaml({ cache: { ...cache, layout, export: false } }) });
      assert.equal(Object.values(bake.target).some((t) => t['cache-to']), false, layout);
      assert.deepEqual(bake.target['base-cu129']!['cache-from'], from(layout === 'each' ? 'base-cu129' : 'vllm-cu129-runtime'), layout);
    }
  });
  test('can be switched off', () => {
    const bake = bakeOf({ 'm.yaml': matrixYaml({ cache: false }) });
    assert.equal(Object.values(bake.target).some((t) => t['cache-from'] || t['cache-to']), false);
  });
});

describe('secrets', () => {
  const yaml = matrixYaml({
    secrets: [{ id: 'hf_token', env: 'HF_TOKEN' }],
    stages: { ...stages, framework: { ...stages.framework!, secrets: [{ id: 'netrc', src: 'secrets/netrc' }] } },
  });
  const bake = bakeOf({ 'm.yaml': yaml });
  test('matrix secrets go to the common target, in the string form buildx v0.10 reads', () => {
    assert.deepEqual(bake.target._common!.secret, ['id=hf_token,env=HF_TOKEN']);
  });
  test("a stage's secrets go on its targets; bake appends the inherited ones", () => {
    assert.deepEqual(bake.target['vllm-cu129-framework']!.secret, ['id=netrc,src=secrets/netrc']);
    assert.equal(bake.target['vllm-cu129-runtime']!.secret, undefined);
  });
  test('a secret names exactly one source', () => {
    const problems = generateProblems({ 'm.yaml': matrixYaml({ secrets: [{ id: 'x' } as never] }) });
    assert.equal(problems[0]!.pointer, '/secrets/0');
  });
});
