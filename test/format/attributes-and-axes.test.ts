// Value attributes and filters, axes that do not apply, unsuffixed defaults
// and tables: the keys real matrices need to say a derived value once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { bakeOf, generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';

const yaml = (m: Partial<MatrixFile>) => ({ 'stack.yaml': matrixYaml(m) });

const DEVICES: Partial<MatrixFile> = {
  axes: {
    device: { cuda: { default: true, args: { DEVICE: 'cuda' } }, cpu: { without: ['cuda'], args: { DEVICE: 'cpu' } } },
    cuda: {
      cu129: { default: true, vars: { version: '12.9.1' }, args: { CUDA_VERSION: '{cuda.version}', CUDA_MAJOR: '{cuda.version|major}' } },
      cu130: { vars: { version: '13.0.1' }, args: { CUDA_VERSION: '{cuda.version}', CUDA_MAJOR: '{cuda.version|major}' } },
    },
    framework: { vllm: {}, sglang: {} },
  },
  stages: {
    base: { target: 'build-base', axes: ['device', 'cuda'] },
    framework: { target: 'framework', from: 'base', axes: ['framework', 'device', 'cuda'] },
    runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{version}{-device}{-cuda}'] },
  },
};

describe('value attributes and filters', () => {
  test('one attribute feeds an arg, a derived arg and a tag with the same string', () => {
    const bake = bakeOf(yaml({ ...DEVICES, stages: { ...DEVICES.stages, runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{device}{-cuda.version|nodots!}'] } } }));
    assert.deepEqual(bake.target['cuda-cu130-base']!.args, { CUDA_MAJOR: '13', CUDA_VERSION: '13.0.1', DEVICE: 'cuda' });
    assert.deepEqual(bake.target['vllm-cuda-cu130-runtime']!.tags, ['${REGISTRY}/vllm:cuda-1301']);
    assert.deepEqual(bake.target['vllm-cpu-runtime']!.tags, ['${REGISTRY}/vllm:cpu']);
  });
  test('a value without the attribute a template uses is an error naming both', () => {
    const m = structuredClone(DEVICES);
    delete (m.axes!.cuda!.cu130 as { vars?: unknown }).vars;
    const [p] = generateProblems(yaml(m));
    assert.equal(p!.code, 'missing-var');
    assert.match(p!.message, /the cuda value "cu130" has no `vars.version`/);
    assert.equal(p!.pointer, '/axes/cuda/cu130/args/CUDA_VERSION');
  });
  test('two values that one filter folds into the same text are an error naming both', () => {
    const problems = generateProblems(yaml({
      axes: { cuda: { a: { vars: { v: '12.8.1' } }, b: { vars: { v: '1.28.1' } } }, framework: { vllm: {} } },
      stages: { base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda.v|nodots}' } },
    }));
    assert.equal(problems[0]!.code, 'filter-collision');
    assert.match(problems[0]!.message, /"1281" for both cuda "a" \("12.8.1"\) and "b" \("1.28.1"\)/);
  });
  test('major folds values on purpose: no collision', () => {
    const bake = bakeOf(yaml({ axes: { cuda: { a: { vars: { v: '12.8.1' }, args: { M: '{cuda.v|major}' } }, b: { vars: { v: '12.9.1' }, args: { M: '{cuda.v|major}' } } } }, stages: { base: { target: 'build-base', axes: ['cuda'] } } }));
    assert.equal(bake.target['a-base']!.args!.M, '12');
    assert.equal(bake.target['b-base']!.args!.M, '12');
  });
});

describe('axes that do not apply, and unsuffixed defaults', () => {
  const generated = generateOk(yaml(DEVICES));
  const { bake } = generated.plan;
  test('a value without an axis gets no value, no args and no name part for it', () => {
    assert.deepEqual(Object.keys(bake.target).filter((n) => n.includes('cpu')).sort(), ['cpu-base', 'sglang-cpu-framework', 'sglang-cpu-runtime', 'vllm-cpu-framework', 'vllm-cpu-runtime']);
    assert.deepEqual(bake.target['cpu-base']!.args, { DEVICE: 'cpu' });
    assert.deepEqual({ ...generated.plan.targets.get('vllm-cpu-runtime')!.values }, { framework: 'vllm', device: 'cpu' }); // values: a dict (no prototype)
  });
  test('one tag template gives the unsuffixed default and the suffixed others', () => {
    assert.deepEqual(bake.target['vllm-cuda-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}']);
    assert.deepEqual(bake.target['vllm-cuda-cu130-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu130']);
    assert.deepEqual(bake.target['vllm-cpu-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cpu']);
  });
  test('per-value groups leave out the combinations the axis does not apply to', () => {
    assert.deepEqual(bake.group.cu129!.targets, ['vllm-cuda-cu129-runtime', 'sglang-cuda-cu129-runtime']);
  });
  test('a required placeholder of an axis that does not apply is an error suggesting the optional form', () => {
    const [p] = generateProblems(yaml({ ...DEVICES, stages: { ...DEVICES.stages, runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{cuda}'] } } }));
    assert.equal(p!.code, 'axis-does-not-apply');
    assert.match(p!.message, /does not apply to device=cpu/);
    assert.match(p!.hint!, /\{-cuda\}/);
  });
  test('two defaults on one axis are an error', () => {
    const m = structuredClone(DEVICES);
    m.axes!.cuda!.cu130 = { ...m.axes!.cuda!.cu130!, default: true };
    const [p] = generateProblems(yaml(m));
    assert.equal(p!.code, 'two-defaults');
    assert.equal(p!.pointer, '/axes/cuda/cu130/default');
  });
  test('`without` naming no axis, or its own, is an error', () => {
    for (const without of [["cudaa"], ["device"]] as [string][]) {
      const m = structuredClone(DEVICES);
      m.axes!.device!.cpu = { without };
      const [p] = generateProblems(yaml(m));
      assert.equal(p!.pointer, '/axes/device/cpu/without/0');
    }
  });
});

describe('tables: a value per combination', () => {
  const tables = (entries: unknown): Partial<MatrixFile> => ({
    ...DEVICES,
    tables: { runtime_image: { by: ['device', 'cuda'], entries: entries as Record<string, never> } },
    stages: { ...DEVICES.stages, runtime: { target: 'runtime', from: 'framework', args: { RUNTIME_IMAGE: '{runtime_image}' } } },
  });
  const complete = { cuda: { cu129: 'nvidia/cuda:{cuda.version}-runtime', cu130: 'nvidia/cuda:{cuda.version}-runtime' }, cpu: { '-': 'ubuntu:24.04' } };
  test('each target reads its entry; an entry is a template', () => {
    const bake = bakeOf(yaml(tables(complete)));
    assert.equal(bake.target['vllm-cuda-cu130-runtime']!.args!.RUNTIME_IMAGE, 'nvidia/cuda:13.0.1-runtime');
    assert.equal(bake.target['vllm-cpu-runtime']!.args!.RUNTIME_IMAGE, 'ubuntu:24.04');
  });
  test('a combination without an entry is an error naming it, never a default', () => {
    const [p] = generateProblems(yaml(tables({ cuda: { cu129: 'x' }, cpu: { '-': 'y' } })));
    assert.equal(p!.code, 'missing-table-entry');
    assert.match(p!.message, /has no entry for device=cuda, cuda=cu130/);
  });
  test('an entry for a value the axis does not have is an error', () => {
    const [p] = generateProblems(yaml(tables({ ...complete, tpu: { '-': 'z' } })));
    assert.equal(p!.code, 'unknown-value');
    assert.equal(p!.pointer, '/tables/runtime_image/entries/tpu');
  });
  test('entries nested less deep than `by` are an error', () => {
    const [p] = generateProblems(yaml(tables({ cuda: 'x', cpu: { '-': 'y' } })));
    assert.equal(p!.code, 'bad-table-entry');
  });
  test('columns: {table.column}', () => {
    const m = tables({ cuda: { cu129: { image: 'a', tag: '1' }, cu130: { image: 'b', tag: '2' } }, cpu: { '-': { image: 'c', tag: '3' } } });
    m.stages!.runtime!.args = { RUNTIME_IMAGE: '{runtime_image.image}:{runtime_image.tag}' };
    assert.equal(bakeOf(yaml(m)).target['vllm-cuda-cu130-runtime']!.args!.RUNTIME_IMAGE, 'b:2');
  });
});

describe('{arg:NAME}: an arg built from the target\'s other args', () => {
  const stages = (args: Record<string, string>): Partial<MatrixFile> => ({ stages: { base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}', args } } });
  test('reads the final value, an override included', () => {
    const bake = bakeOf(yaml({ ...stages({ BASE_IMAGE: 'nvidia/cuda', BASE_TAG: '{cuda}', BASE: '{arg:BASE_IMAGE}:{arg:BASE_TAG}' }), overrides: [{ when: { cuda: 'cu130' }, args: { BASE_TAG: 'latest' } }] }));
    assert.equal(bake.target['base-cu129']!.args!.BASE, 'nvidia/cuda:cu129');
    assert.equal(bake.target['base-cu130']!.args!.BASE, 'nvidia/cuda:latest');
  });
  test('a cycle is an error, not a hang', () => {
    const problems = generateProblems(yaml(stages({ A: '{arg:B}', B: '{arg:A}' })));
    assert.ok(problems.some((p) => p.code === 'arg-cycle' && /A -> B -> A|B -> A -> B/.test(p.message)), JSON.stringify(problems));
  });
  test('an arg the target does not have is an error listing its args', () => {
    const [p] = generateProblems(yaml(stages({ A: '{arg:NOPE}' })));
    assert.equal(p!.code, 'unknown-arg');
    assert.match(p!.hint!, /CUDA_VERSION/);
  });
});
