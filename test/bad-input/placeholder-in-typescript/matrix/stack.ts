// A typo in a template: the types cannot see inside the string, generate does.
import { defineMatrix } from 'bake-matrix';

export default defineMatrix({
  name: 'demo',
  registry: 'registry.test/demo',
  dockerfile: 'Dockerfile',
  axes: {
    cuda: { cu129: {}, cu130: {} },
    framework: { vllm: {}, sglang: {} },
  },
  stages: {
    runtime: {
      target: 'runtime',
      axes: ['framework', 'cuda'],
      tags: [`{registry}/{framework}:{version}-{cuda}`, '{registry}/{framework}:{Cuda}'],
    },
  },
});
