// What the fuzzer starts from: the example stack (matrix/ and its Dockerfile)
// and every case of the bad-input catalogue, as in-memory projects.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Relative path -> bytes. */
export type Project = Record<string, Uint8Array>;

export interface Seed {
  name: string;
  files: Project;
}

function readTree(root: string, dir = root, skip: (rel: string) => boolean = () => false): Project {
  const files: Project = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path).split('\\').join('/');
    if (skip(rel)) continue;
    if (entry.isDirectory()) Object.assign(files, readTree(root, path, skip));
    else if (entry.isFile()) files[rel] = readFileSync(path);
  }
  return files;
}

export function loadCorpus(repo: string): Seed[] {
  const seeds: Seed[] = [
    {
      name: 'example-stack',
      files: { ...readTree(repo, join(repo, 'matrix')), 'bake/Dockerfile': readFileSync(join(repo, 'bake/Dockerfile')) },
    },
  ];
  const catalogue = join(repo, 'test/bad-input');
  if (existsSync(catalogue)) {
    for (const name of readdirSync(catalogue).sort()) {
      const dir = join(catalogue, name);
      if (!statSync(dir).isDirectory()) continue;
      seeds.push({ name: `bad-input/${name}`, files: readTree(dir, dir, (rel) => rel === 'expected.txt' || rel === 'links.txt') });
    }
  }
  return seeds;
}

export const isMatrixFile = (path: string) => /^matrix\/.*\.(ya?ml|toml|ts)$/.test(path);
