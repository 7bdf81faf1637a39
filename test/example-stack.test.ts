// The example stack of the repository: its committed bake file is the golden output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { generate } from '../src/generate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const generated = generate('matrix', root);
if (!generated.ok) throw new Error(JSON.stringify(generated.problems, null, 2));
const { outputs, plan } = generated.value;
const bake = plan.bake;

describe('the example stack', () => {
  for (const [name, text] of Object.entries(outputs)) {
    test(`bake/${name} is current (run \`npx bake-matrix generate\` when this fails)`, () => {
      assert.equal(readFileSync(`${root}bake/${name}`, 'utf8'), text);
    });
  }

  test('generating twice gives the same bytes', () => {
    const again = generate('matrix', root);
    assert.ok(again.ok);
    assert.deepEqual(again.value.outputs, outputs);
  });

  test('vllm-cu129 is its runtime and dev image', () => {
    assert.deepEqual(bake.group['vllm-cu129'], { targets: ['vllm-cu129-runtime', 'vllm-cu129-dev'] });
  });

  test("vllm-cu129's target: chain reaches the base it shares with sglang-cu129", () => {
    const chain = (name: string): string[] => {
      const contexts = Object.values(bake.target[name]!.contexts ?? {}).map((c) => c.replace(/^target:/, ''));
      return [...new Set(contexts.flatMap((c) => [c, ...chain(c)]))];
    };
    const vllm = chain('vllm-cu129-runtime');
    const sglang = chain('sglang-cu129-runtime');
    assert.ok(vllm.includes('base-cu129'));
    assert.deepEqual(vllm.filter((t) => sglang.includes(t)).sort(), ['base-cu129', 'torch-cu129']);
    for (const name of vllm) assert.ok(bake.target[name], `${name} is a target`);
  });

  test('trtllm exists on cu130 only, for amd64 only', () => {
    const trtllm = Object.keys(bake.target).filter((n) => n.startsWith('trtllm'));
    assert.ok(trtllm.length > 0 && trtllm.every((n) => n.includes('cu130')));
    assert.ok(trtllm.every((n) => JSON.stringify(bake.target[n]!.platforms) === '["linux/amd64"]'));
  });

  test('the per-combination override lands on its one combination', () => {
    assert.equal(plan.targets.get('vllm-cu130-runtime')!.args.RUNTIME_IMAGE_TAG?.preview, '13.0.1-cudnn-runtime-ubuntu24.04');
    assert.equal(plan.targets.get('vllm-cu129-runtime')!.args.RUNTIME_IMAGE_TAG, undefined);
    assert.equal(plan.targets.get('sglang-cu130-runtime')!.args.RUNTIME_IMAGE_TAG, undefined);
  });

  test('the CPU image has no CUDA: no CUDA args, no CUDA part in its names and tags', () => {
    const cpu = plan.targets.get('vllm-cpu-runtime')!;
    assert.deepEqual({ ...cpu.values }, { framework: 'vllm', device: 'cpu', os: 'ubuntu' }); // values: a dict (no prototype)
    assert.ok(!Object.keys(cpu.args).some((a) => a.startsWith('CUDA')), Object.keys(cpu.args).join());
    assert.deepEqual(bake.target['vllm-cpu-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cpu', '${RELEASE_VERSION == "" ? "" : "${REGISTRY}/vllm:${RELEASE_VERSION}-cpu"}']);
    assert.deepEqual(bake.group['vllm-cpu'], { targets: ['vllm-cpu-runtime', 'vllm-cpu-dev'] });
  });

  test('the default CUDA variant and device get no tag suffix; the others do', () => {
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags![0], '${REGISTRY}/vllm:${VERSION}');
    assert.deepEqual(bake.target['vllm-cu130-runtime']!.tags![0], '${REGISTRY}/vllm:${VERSION}-cu130');
  });

  test('the os axis: Rocky Linux for the CUDA images only, with a suffix; its layers come from its own Dockerfile stages', () => {
    const rocky = [...plan.targets.keys()].filter((n) => n.includes('rockylinux'));
    assert.ok(rocky.length > 0 && rocky.every((n) => plan.targets.get(n)!.values.device !== 'cpu'), rocky.join());
    assert.ok(!bake.target['vllm-cpu-rockylinux-runtime']);
    assert.deepEqual(['base-cu129', 'base-cu129-rockylinux'].map((n) => [plan.targets.get(n)!.args.OS?.preview, plan.targets.get(n)!.args.OS_RELEASE?.preview]), [['ubuntu', 'ubuntu24.04'], ['rockylinux', 'rockylinux9']]);
    assert.deepEqual(bake.target['vllm-cu130-rockylinux-runtime']!.tags![0], '${REGISTRY}/vllm:${VERSION}-cu130-rockylinux');
    assert.equal(plan.targets.get('vllm-cu130-rockylinux-runtime')!.args.RUNTIME_IMAGE_TAG?.preview, '13.0.1-cudnn-runtime-rockylinux9');
    // No templated Dockerfile: one stage per OS, picked by `FROM os-${OS}` and `FROM dev-${OS}`.
    const dockerfile = readFileSync(`${root}bake/Dockerfile`, 'utf8');
    for (const os of ['ubuntu', 'rockylinux']) for (const stage of ['os', 'dev']) assert.match(dockerfile, new RegExp(`^FROM .* AS ${stage}-${os}$`, 'm'));
    assert.match(dockerfile, /^FROM os-\$\{OS\} AS build-base$/m);
    assert.match(dockerfile, /^FROM dev-\$\{OS\} AS dev$/m);
  });

  test('CUDA_MAJOR derives from the version written once', () => {
    assert.deepEqual(['base-cu129', 'base-cu130'].map((n) => [plan.targets.get(n)!.args.CUDA_VERSION?.preview, plan.targets.get(n)!.args.CUDA_MAJOR?.preview]), [['12.9.1', '12'], ['13.0.1', '13']]);
  });

  test('the file holds no absolute path', () => {
    assert.doesNotMatch(outputs['docker-bake.json']!, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
