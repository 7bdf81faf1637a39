// The editor marks the mistake (tsc too: hence the directive); generate reports it as well.
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
  stages: {
    base: { target: 'base', axes: ['cuda'], name: 'base-{cuda}' },
    runtime: {
      target: 'runtime',
      // @ts-expect-error "bsae" is not a stage
      from: 'bsae',
      axes: ['framework', 'cuda'],
      tags: ['{registry}/{framework}:{version}-{cuda}'],
    },
  },
});
