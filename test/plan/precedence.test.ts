import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE_MATRIX, generateOk, matrixYaml } from '../helpers/matrix.ts';

/** The effective value of an arg of a target (what bake resolves through inherits). */
function effective(yaml: string, target: string, arg: string) {
  return generateOk({ 'm.yaml': yaml }).plan.targets.get(target)!.args[arg];
}

describe('precedence of args, from the general to the specific', () => {
  const stages = BASE_MATRIX.stages!;
  test('matrix args reach every target', () => {
    assert.equal(effective(matrixYaml({ args: { X: 'matrix' } }), 'vllm-cu129-runtime', 'X')?.preview, 'matrix');
  });
  test('an axis value beats the matrix', () => {
    const yaml = matrixYaml({ args: { CUDA_VERSION: 'matrix' } });
    assert.equal(effective(yaml, 'base-cu129', 'CUDA_VERSION')?.preview, '12.9.1');
  });
  test("a stage's args beat the axis values of its level", () => {
    const yaml = matrixYaml({ stages: { ...stages, base: { ...stages.base!, args: { CUDA_VERSION: 'stage' } } } });
    assert.equal(effective(yaml, 'base-cu129', 'CUDA_VERSION')?.preview, 'stage');
  });
  test('an override beats the stage', () => {
    const yaml = matrixYaml({
      stages: { ...stages, base: { ...stages.base!, args: { CUDA_VERSION: 'stage' } } },
      overrides: [{ when: { cuda: 'cu129' }, args: { CUDA_VERSION: 'override' } }],
    });
    assert.equal(effective(yaml, 'base-cu129', 'CUDA_VERSION')?.preview, 'override');
    assert.equal(effective(yaml, 'base-cu130', 'CUDA_VERSION')?.preview, 'stage');
  });
  test('later overrides beat earlier ones', () => {
    const yaml = matrixYaml({
      overrides: [
        { when: { framework: 'vllm' }, args: { ENGINE: 'first' } },
        { when: { framework: 'vllm', cuda: 'cu130' }, args: { ENGINE: 'second' } },
      ],
    });
    assert.equal(effective(yaml, 'vllm-cu130-framework', 'ENGINE')?.preview, 'second');
    assert.equal(effective(yaml, 'vllm-cu129-framework', 'ENGINE')?.preview, 'first');
  });
  test('a deeper stage beats what it inherits', () => {
    const yaml = matrixYaml({ stages: { ...stages, runtime: { ...stages.runtime!, args: { CUDA_VERSION: 'runtime' } } } });
    assert.equal(effective(yaml, 'vllm-cu129-runtime', 'CUDA_VERSION')?.preview, 'runtime');
    assert.equal(effective(yaml, 'vllm-cu129-framework', 'CUDA_VERSION')?.preview, '12.9.1');
  });
  test('an override limited to a stage applies there and below only', () => {
    const yaml = matrixYaml({ overrides: [{ when: { cuda: 'cu129' }, stages: ['runtime'], args: { ONLY_RUNTIME: '1' } }] });
    assert.equal(effective(yaml, 'vllm-cu129-runtime', 'ONLY_RUNTIME')?.preview, '1');
    assert.equal(effective(yaml, 'vllm-cu129-framework', 'ONLY_RUNTIME'), undefined);
  });
  test('each arg records the file and key that set it', () => {
    const arg = effective(matrixYaml({ overrides: [{ when: { cuda: 'cu129' }, args: { CUDA_VERSION: 'o' } }] }), 'vllm-cu129-runtime', 'CUDA_VERSION');
    assert.deepEqual(arg?.origin, { file: 'matrix/m.yaml', pointer: '/overrides/0/args/CUDA_VERSION' });
  });
});

describe('args flow by inheritance', () => {
  const bake = generateOk({ 'm.yaml': matrixYaml({ args: { COMMON: '1' } }) }).plan.bake;
  test('a target sets only what it adds to its parent', () => {
    assert.deepEqual(bake.target['base-cu129']!.args, { CUDA_VERSION: '12.9.1' });
    assert.deepEqual(bake.target['vllm-cu129-framework']!.args, { ENGINE: 'vllm' });
    assert.equal(bake.target['vllm-cu129-runtime']!.args, undefined);
  });
  test('matrix-wide args live in the hidden common target the roots inherit', () => {
    assert.deepEqual(bake.target._common!.args, { COMMON: '1' });
    assert.deepEqual(bake.target['base-cu129']!.inherits, ['_common']);
    assert.deepEqual(bake.target['vllm-cu129-framework']!.inherits, ['base-cu129']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.inherits, ['vllm-cu129-framework']);
  });
});
