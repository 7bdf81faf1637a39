// What plain `docker buildx bake` (no -f) resolves in a folder, computed
// independently of src/ (a test oracle): buildx loads every default file it
// finds there, in its order (bake/bake.go, defaultFilenames: v0.10.4 reads
// docker-bake.json, docker-bake.override.json, docker-bake.hcl,
// docker-bake.override.hcl after the compose files; today's reads the two
// docker-bake files before the two overrides), parses them as one HCL body
// and merges blocks of the same name the way its parser does: a target
// met again is merged into the first (Target.Merge: scalars, tags, platforms,
// cache-to and output replaced; args, labels and contexts key by key;
// cache-from, secret, ssh and inherits appended), a group or variable met
// again replaces the first. Then every group and target is resolved as
// `--print` prints it (test/helpers/bake-print.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BakeFile, BakeTarget } from '../../src/types/bake.ts';
import { normalizeStrings, parseBakeHcl } from './bake-hcl.ts';
import { bakePrint, targetsOf } from './bake-print.ts';

const COMPOSE = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_FILES = {
  'v0.10.4': ['docker-compose.yml', 'docker-compose.yaml', 'docker-bake.json', 'docker-bake.override.json', 'docker-bake.hcl', 'docker-bake.override.hcl'],
  current: [...COMPOSE, 'docker-bake.json', 'docker-bake.hcl', 'docker-bake.override.json', 'docker-bake.override.hcl'],
} as const;

/** The default files present in `dir`, in the order buildx `version` reads them. */
export function defaultFilesIn(dir: string, version: keyof typeof DEFAULT_FILES): string[] {
  return DEFAULT_FILES[version].filter((name) => existsSync(join(dir, name)));
}

/** The bake files' blocks merged as buildx merges several files. */
export function mergeBakeFiles(files: readonly BakeFile[]): BakeFile {
  const out: BakeFile = { group: {}, target: {} };
  for (const file of files) {
    for (const [name, v] of Object.entries(file.variable ?? {})) (out.variable ??= {})[name] = v;
    for (const [name, g] of Object.entries(file.group ?? {})) out.group[name] = g;
    for (const [name, t] of Object.entries(file.target ?? {})) out.target[name] = out.target[name] ? mergeTarget(out.target[name]!, t) : t;
  }
  return out;
}

function mergeTarget(a: BakeTarget, b: BakeTarget): BakeTarget {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === 'args' || key === 'labels' || key === 'contexts') {
      const map: Record<string, unknown> = { ...((out[key] as object | undefined) ?? {}) };
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== null) map[k] = v;
      out[key] = map;
    } else if (key === 'cache-from' || key === 'secret' || key === 'ssh' || key === 'inherits') out[key] = [...((out[key] as unknown[] | undefined) ?? []), ...(value as unknown[])];
    else out[key] = value;
  }
  return out as BakeTarget;
}

/**
 * Every group (as its targets) and every target (as `--print` shows it) that
 * plain buildx resolves in `dir`, as one canonical JSON text; '(no bake file)'
 * when the folder has none.
 */
export async function resolveBakeFolder(dir: string, version: keyof typeof DEFAULT_FILES = 'current'): Promise<string> {
  const names = defaultFilesIn(dir, version);
  const compose = names.filter((n) => n.includes('compose'));
  if (compose.length) throw new Error(`the stand-in reads no compose file: ${compose.join(', ')}`);
  if (names.length === 0) return '(no bake file)';
  const files: BakeFile[] = [];
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8');
    files.push((name.endsWith('.json') ? normalizeStrings(JSON.parse(text)) : await parseBakeHcl(text, name)) as BakeFile);
  }
  const bake = mergeBakeFiles(files);
  const groups = Object.fromEntries(Object.keys(bake.group).sort().map((g) => [g, targetsOf(bake, [g])]));
  const printed = bakePrint(bake, Object.keys(bake.target).sort());
  return JSON.stringify({ groups, targets: Object.fromEntries(printed) });
}
