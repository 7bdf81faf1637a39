import { defineMatrix } from 'bake-matrix';

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
  args: { PYTHON_VERSION: 3.10 },
  stages: {
    base: { target: 'base', axes: ['cuda'], name: 'base-{cuda}' },
    runtime: { target: 'runtime', from: 'base', axes: ['framework', 'cuda'], tags: ['{registry}/{framework}:{version}-{cuda}'] },
  },
});
