import { defineMatrix } from 'bake-matrix';
import { cudaAxis } from '../versions.ts';

export default defineMatrix({
  name: 'demo',
  registry: 'registry.test/demo',
  dockerfile: 'Dockerfile',
  axes: {
    cuda: cudaAxis,
    framework: { vllm: { args: { ENGINE: 'vllm' } } },
  },
  stages: {
    base: { target: 'base', axes: ['cuda'], name: 'base-{cuda}' },
    runtime: { target: 'runtime', from: 'base', axes: ['framework', 'cuda'], tags: ['{registry}/{framework}:{version}-{cuda}'] },
  },
});
