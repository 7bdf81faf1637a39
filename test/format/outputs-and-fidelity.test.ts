// What is emitted, as the matrix says it: outputs and annotations per stage
// and override, platforms left to the builder when nothing declares them,
// cache entries in the order written and GitHub Actions cache.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { stringify } from 'yaml';
import { BASE_MATRIX, bakeOf, generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';
import { bakePrint } from '../helpers/bake-print.ts';

const yaml = (m: Partial<MatrixFile>) => ({ 'stack.yaml': matrixYaml(m) });
const stages = BASE_MATRIX.stages!;
const withRuntime = (runtime: Partial<NonNullable<MatrixFile['stages']>[string]>, more: Partial<MatrixFile> = {}) => yaml({ ...more, stages: { ...stages, runtime: { ...stages.runtime!, ...runtime } } });

describe('output and annotations', () => {
  const digest = { type: 'image', name: '{registry}/{framework}', 'push-by-digest': true, 'name-canonical': true, push: true } as const;
  const cases: { name: string; matrix: Record<string, string>; target: string; output?: string[]; annotations?: string[] }[] = [
    {
      name: 'a stage output is written in CSV, options in the order written',
      matrix: withRuntime({ output: [digest] }),
      target: 'vllm-cu129-runtime',
      output: ['type=image,name=${REGISTRY}/vllm,push-by-digest=true,name-canonical=true,push=true'],
    },
    {
      name: 'several outputs, a registry one and a local folder',
      matrix: withRuntime({ output: [{ type: 'registry' }, { type: 'local', dest: 'out/{target}' }] }),
      target: 'sglang-cu130-runtime',
      output: ['type=registry', 'type=local,dest=out/sglang-cu130-runtime'],
    },
    {
      name: 'an override replaces the output of the stages it names, for its combinations',
      matrix: withRuntime({ output: [digest] }, { overrides: [{ when: { framework: 'sglang' }, stages: ['runtime'], output: [{ type: 'docker' }] }] }),
      target: 'sglang-cu129-runtime',
      output: ['type=docker'],
    },
    {
      name: 'annotations: the stage\'s, then an override\'s win key by key; prefixes and templates',
      matrix: withRuntime(
        { annotations: { 'org.opencontainers.image.description': 'The {framework} image', 'index:org.opencontainers.image.version': '{version}' } },
        { overrides: [{ when: { cuda: 'cu130' }, stages: ['runtime'], annotations: { 'org.opencontainers.image.description': 'The {framework} image on CUDA 13' } }] },
      ),
      target: 'vllm-cu130-runtime',
      annotations: ['org.opencontainers.image.description=The vllm image on CUDA 13', 'index:org.opencontainers.image.version=${VERSION}'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const target = bakeOf(c.matrix).target[c.target]!;
      assert.deepEqual(target.output, c.output);
      assert.deepEqual(target.annotations, c.annotations);
    });
  }

  test('the stages built on a stage with an output do not inherit it (bake replaces `output`)', () => {
    const files = yaml({ stages: { ...stages, framework: { ...stages.framework!, output: [{ type: 'cacheonly' }] }, dev: { target: 'dev', from: 'runtime' } } });
    const bake = bakeOf(files);
    assert.deepEqual(bake.target['vllm-cu129-framework']!.output, ['type=cacheonly']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.output, []);
    assert.equal(bake.target['vllm-cu129-dev']!.output, undefined, 'its parent already resets it');
    const printed = bakePrint(bake, ['vllm-cu129-dev', 'vllm-cu129-framework']);
    assert.deepEqual(printed.get('vllm-cu129-dev')!.output, []);
    assert.deepEqual(printed.get('vllm-cu129-framework')!.output, ['type=cacheonly']);
  });

  test('without output or annotations, neither is written', () => {
    const target = bakeOf(yaml({})).target['vllm-cu129-runtime']!;
    assert.ok(!('output' in target) && !('annotations' in target));
  });

  const bad: { name: string; matrix: Record<string, string>; code: string; pointer: string; message: RegExp }[] = [
    {
      name: 'an output name that would add exporter options',
      matrix: withRuntime({ output: [{ type: 'image', name: '{registry}/app,dest=/etc' }] }),
      code: 'bad-output',
      pointer: '/stages/runtime/output/0/name',
      message: /The output name "registry\.test\/demo\/app,dest=\/etc" is not an image reference/,
    },
    {
      name: 'an output dest outside the project root',
      matrix: withRuntime({ output: [{ type: 'local', dest: 'out/../../etc' }] }),
      code: 'bad-output',
      pointer: '/stages/runtime/output/0/dest',
      message: /not a path inside the project root/,
    },
    {
      name: 'an override output without stages',
      matrix: yaml({ overrides: [{ when: { framework: 'vllm' }, output: [{ type: 'docker' }], annotations: { a: 'b' } }] }),
      code: 'override-without-stages',
      pointer: '/overrides/0',
      message: /This override sets `output` and `annotations` but names no `stages`/,
    },
    {
      name: 'an annotation with an unknown prefix',
      matrix: withRuntime({ annotations: { 'layer:org.x': 'y' } }),
      code: 'bad-format',
      pointer: '/stages/runtime/annotations/layer:org.x',
      message: /Key "layer:org\.x" in "stages\.runtime\.annotations" has the wrong form \(an annotation name such as org\.opencontainers\.image\.description, optionally after index:/,
    },
  ];
  for (const c of bad) {
    test(`refused: ${c.name}`, () => {
      const [p] = generateProblems(c.matrix);
      assert.equal(p!.code, c.code, p!.message);
      assert.equal(p!.pointer, c.pointer);
      assert.match(p!.message, c.message);
    });
  }
});

describe('platforms left to the builder when nothing declares them', () => {
  const { platforms: _platforms, ...undeclared } = BASE_MATRIX;
  const files = (m: Partial<MatrixFile>) => ({ 'stack.yaml': stringify({ ...undeclared, ...m }) });
  test('no `platforms` anywhere: no target writes it (bake builds for the builder\'s platform)', () => {
    const generated = generateOk(files({}));
    for (const [name, target] of Object.entries(generated.plan.bake.target)) assert.ok(!('platforms' in target), `${name} writes no platforms`);
    assert.deepEqual(generated.plan.targets.get('vllm-cu129-runtime')!.platforms, []);
    assert.deepEqual(bakePrint(generated.plan.bake, ['vllm-cu129-runtime']).get('vllm-cu129-runtime')!.platforms, []);
  });
  const declared: { name: string; matrix: Partial<MatrixFile>; target: string; platforms: string[] }[] = [
    { name: 'on the matrix', matrix: { platforms: ['linux/arm64'] }, target: 'base-cu129', platforms: ['linux/arm64'] },
    { name: 'on a stage: every target writes them (the default for the others)', matrix: { stages: { ...stages, runtime: { ...stages.runtime!, platforms: ['linux/amd64'] } } }, target: 'base-cu129', platforms: ['linux/amd64'] },
    { name: 'on a value', matrix: { axes: { ...BASE_MATRIX.axes, framework: { vllm: { platforms: ['linux/amd64'] }, sglang: {} } } }, target: 'vllm-cu129-runtime', platforms: ['linux/amd64'] },
    { name: 'by an exclude', matrix: { exclude: [{ framework: 'sglang', platforms: ['linux/arm64'] }] }, target: 'vllm-cu129-runtime', platforms: ['linux/amd64'] },
  ];
  for (const c of declared) {
    test(`declared ${c.name}: written as before`, () => {
      assert.deepEqual(bakeOf(files(c.matrix)).target[c.target]!.platforms, c.platforms);
    });
  }
});
