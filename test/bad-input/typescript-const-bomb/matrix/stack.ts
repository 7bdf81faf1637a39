import { defineMatrix } from 'bake-matrix';

const a0 = ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'];
const a1 = [a0, a0, a0, a0, a0, a0, a0, a0, a0, a0];
const a2 = [a1, a1, a1, a1, a1, a1, a1, a1, a1, a1];
const a3 = [a2, a2, a2, a2, a2, a2, a2, a2, a2, a2];
const a4 = [a3, a3, a3, a3, a3, a3, a3, a3, a3, a3];
const a5 = [a4, a4, a4, a4, a4, a4, a4, a4, a4, a4];
const a6 = [a5, a5, a5, a5, a5, a5, a5, a5, a5, a5];
const a7 = [a6, a6, a6, a6, a6, a6, a6, a6, a6, a6];

export default defineMatrix({
  name: 'demo',
  registry: 'registry.test/demo',
  dockerfile: 'Dockerfile',
  axes: {
    cuda: {
      cu129: { args: { CUDA_VERSION: '12.9.1' } },
      cu130: { args: { CUDA_VERSION: '13.0.1' } },
    },
    framework: { vllm: { args: { ENGINE: 'vllm' } } },
  },
  // @ts-expect-error: a list of lists of names, not of platforms (the loader stops first, at the alias limit)
  platforms: a7,
  stages: {
    base: { target: 'base', axes: ['cuda'], name: 'base-{cuda}' },
    runtime: { target: 'runtime', from: 'base', axes: ['framework', 'cuda'], tags: ['{registry}/{framework}:{version}-{cuda}'] },
  },
});
