// Generates from an in-memory matrix (YAML text per file name) in a temp folder.
// Unless the test brings its own, a Dockerfile is written that defines every
// stage the matrix names and declares every arg it passes, so that tests of
// expansion and planning are not about the Dockerfile checks.
import { parse } from 'yaml';
import { generate, type GenerateResult } from '../../src/generate.ts';
import { testdir } from './testdir.ts';

export function generateFromYaml(files: Record<string, string>, dockerfile?: string): GenerateResult {
  const tree = Object.fromEntries(Object.entries(files).map(([name, text]) => [`matrix/${name}`, text]));
  const root = testdir({ Dockerfile: dockerfile ?? permissiveDockerfile(Object.values(files)), ...tree });
  return generate('matrix', root);
}

export function permissiveDockerfile(yamlTexts: string[]): string {
  const targets = new Set<string>();
  const args = new Set<string>();
  const walk = (node: unknown, key?: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n));
    if (node === null || typeof node !== 'object') {
      if (key === 'target' && typeof node === 'string') targets.add(node);
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'args' && v && typeof v === 'object') Object.keys(v).forEach((a) => args.add(a));
      if (k === 'from' && v && typeof v === 'object' && typeof (v as { arg?: unknown }).arg === 'string') args.add((v as { arg: string }).arg);
      walk(v, k);
    }
  };
  for (const text of yamlTexts) {
    try {
      walk(parse(text));
    } catch {
      // a malformed matrix: the test is about that, not the Dockerfile
    }
  }
  return [...[...args].map((a) => `ARG ${a}`), ...[...targets].map((t) => `FROM scratch AS ${t}`)].join('\n') + '\n';
}
