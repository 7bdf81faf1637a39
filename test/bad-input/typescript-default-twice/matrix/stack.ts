// Two default exports: TypeScript refuses them (hence the directives); the loader took the last one.
import { defineMatrix } from 'bake-matrix';

// @ts-expect-error A module cannot have multiple default exports.
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
      from: 'base',
      axes: ['framework', 'cuda'],
      tags: ['{registry}/{framework}:{version}-{cuda}'],
    },
  },
});

// @ts-expect-error A module cannot have multiple default exports.
export default defineMatrix({ name: 'other' });
