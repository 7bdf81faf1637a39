// Generates from an in-memory matrix (YAML text per file name) without touching disk.
import { generate, type GenerateResult } from '../../src/generate.ts';
import { testdir } from './testdir.ts';

export function generateFromYaml(files: Record<string, string>): GenerateResult {
  const root = testdir(Object.fromEntries(Object.entries(files).map(([name, text]) => [`matrix/${name}`, text])));
  return generate('matrix', root);
}
