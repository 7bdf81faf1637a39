// Mutations of a matrix project: on the bytes (bit flips, insertions of
// tokens that broke the tool before: aliases, tags, deep brackets, 3.10, huge
// numbers, control characters, BOMs, UTF-16, long values), and on the
// structure (parse, change the tree: drop, copy, retype, rename, nest, point
// at other names; write it back as YAML).
import { stringify } from 'yaml';
import { parseToml } from '../../src/load/parse-toml.ts';
import { parseYaml } from '../../src/load/parse-yaml.ts';
import { isMatrixFile, type Project } from './corpus.ts';
import type { Random } from './random.ts';

const TOKENS = [
  '&a ', '*a', '&a [1, *a]', '*nope', '!include other.yaml', '!!binary aGk=', '!!set', '[[[[[[[[[[', '{{{{{{{{', ']]', '}}',
  '3.10', '12345678901234567890', '0x1F', '1e3', '1_000', '.inf', 'True', 'null', '~', '2024-01-01', '---\n', '...\n',
  '\u001b[31m', '\u202e', '\u0000', '\r', '\u2028', '\ufeff', '\t', '\\', '"', "'", '#', ': ', '- ', '? ', ',', '=',
  'ghp_' + 'a1B2'.repeat(9), 'https://user:secret@example.com/', '-----BEGIN PRIVATE KEY-----', 'hf_' + 'x'.repeat(34),
  '${HOME}', '$${', '%{', '{registry}', '{version}', '{nope}', '{{', '{cuda}', '{framework}', '{target}', '{stage}',
  '../../etc', '/etc/passwd', 'HOME', 'PATH', 'linux/amd64', 'linux/s390x', '<<: *a', 'é', '😀', 'é',
];
const KEYS = ['name', 'registry', 'dockerfile', 'context', 'platforms', 'args', 'labels', 'secrets', 'variables', 'axes', 'exclude', 'include', 'overrides',
  'stages', 'groups', 'cache', 'target', 'from', 'only', 'tags', 'layers', 'default', 'when', 'env', 'src', 'id', 'ref', 'fallback', 'targets', 'description'];

export interface Mutated {
  files: Project;
  /** What was done, for the report. */
  steps: string[];
}

export function mutate(project: Project, rnd: Random): Mutated {
  const files: Project = { ...project };
  const steps: string[] = [];
  const count = rnd.chance(0.6) ? 1 : 1 + rnd.int(rnd.chance(0.25) ? 6 : 3);
  for (let i = 0; i < count; i++) {
    const matrixFiles = Object.keys(files).filter(isMatrixFile).sort();
    if (matrixFiles.length === 0) break;
    const path = rnd.pick(matrixFiles);
    const kind = rnd.next();
    if (kind < 0.08) steps.push(projectMutation(files, path, rnd));
    else if (kind < 0.45) steps.push(tryStructureMutation(files, path, rnd));
    else steps.push(`${path}: ${byteMutation(files, path, rnd)}`);
  }
  return { files, steps };
}

const decoder = new TextDecoder();
const text = (bytes: Uint8Array) => decoder.decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

export function byteMutation(files: Project, path: string, rnd: Random): string {
  const data = files[path]!;
  const s = text(data);
  const at = rnd.int(s.length + 1);
  const choice = rnd.int(12);
  switch (choice) {
    case 0: {
      const copy = Uint8Array.from(data);
      if (copy.length === 0) return 'flip (empty)';
      const i = rnd.int(copy.length);
      copy[i] = copy[i]! ^ (1 << rnd.int(8));
      files[path] = copy;
      return `flip a bit of byte ${i}`;
    }
    case 1: {
      const copy = new Uint8Array(data.length + 1);
      const i = rnd.int(data.length + 1);
      copy.set(data.subarray(0, i));
      copy[i] = rnd.int(256);
      copy.set(data.subarray(i), i + 1);
      files[path] = copy;
      return `insert byte 0x${copy[i]!.toString(16)} at ${i}`;
    }
    case 2: {
      const len = 1 + rnd.int(Math.min(64, Math.max(1, s.length - at)));
      files[path] = bytes(s.slice(0, at) + s.slice(at + len));
      return `delete ${len} characters at ${at}`;
    }
    case 3: {
      const len = 1 + rnd.int(Math.min(200, Math.max(1, s.length - at)));
      files[path] = bytes(s.slice(0, at) + s.slice(at, at + len).repeat(1 + rnd.int(3)) + s.slice(at + len));
      return `repeat ${len} characters at ${at}`;
    }
    case 4: {
      const lines = s.split('\n');
      const [i, j] = [rnd.int(lines.length), rnd.int(lines.length)];
      if (rnd.chance(0.5)) [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      else lines.splice(j, 0, lines[i]!);
      files[path] = bytes(lines.join('\n'));
      return `move or copy line ${i + 1} to ${j + 1}`;
    }
    case 5: {
      const lines = s.split('\n');
      const i = rnd.int(lines.length);
      const indent = ' '.repeat(rnd.int(9));
      lines[i] = rnd.chance(0.5) ? indent + lines[i]!.trimStart() : lines[i]!.replace(/^\s+/, '');
      files[path] = bytes(lines.join('\n'));
      return `re-indent line ${i + 1}`;
    }
    case 6: {
      const cut = rnd.int(s.length + 1);
      files[path] = bytes(s.slice(0, cut));
      return `truncate at ${cut}`;
    }
    case 7: {
      const encodings = ['utf8-bom', 'utf16le', 'utf16le-bom', 'crlf', 'latin1'] as const;
      const e = rnd.pick(encodings);
      files[path] =
        e === 'utf8-bom' ? bytes('\ufeff' + s)
        : e === 'crlf' ? bytes(s.replace(/\n/g, '\r\n'))
        : e === 'latin1' ? Uint8Array.from(Buffer.from(s, 'latin1'))
        : Uint8Array.from(Buffer.from((e === 'utf16le-bom' ? '\ufeff' : '') + s, 'utf16le'));
      return `re-encode as ${e}`;
    }
    case 8: {
      const n = [100, 1000, 70_000][rnd.int(3)]!;
      const opener = rnd.pick(['[', '{', '- ', '  ', 'a: ']);
      files[path] = bytes(s.slice(0, at) + opener.repeat(n) + s.slice(at));
      return `insert ${n} x ${JSON.stringify(opener)} at ${at}`;
    }
    case 9: {
      const long = rnd.pick(['x', 'ghp_', 'a://', 'eyJ', '-----BEGIN ', 'aB3/']).repeat(1 + rnd.int(30_000));
      files[path] = bytes(s.slice(0, at) + long + s.slice(at));
      return `insert a ${long.length}-character run at ${at}`;
    }
    default: {
      const token = rnd.pick(TOKENS);
      files[path] = bytes(s.slice(0, at) + token + s.slice(at));
      return `insert ${JSON.stringify(token)} at ${at}`;
    }
  }
}

/** A structure mutation, or a byte mutation when the tree cannot take one (the fuzzer itself must not fail). */
function tryStructureMutation(files: Project, path: string, rnd: Random): string {
  const before = files[path]!;
  if (path.endsWith('.ts')) return `${path}: ${byteMutation(files, path, rnd)} (TypeScript: bytes only)`;
  try {
    return structureMutation(files, path, rnd);
  } catch (e) {
    files[path] = before;
    return `${path}: ${byteMutation(files, path, rnd)} (structure mutation failed: ${(e as Error).message})`;
  }
}

/** Parses the file (YAML, or TOML written back as YAML), changes its tree, writes YAML. */
function structureMutation(files: Project, path: string, rnd: Random): string {
  // Big mutants (long runs inserted) are left to byte mutations: parsing them here would slow the fuzzer, not the tool.
  if (files[path]!.length > 100_000) return `${path}: ${byteMutation(files, path, rnd)} (too big for a structure mutation)`;
  // Read with the tool's own loader: it refuses what would make a tree slow to build (deep nesting,
  // alias bombs, keys that are collections, whose stringification is exponential in their depth).
  const parsed = path.endsWith('.toml') ? parseToml(text(files[path]!), path) : parseYaml(text(files[path]!), path);
  if (parsed.problems.length) return `${path}: ${byteMutation(files, path, rnd)} (did not load for a structure mutation)`;
  let data: unknown = parsed.data;
  const nodes = collect(data);
  if (nodes.length === 0) return `${path}: nothing to change`;
  const target = rnd.pick(nodes);
  const other = rnd.pick(nodes).value;
  const names = nodes.flatMap((n) => (n.parent && !Array.isArray(n.parent) ? [String(n.key)] : []));
  let step: string;
  const parent = target.parent as Record<string, unknown> | unknown[] | undefined;
  const set = (value: unknown) => {
    if (parent) (parent as Record<string | number, unknown>)[target.key!] = value;
    else data = value;
  };
  switch (rnd.int(9)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(Number(target.key), 1);
      else if (parent) delete parent[target.key as string];
      step = `drop ${target.path}`;
      break;
    case 1:
      set(structuredClone(other));
      step = `replace ${target.path} with a copy of another node`;
      break;
    case 2:
      set(rnd.pick<unknown>([null, true, 0, 3.1, -1, '', 'x', [], {}, ['a'], { a: 1 }, 'a'.repeat(100)]));
      step = `retype ${target.path}`;
      break;
    case 3:
      set(rnd.pick([[target.value], { x: target.value }]));
      step = `nest ${target.path}`;
      break;
    case 4:
      if (parent && !Array.isArray(parent)) {
        const name = rnd.chance(0.5) ? rnd.pick(KEYS) : rnd.pick(names.length ? names : KEYS);
        parent[name] = target.value;
        step = `copy ${target.path} to key ${name}`;
      } else step = 'no key to copy';
      break;
    case 5:
      set(rnd.pick(names.length ? names : KEYS));
      step = `point ${target.path} at another name`;
      break;
    case 6:
      if (typeof target.value === 'object' && target.value !== null && !Array.isArray(target.value)) {
        (target.value as Record<string, unknown>)[rnd.pick(KEYS)] = rnd.chance(0.5) ? structuredClone(other) : rnd.pick(names.length ? names : KEYS);
        step = `add a key under ${target.path}`;
      } else if (Array.isArray(target.value)) {
        target.value.push(structuredClone(other));
        step = `append to ${target.path}`;
      } else step = 'nothing to add to';
      break;
    case 7:
      if (typeof target.value === 'string') set(target.value + rnd.pick(TOKENS));
      else set(String(target.value));
      step = `edit the text of ${target.path}`;
      break;
    default: {
      const wide = Array.from({ length: 1 + rnd.int(40) }, (_, i) => [`v${i}`, structuredClone(other)]);
      set(Object.fromEntries(wide));
      step = `widen ${target.path} to ${wide.length} entries`;
    }
  }
  let out: string;
  try {
    out = stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
  } catch {
    return `${path}: ${step} (not writable as YAML; left as it was)`;
  }
  const yamlPath = path.replace(/\.toml$/, '.yaml');
  if (yamlPath !== path) delete files[path];
  files[yamlPath] = bytes(out);
  return `${yamlPath}: ${step}`;
}

/** Project-level changes: an empty file, a second document, a copy of a file, a file's removal. */
function projectMutation(files: Project, path: string, rnd: Random): string {
  switch (rnd.int(4)) {
    case 0:
      files['matrix/extra.yaml'] = bytes(rnd.pick(['', '# nothing\n', 'null\n', '{}\n']));
      return 'add an empty matrix file';
    case 1:
      files[path] = bytes(text(files[path]!) + '\n---\nname: second\n');
      return `${path}: add a second YAML document`;
    case 2:
      files[path.replace(/(\.\w+)$/, '-copy$1')] = files[path]!;
      return `copy ${path} (every key defined twice)`;
    default:
      delete files[path];
      return `remove ${path}`;
  }
}

interface Node {
  value: unknown;
  parent?: unknown;
  key?: string | number;
  path: string;
}

function collect(root: unknown): Node[] {
  const nodes: Node[] = [];
  const stack: Node[] = [{ value: root, path: '(top)' }];
  while (stack.length && nodes.length < 5000) {
    const node = stack.pop()!;
    nodes.push(node);
    // Plain mappings and lists only: a date or binary data is a leaf.
    if (node.value && typeof node.value === 'object' && (Array.isArray(node.value) || Object.getPrototypeOf(node.value) === Object.prototype)) {
      for (const [key, value] of Object.entries(node.value)) {
        stack.push({ value, parent: node.value, key: Array.isArray(node.value) ? Number(key) : key, path: `${node.path === '(top)' ? '' : node.path + '.'}${key}` });
      }
    }
  }
  return nodes;
}
