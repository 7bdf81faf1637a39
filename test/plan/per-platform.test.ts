// Per-platform targets and groups (`ci:`): one platform each, linked parents
// of the same platform, own cache refs, pushed by digest, names that collide
// are errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateFromYaml } from '../helpers/generate.ts';
import { CI_DOCKERFILE, CI_STACK } from '../ci/stack.ts';

function generated(yaml = CI_STACK) {
  const result = generateFromYaml({ 'stack.yaml': yaml }, CI_DOCKERFILE);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
  return result.value;
}

describe('per-platform targets', () => {
  test('each target gets one target per platform that inherits it and links the same platform of its parents', () => {
    const { bake } = generated().plan;
    assert.deepEqual(bake.target['vllm-cu129-runtime-arm64'], {
      'cache-from': [
        'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-arm64',
        '${CACHE_PR_BASE == "" ? "" : "type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-arm64-${CACHE_PR_BASE}"}',
        // and the caches of what it links: the linked base's steps run again in its build otherwise
        'type=registry,ref=${REGISTRY}/cache:base-cu129-arm64',
        '${CACHE_PR_BASE == "" ? "" : "type=registry,ref=${REGISTRY}/cache:base-cu129-arm64-${CACHE_PR_BASE}"}',
      ],
      'cache-to': ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-arm64,mode=max,compression=zstd,ignore-error=true'],
      contexts: { base: 'target:base-cu129-arm64' },
      inherits: ['vllm-cu129-runtime'],
      output: ['type=image,name=${REGISTRY}/vllm,push-by-digest=true,name-canonical=true'],
      platforms: ['linux/arm64'],
      tags: [],
    });
    assert.deepEqual(bake.target['base-cu129-amd64']!.output, ['type=cacheonly']);
    assert.deepEqual(bake.target['base-cu129-amd64']!.platforms, ['linux/amd64']);
    assert.equal(bake.target['base-cu129-amd64']!.tags, undefined);
  });

  test('every per-platform target has one platform, and links only targets of that platform', () => {
    const { bake, perPlatform } = generated().plan;
    assert.ok(perPlatform);
    assert.equal(perPlatform.of.size, 12); // (2 bases + 4 runtimes) x 2 platforms
    for (const name of perPlatform.of.keys()) {
      const t = bake.target[name]!;
      assert.equal(t.platforms!.length, 1, name);
      for (const link of Object.values(t.contexts ?? {})) {
        const linked = link.replace(/^target:/, '');
        assert.deepEqual(bake.target[linked]!.platforms, t.platforms, `${name} -> ${linked}`);
      }
    }
  });

  test('groups get one group per platform, of the per-platform targets', () => {
    const { bake } = generated().plan;
    assert.deepEqual(bake.group['vllm-cu129-arm64'], { targets: ['vllm-cu129-runtime-arm64'] });
    assert.deepEqual(bake.group['default-amd64']!.targets.sort(), ['sglang-cu129-runtime-amd64', 'sglang-cu130-runtime-amd64', 'vllm-cu129-runtime-amd64', 'vllm-cu130-runtime-amd64']);
  });

  test('a target of one platform gets only that one, and its linked base the same', () => {
    const yaml = CI_STACK.replace('sglang: { args: { ENGINE: sglang } }', 'sglang: { args: { ENGINE: sglang }, platforms: [linux/amd64] }');
    const { bake } = generated(yaml).plan;
    assert.ok(bake.target['sglang-cu129-runtime-amd64']);
    assert.equal(bake.target['sglang-cu129-runtime-arm64'], undefined);
    assert.deepEqual(bake.target['sglang-cu129-runtime-amd64']!.contexts, { base: 'target:base-cu129-amd64' });
    assert.equal(bake.group['sglang-arm64'], undefined);
  });

  test('without ci: the file has no per-platform targets', () => {
    const { bake, perPlatform } = generated(CI_STACK.replace(/\nci:[\s\S]*$/, '\n')).plan;
    assert.equal(perPlatform, undefined);
    assert.equal(bake.target['vllm-cu129-runtime-arm64'], undefined);
  });

  const failures = [
    {
      name: 'a per-platform name that is already a target',
      yaml: CI_STACK.replace('  "{framework}-{cuda}": [runtime]', '  "{framework}-{cuda}": [runtime]\n  vllm-cu129-amd64: { targets: [vllm-cu129-runtime] }'),
      code: 'per-platform-name-collision',
      message: /"vllm-cu129-amd64" of the linux\/amd64 group of "vllm-cu129" is already the group "vllm-cu129-amd64"/,
    },
    { name: 'a platform without a runner', yaml: CI_STACK.replace('    linux/arm64: [self-hosted, arm64]\n', ''), code: 'missing-runner', message: /No runner for linux\/arm64/ },
    {
      name: 'a cache ref that is the same for every platform',
      yaml: `registry: localhost:5000/one
platforms: [linux/amd64, linux/arm64]
args: { CUDA_VERSION: "12.9.1", ENGINE: vllm }
stages:
  base: { target: base }
  runtime: { target: runtime, from: base, tags: ["{registry}/app:{version}"] }
cache: { ref: "{registry}/cache:{stage}" }
ci: { runners: { linux/amd64: a, linux/arm64: b } }
`,
      code: 'cache-ref-collision',
      message: /"base" and "base-amd64" would both write the cache ref "\$\{REGISTRY\}\/cache:base"/,
    },
    { name: 'a tag whose repository is a run-time value', yaml: CI_STACK.replace('"{registry}/{framework}:{version}-{cuda}"', '"{registry}:{framework}-{cuda}"'), code: 'tag-repository', message: /cannot be told apart/ },
  ];
  for (const f of failures) {
    test(`error: ${f.name}`, () => {
      const result = generateFromYaml({ 'stack.yaml': f.yaml }, CI_DOCKERFILE);
      assert.equal(result.ok, false);
      if (result.ok) return;
      const problem = result.problems.find((p) => p.code === f.code);
      assert.ok(problem, JSON.stringify(result.problems.map((p) => [p.code, p.message])));
      assert.match(problem.message, f.message);
    });
  }
});
