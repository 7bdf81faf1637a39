// `run` regenerates the bake files only when something generation reads has
// changed. After generating, it records a key of every input (the matrix
// files' paths and texts, the project root, the Dockerfiles and context
// folders the checks read, the JSON Schema, the build of bake-matrix itself,
// the working folder and --matrix/--out) and a hash of each file it wrote, in
// a record named after the working folder and options (in the system's temp
// folder: the output folder itself may depend on the matrix's `root:`; in a
// folder of the user's own, mode 0700, trusted only while it is theirs). Every
// path the checks read is keyed with its real path: a symlink changed since
// (one that now leads out of the project) means generate and check again. The
// next run with the same key, whose bake files still hash the same, reads the
// model back from docker-bake.json instead of generating it again: on a
// 10 000-target matrix that is a fraction of a second instead of seconds.
// Any difference, or anything unreadable, means: generate.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { writeAtomic } from '../emit/write-atomic.ts';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from '../../bin/dist-stamp.js';
import { realPathOf } from '../check-dockerfiles/real-paths.ts';
import { BAKE_FILE_NAMES } from '../emit/emit-bake.ts';
import { parseBakeJson } from '../inspect/parse-bake-json.ts';
import { decodeText } from '../load/decode-text.ts';
import { matrixPaths } from '../load/matrix-paths.ts';
import type { BakeFile } from '../types/bake.ts';
import type { ContentTemplates } from '../inputs/content-tags.ts';

interface GenerationRecord {
  key: string;
  /** The output folder, as given or defaulted (relative to the working folder), and the project root. */
  out: string;
  root: string;
  /** Every path the checks read (Dockerfiles, contexts, named contexts, secret files), relative to the root. */
  checked: string[];
  /** Output file name -> sha256 of its text. */
  outputs: { [name: string]: string };
  /** The warnings generation printed, as printed, and as --json gives them. */
  warnings: string;
  warningsJson?: object[];
  /** The {inputs} tags of the plan (not in the bake file). */
  contentTags?: ContentTemplates;
}

export interface Generation {
  /** `--matrix`, when given. */
  matrix?: string;
  /** `--out`, when given. */
  out?: string;
  cwd: string;
}

/** What a generation gave that the next run needs again. */
export interface Generated {
  out: string;
  root: string;
  checked: readonly string[];
  /** Absolute path -> text of each matrix file, as generation read it. */
  loaded: ReadonlyMap<string, string>;
  contentTags: ContentTemplates;
}

export interface Reused {
  bake: BakeFile;
  out: string;
  root: string;
  warnings: string;
  warningsJson: object[];
  contentTags: ContentTemplates;
}

/** The model of the last generation when nothing it read has changed since; otherwise undefined. */
export function reuseGeneration(g: Generation): Reused | undefined {
  try {
    const path = recordPath(g);
    if (!path) return undefined;
    const record = JSON.parse(readFileSync(path, 'utf8')) as GenerationRecord;
    const key = keyOf(g, record);
    if (!key || key !== record.key) return undefined;
    const out = resolve(g.cwd, record.out);
    const texts = new Map(Object.keys(record.outputs).map((name) => [name, readFileSync(join(out, name), 'utf8')]));
    for (const [name, text] of texts) if (sha256(text) !== record.outputs[name]) return undefined;
    const json = texts.get(BAKE_FILE_NAMES.json);
    if (json === undefined) return undefined;
    return { bake: parseBakeJson(json, BAKE_FILE_NAMES.json), out: record.out, root: record.root, warnings: record.warnings, warningsJson: record.warningsJson ?? [], contentTags: record.contentTags ?? {} };
  } catch {
    return undefined; // no record yet, or something unreadable: generate
  }
}

/** Records what was just generated and written (`hashes`: file name -> SHA-256 of what was written); a failure to record only costs the next run a generation. */
export function recordGeneration(g: Generation, generated: Generated, hashes: { readonly [name: string]: string }, warnings: string, warningsJson: object[]): void {
  try {
    const partial = { out: generated.out, root: generated.root, checked: [...new Set(generated.checked)] };
    const key = keyOf(g, partial, generated.loaded);
    if (!key) return;
    const record: GenerationRecord = { key, ...partial, outputs: { ...hashes }, warnings, warningsJson, ...(Object.keys(generated.contentTags).length ? { contentTags: generated.contentTags } : {}) };
    const path = recordPath(g, true);
    if (path) writeAtomic(path, JSON.stringify(record) + '\n', (name) => /^[0-9a-f]{32}\.json$/.test(name));
  } catch {
    // not recorded: the next run generates
  }
}

/**
 * One record per working folder, matrix and --out, in a folder of this user's
 * in the system's temp folder; undefined when that folder is not safely theirs
 * (another user could otherwise plant a record naming their own root and out).
 */
function recordPath(g: Generation, create = false): string | undefined {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `bake-matrix-generations${uid === undefined ? '' : `-${uid}`}`);
  if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (uid !== undefined) {
    const stats = lstatSync(dir, { throwIfNoEntry: false });
    if (!stats || !stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o077) !== 0) return undefined;
  }
  const id = sha256(`${resolve(g.cwd)}\0${g.matrix ?? ''}\0${g.out ?? ''}`).slice(0, 32);
  return join(dir, `${id}.json`);
}

/** The key of every input of a generation, or undefined when the matrix is not there. */
/**
 * `loaded`: absolute path -> text of the matrix files as the generation read
 * them (when recording: a file edited while it generated must not be keyed
 * with its new text); otherwise the files are read now, decoded the same way.
 */
function keyOf(g: Generation, r: Pick<GenerationRecord, 'out' | 'root' | 'checked'>, loaded?: ReadonlyMap<string, string>): string | undefined {
  const paths = loaded ? [...loaded.keys()] : matrixPaths(g.matrix, g.cwd);
  if (!paths?.length) return undefined;
  const hash = createHash('sha256');
  const add = (label: string, value: string) => hash.update(`${label}\0${value.length}\0${value}\0`);
  add('tool', toolStamp());
  add('schema', readFileSync(new URL('../../schema/matrix.schema.json', import.meta.url), 'utf8'));
  add('cwd', resolve(g.cwd));
  add('matrix', g.matrix ?? '');
  add('out option', g.out ?? '');
  add('out', r.out);
  add('root', r.root);
  for (const path of paths) {
    add('matrix file', relative(g.cwd, path));
    let text = loaded?.get(path);
    if (text === undefined) {
      const decoded = decodeText(readFileSync(path), path);
      if (!decoded.ok) return undefined;
      text = decoded.text;
    }
    add('text', text);
  }
  for (const path of r.checked) {
    add('checked', path);
    add('state', stateOf(resolve(r.root, path)));
  }
  return hash.digest('hex');
}

/** Where a path really leads, and the file's text, "folder" or "missing": what the checks saw. */
function stateOf(path: string): string {
  const real = `${realPathOf(path)}\0`;
  try {
    return real + (statSync(path).isDirectory() ? '\0folder' : readFileSync(path, 'utf8'));
  } catch {
    return `${real}\0missing`;
  }
}

/**
 * Which build of bake-matrix runs: compiled, the stamp dist/ was built with
 * (an installed package's src/ has npm's one fixed file time); run from src/
 * through tsx, the state of src/ now.
 */
function toolStamp(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return `dist ${readFileSync(new URL('../source-stamp.json', import.meta.url), 'utf8')}`;
  return `src ${sourceStamp(fileURLToPath(new URL('../../src', import.meta.url)))}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
