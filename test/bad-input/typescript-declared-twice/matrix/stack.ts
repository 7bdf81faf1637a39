// A const declared twice: TypeScript refuses it (hence the directives); the loader took the second.
import { defineMatrix } from 'bake-matrix';

// @ts-expect-error Cannot redeclare block-scoped variable.
const CUDA = '12.9.1';
// @ts-expect-error Cannot redeclare block-scoped variable.
const CUDA = '12.8.1';

export default defineMatrix({
  name: 'demo',
  registry: 'registry.test/demo',
  dockerfile: 'Dockerfile',
  axes: {
    cuda: {
      cu129: { args: { CUDA_VERSION: CUDA } },
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
