// `run` regenerates the bake files only when something generation reads has
// changed. After generating, it records a key of every input (the matrix
// files' paths and texts, the Dockerfiles the checks read, the JSON Schema,
// the build of bake-matrix itself, the working folder and --matrix/--out) and
// a hash of each file it wrote, in <out>/.bake-matrix/generated.json. The next
// run with the same key, whose bake files still hash the same, reads the
// model back from docker-bake.json instead of generating it again: on a
// 10 000-target matrix that is a fraction of a second instead of seconds.
// Any difference, or anything unreadable, means: generate.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from '../../bin/dist-stamp.js';
import { parseBakeJson } from '../inspect/parse-bake-json.ts';
import { matrixPaths } from '../load/index.ts';
import type { BakeFile } from '../types/bake.ts';
import { ownFolder } from './closure-file.ts';

const RECORD = 'generated.json';

interface GenerationRecord {
  key: string;
  /** Dockerfiles the checks read, relative to the working folder. */
  dockerfiles: string[];
  /** Output file name -> sha256 of its text. */
  outputs: { [name: string]: string };
  /** The warnings generation printed, as printed. */
  warnings: string;
}

export interface Generation {
  matrix: string;
  out: string;
  cwd: string;
}

export interface Reused {
  bake: BakeFile;
  warnings: string;
}

/** The model of the last generation when nothing it read has changed since; otherwise undefined. */
export function reuseGeneration(g: Generation): Reused | undefined {
  try {
    const record = JSON.parse(readFileSync(join(resolve(g.cwd, g.out), '.bake-matrix', RECORD), 'utf8')) as GenerationRecord;
    const key = keyOf(g, record.dockerfiles);
    if (!key || key !== record.key) return undefined;
    const texts = new Map(Object.keys(record.outputs).map((name) => [name, readFileSync(join(resolve(g.cwd, g.out), name), 'utf8')]));
    for (const [name, text] of texts) if (sha256(text) !== record.outputs[name]) return undefined;
    const json = texts.get('docker-bake.json');
    if (json === undefined) return undefined;
    return { bake: parseBakeJson(json, 'docker-bake.json'), warnings: record.warnings };
  } catch {
    return undefined; // no record yet, or something unreadable: generate
  }
}

/** Records what was just generated and written; a failure to record only costs the next run a generation. */
export function recordGeneration(g: Generation, dockerfiles: readonly string[], outputs: { readonly [name: string]: string }, warnings: string): void {
  try {
    const paths = [...new Set(dockerfiles)];
    const key = keyOf(g, paths);
    if (!key) return;
    const record: GenerationRecord = { key, dockerfiles: paths, outputs: Object.fromEntries(Object.entries(outputs).map(([name, text]) => [name, sha256(text)])), warnings };
    writeFileSync(join(ownFolder(resolve(g.cwd, g.out)), RECORD), JSON.stringify(record) + '\n');
  } catch {
    // not recorded: the next run generates
  }
}

/** The key of every input of a generation, or undefined when the matrix is not there. */
function keyOf(g: Generation, dockerfiles: readonly string[]): string | undefined {
  const paths = matrixPaths(g.matrix, g.cwd);
  if (!paths?.length) return undefined;
  const hash = createHash('sha256');
  const add = (label: string, value: string) => hash.update(`${label}\0${value.length}\0${value}\0`);
  add('tool', toolStamp());
  add('schema', readFileSync(new URL('../../schema/matrix.schema.json', import.meta.url), 'utf8'));
  add('cwd', resolve(g.cwd));
  add('matrix', g.matrix);
  add('out', g.out);
  for (const path of paths) {
    add('matrix file', relative(g.cwd, path));
    add('text', readFileSync(path, 'utf8'));
  }
  for (const path of dockerfiles) {
    add('dockerfile', path);
    let text = '\0missing';
    try {
      text = readFileSync(resolve(g.cwd, path), 'utf8');
    } catch {
      // recorded as missing: generation reported it, or it appeared since (then the key differs)
    }
    add('text', text);
  }
  return hash.digest('hex');
}

/** Which build of bake-matrix runs: the state of src/ in a checkout, else the stamp dist/ was built with. */
function toolStamp(): string {
  const fromSource = sourceStamp(fileURLToPath(new URL('../../src', import.meta.url)));
  if (fromSource) return `src ${fromSource}`;
  return `dist ${readFileSync(new URL('../source-stamp.json', import.meta.url), 'utf8')}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
