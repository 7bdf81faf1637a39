// A small valid matrix to vary in tests, as YAML text.
import { stringify } from 'yaml';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import type { Generated } from '../../src/generate.ts';
import { generateFromYaml } from './generate.ts';

export const BASE_MATRIX: MatrixFile = {
  name: 'demo',
  registry: 'registry.test/demo',
  platforms: ['linux/amd64', 'linux/arm64'],
  axes: {
    cuda: { cu129: { args: { CUDA_VERSION: '12.9.1' } }, cu130: { args: { CUDA_VERSION: '13.0.1' } } },
    framework: { vllm: { args: { ENGINE: 'vllm' } }, sglang: { args: { ENGINE: 'sglang' } } },
  },
  stages: {
    base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
    framework: { target: 'framework', from: 'base', axes: ['framework', 'cuda'] },
    runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{version}-{cuda}'] },
  },
};

export function matrixYaml(overrides: Partial<MatrixFile> = {}): string {
  return stringify({ ...BASE_MATRIX, ...overrides });
}

/** Generates and fails the test with the formatted problems when generation fails. */
export function generateOk(files: Record<string, string>): Generated {
  const result = generateFromYaml(files);
  if (!result.ok) throw new Error(`expected the matrix to generate, got:\n${result.problems.map((p) => `${p.file ?? ''} ${p.pointer ?? ''}: ${p.message}`).join('\n')}`);
  return result.value;
}

export function generateProblems(files: Record<string, string>) {
  const result = generateFromYaml(files);
  if (result.ok) throw new Error('expected the matrix to fail, but it generated');
  return result.problems;
}

export function bakeOf(files: Record<string, string>) {
  return generateOk(files).plan.bake;
}
