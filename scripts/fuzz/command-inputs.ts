// Command inputs for the fuzzer: what commands read besides the matrix, each
// from another job or a pull request: a `--progress=plain` log for `report`,
// `--metadata-file`s for `report` and `manifest`, bake files for `diff`, a
// journal left in `bake/` for `check`. A case mutates one or two of them
// (bytes, as for matrix files, or the JSON tree) and runs the command that
// reads it. The exit codes each command may end with are listed with it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from './corpus.ts';
import { byteMutation } from './mutate.ts';
import type { Random } from './random.ts';

export interface CommandSeeds {
  /** The example project: matrix/ and bake/ (Dockerfile, bake files). */
  project: Project;
  bakeJson: Uint8Array;
  logs: Uint8Array[];
  metadata: Uint8Array[];
  /** Target names of the example's bake file. */
  targets: string[];
}

export interface CommandRun {
  argv: string[];
  /** The exit codes it may end with, whatever its input. */
  allowed: number[];
}

export interface CommandCase {
  files: Project;
  commands: CommandRun[];
  steps: string[];
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

export function loadCommandSeeds(repo: string, project: Project): CommandSeeds {
  const progress = join(repo, 'test/fixtures/progress');
  const names = readdirSync(progress).sort();
  const bakeJson = readFileSync(join(repo, 'bake/docker-bake.json'));
  const targets = Object.keys((JSON.parse(bakeJson.toString('utf8')) as { target: object }).target);
  const digest = (i: number) => 'sha256:' + (i.toString(16).padStart(2, '0') + 'ab').repeat(16);
  // Metadata as a bake of the example writes it: one entry per built target.
  const example = Object.fromEntries(targets.filter((t) => !t.startsWith('_')).map((t, i) => [t, { 'containerimage.digest': digest(i), 'image.name': `registry.example/stack/${t}@${digest(i)}` }]));
  return {
    project,
    bakeJson,
    logs: names.filter((n) => n.endsWith('.log')).map((n) => readFileSync(join(progress, n))),
    metadata: [...names.filter((n) => n.endsWith('.metadata.json')).map((n) => readFileSync(join(progress, n))), bytes(JSON.stringify(example, null, 2))],
    targets,
  };
}

export function commandCase(seeds: CommandSeeds, rnd: Random): CommandCase {
  const steps: string[] = [];
  const mutated = (name: string, data: Uint8Array, json: boolean): Uint8Array => {
    const files: Project = { [name]: data };
    const count = 1 + rnd.int(3);
    for (let i = 0; i < count; i++) steps.push(`${name}: ${json && rnd.chance(0.4) ? jsonMutation(files, name, rnd) : byteMutation(files, name, rnd)}`);
    return files[name]!;
  };
  switch (rnd.int(4)) {
    case 0: {
      const files: Project = { 'bake.log': mutated('bake.log', rnd.pick(seeds.logs), false) };
      const argv = ['report', '--log', 'bake.log', '--format', rnd.pick(['markdown', 'text', 'json'])];
      if (rnd.chance(0.5)) {
        files['metadata.json'] = mutated('metadata.json', rnd.pick(seeds.metadata), true);
        argv.push('--metadata-file', 'metadata.json');
      }
      return { files, commands: [{ argv, allowed: [0, 2] }], steps };
    }
    case 1: {
      const old = mutated('old.json', seeds.bakeJson, true);
      const now = rnd.chance(0.5) ? seeds.bakeJson : mutated('new.json', seeds.bakeJson, true);
      const argv = ['diff', 'old.json', 'new.json', ...(rnd.chance(0.3) ? ['--json'] : []), ...(rnd.chance(0.3) ? ['--exit-code'] : [])];
      return { files: { 'old.json': old, 'new.json': now }, commands: [{ argv, allowed: [0, 1, 2] }], steps };
    }
    case 2: {
      const files: Project = { ...seeds.project, 'metadata/a.json': mutated('metadata/a.json', rnd.pick(seeds.metadata), true) };
      if (rnd.chance(0.3)) files['metadata/b.json'] = mutated('metadata/b.json', rnd.pick(seeds.metadata), true);
      const names = rnd.chance(0.5) ? ['default'] : [rnd.pick(seeds.targets)];
      return { files, commands: [{ argv: ['manifest', ...names, '--metadata', 'metadata', '--dry-run', ...(rnd.chance(0.3) ? ['--json'] : [])], allowed: [0, 1, 2] }], steps };
    }
    default: {
      // A journal as an interrupted write leaves it: steps naming temp files, some of them present.
      const temp = '.bake-matrix.4242.abcdefgh.tmp';
      const journal = { pid: 4242, entries: [{ file: 'docker-bake.json', temp, sha256: '0'.repeat(64) }, { file: 'docker-bake.hcl' }] };
      const files: Project = { ...seeds.project, 'bake/.bake-matrix.journal': mutated('bake/.bake-matrix.journal', bytes(JSON.stringify(journal) + '\n'), true) };
      if (rnd.chance(0.5)) files[`bake/${temp}`] = seeds.bakeJson;
      return { files, commands: [{ argv: ['check'], allowed: [0, 1, 2] }, { argv: ['list', '--json'], allowed: [0, 2] }], steps };
    }
  }
}

/** Values that broke readers of JSON before: deep nesting, long strings, wrong types, names of Object's own keys. */
const JSON_VALUES: (() => unknown)[] = [
  () => null,
  () => 12345678901234567890,
  () => -1,
  () => true,
  () => '',
  () => 'x'.repeat(100_000),
  () => '\u001b[31m\u202e',
  () => 'sha256:' + 'a'.repeat(64),
  () => 'registry.example/x@sha256:' + 'b'.repeat(64),
  () => '../../etc/passwd',
  () => [],
  () => ({}),
  () => JSON.parse('['.repeat(5000) + ']'.repeat(5000)) as unknown,
  () => Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, 'v'])),
  () => Array.from({ length: 2000 }, (_, i) => `t${i}`),
  () => JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "x", "toString": 1}') as unknown,
];

/** A change to the JSON tree: a value or key replaced; the text is left as it is when it is no JSON. */
function jsonMutation(files: Project, path: string, rnd: Random): string {
  let tree: unknown;
  try {
    tree = JSON.parse(text(files[path]!));
  } catch {
    return byteMutation(files, path, rnd) + ' (not JSON: bytes)';
  }
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, depth: number) => {
    if (typeof v !== 'object' || v === null || nodes.length > 10_000 || depth > 100) return;
    for (const [k, child] of Object.entries(v)) {
      nodes.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child, depth + 1);
    }
  };
  walk(tree, 0);
  if (nodes.length === 0) {
    const value = rnd.pick(JSON_VALUES)();
    files[path] = bytes(JSON.stringify(value));
    return 'replace the document';
  }
  const node = rnd.pick(nodes);
  const where = String(node.key);
  if (!Array.isArray(node.parent) && rnd.chance(0.3)) {
    const key = rnd.pick(['__proto__', 'constructor', '', 'containerimage.digest', 'image.name', 'default', 'target', 'group', 'a|b`c', '-flag', 'x'.repeat(5000)]);
    const value = node.parent[where];
    delete node.parent[where];
    Object.defineProperty(node.parent, key, { value, enumerable: true, configurable: true, writable: true });
    try {
      files[path] = bytes(JSON.stringify(tree, null, rnd.chance(0.5) ? 2 : undefined));
    } catch {
      return byteMutation(files, path, rnd) + ' (too deep to write back as JSON: bytes)';
    }
    return `rename key ${JSON.stringify(where.slice(0, 40))} to ${JSON.stringify(key.slice(0, 40))}`;
  }
  const value = rnd.pick(JSON_VALUES)();
  (node.parent as Record<string, unknown>)[where] = value;
  try {
    files[path] = bytes(JSON.stringify(tree, null, rnd.chance(0.5) ? 2 : undefined));
  } catch {
    return byteMutation(files, path, rnd) + ' (too deep to write back as JSON: bytes)';
  }
  return `set ${JSON.stringify(where.slice(0, 40))} to a ${Array.isArray(value) ? 'list' : typeof value}`;
}
