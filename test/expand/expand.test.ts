import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE_MATRIX, generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';

const cellsOf = (yaml: string, stage: string) =>
  generateOk({ 'm.yaml': yaml }).plan.expansion.cells.filter((c) => c.stage.key === stage).map((c) => Object.values(c.values).join('-'));

describe('expansion', () => {
  const cases: { name: string; yaml: string; stage: string; expected: string[] }[] = [
    { name: 'a stage is the product of its axes', yaml: matrixYaml(), stage: 'framework', expected: ['vllm-cu129', 'vllm-cu130', 'sglang-cu129', 'sglang-cu130'] },
    { name: 'a root stage varies over its own axes only', yaml: matrixYaml(), stage: 'base', expected: ['cu129', 'cu130'] },
    { name: 'a child stage defaults to its parent axes', yaml: matrixYaml(), stage: 'runtime', expected: ['vllm-cu129', 'vllm-cu130', 'sglang-cu129', 'sglang-cu130'] },
    {
      name: 'exclude removes matching combinations',
      yaml: matrixYaml({ exclude: [{ framework: 'sglang', cuda: 'cu130' }] }),
      stage: 'framework',
      expected: ['vllm-cu129', 'vllm-cu130', 'sglang-cu129'],
    },
    {
      name: 'exclude does not touch stages that lack one of its axes',
      yaml: matrixYaml({ exclude: [{ framework: 'sglang', cuda: 'cu130' }] }),
      stage: 'base',
      expected: ['cu129', 'cu130'],
    },
    {
      name: 'exclude with a list of values removes each',
      yaml: matrixYaml({ exclude: [{ framework: ['vllm', 'sglang'], cuda: 'cu129' }] }),
      stage: 'runtime',
      expected: ['vllm-cu130', 'sglang-cu130'],
    },
    {
      name: 'include adds back an excluded combination',
      yaml: matrixYaml({ exclude: [{ cuda: 'cu130' }], include: [{ framework: 'vllm', cuda: 'cu130' }] }),
      stage: 'framework',
      expected: ['vllm-cu129', 'vllm-cu130', 'sglang-cu129'],
    },
    {
      name: 'include projects onto parent stages',
      yaml: matrixYaml({ exclude: [{ cuda: 'cu130' }], include: [{ framework: 'vllm', cuda: 'cu130' }] }),
      stage: 'base',
      expected: ['cu129', 'cu130'],
    },
    {
      name: 'an allow-list on a value keeps only its combinations',
      yaml: matrixYaml({ axes: { ...BASE_MATRIX.axes, framework: { vllm: null, sglang: { only: { cuda: ['cu130'] } } } } }),
      stage: 'framework',
      expected: ['vllm-cu129', 'vllm-cu130', 'sglang-cu130'],
    },
    {
      name: 'a stage `only` selector narrows that stage and, through parents, its children',
      yaml: matrixYaml({
        stages: {
          ...BASE_MATRIX.stages,
          runtime: { ...BASE_MATRIX.stages!.runtime!, only: { cuda: 'cu130' } },
          dev: { target: 'dev', from: 'runtime' },
        },
      }),
      stage: 'dev',
      expected: ['vllm-cu130', 'sglang-cu130'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(cellsOf(c.yaml, c.stage), c.expected));
});

describe('platforms', () => {
  const yaml = matrixYaml({ axes: { ...BASE_MATRIX.axes, framework: { vllm: null, trtllm: { platforms: ['linux/amd64'] } } } });
  const bake = generateOk({ 'm.yaml': yaml }).plan.bake;

  test('a value restriction narrows the target platforms', () => {
    assert.deepEqual(bake.target['trtllm-cu129-runtime']!.platforms, ['linux/amd64']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.platforms, ['linux/amd64', 'linux/arm64']);
  });

  test('the shared base keeps every platform its users need', () => {
    assert.deepEqual(bake.target['base-cu129']!.platforms, ['linux/amd64', 'linux/arm64']);
  });

  test('a cell left with no platform is dropped, and says why', () => {
    const narrowed = matrixYaml({
      axes: { ...BASE_MATRIX.axes, framework: { vllm: null, trtllm: { platforms: ['linux/arm64'] } } },
      stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, platforms: ['linux/amd64'] } },
    });
    const generated = generateOk({ 'm.yaml': narrowed });
    assert.deepEqual(generated.plan.bake.target['trtllm-cu129-framework']!.platforms, ['linux/arm64']);
    assert.equal(generated.plan.bake.target['trtllm-cu129-runtime'], undefined);
    const dropped = generated.plan.expansion.dropped.find((d) => d.values.framework === 'trtllm' && d.stage === 'runtime');
    assert.match(dropped?.reason ?? '', /no platform/);
  });
});

describe('platform links', () => {
  test('two different multi-platform sets linked by target: is an error (buildx v0.10 refuses them)', () => {
    const yaml = matrixYaml({
      platforms: ['linux/amd64', 'linux/arm64', 'linux/ppc64le'],
      axes: { ...BASE_MATRIX.axes, framework: { vllm: { platforms: ['linux/amd64', 'linux/arm64'] } } },
    });
    const problem = generateProblems({ 'm.yaml': yaml }).find((p) => p.code === 'platform-mismatch');
    assert.match(problem?.message ?? '', /"vllm-cu129-framework" builds for linux\/amd64, linux\/arm64 but uses "base-cu129"/);
  });
  test('a single-platform consumer of a multi-platform base is fine', () => {
    const yaml = matrixYaml({ axes: { ...BASE_MATRIX.axes, framework: { vllm: { platforms: ['linux/amd64'] } } } });
    assert.deepEqual(generateOk({ 'm.yaml': yaml }).plan.bake.target['vllm-cu129-runtime']!.platforms, ['linux/amd64']);
  });
});
