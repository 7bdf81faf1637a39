// A CLI golden case folder (test/bad-input/<case>/, test/accepted-input/<case>/):
// a small project and `expected.txt`, the command, its exit code and its
// normalised stderr. Shared by the catalogues' runners.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Golden {
  /** Arguments after `bake-matrix`; the first line of expected.txt: `$ bake-matrix generate ...`. */
  argv: string[];
  /** `NAME=value` words before `bake-matrix` (e.g. a lowered limit): the environment of the run. */
  env: Record<string, string>;
  text: string;
}

export function readGolden(dir: string): Golden {
  const path = join(dir, 'expected.txt');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const line = /^\$ ((?:[A-Z_]+=\S* )*)bake-matrix (.+)$/m.exec(text);
  const env = Object.fromEntries((line?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { argv: line ? line[2]!.trim().split(/\s+/) : ['generate'], env, text };
}

export function render(golden: Golden, code: number, stderr: string): string {
  const env = Object.entries(golden.env).map(([k, v]) => `${k}=${v} `).join('');
  return `$ ${env}bake-matrix ${golden.argv.join(' ')}\nexit ${code}\n\n${stderr}`;
}

/** Strips what differs between machines: the temp folder, CRLF, trailing blanks. */
export function normalise(text: string, root: string): string {
  return text
    .split(root)
    .join('<root>')
    .replace(/\r\n/g, '\n')
    .replace(/[ \t]+$/gm, '');
}

/** The case folders of a catalogue, sorted. */
export function caseFolders(catalogue: string): string[] {
  return readdirSync(catalogue, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** `links.txt` (optional): one symlink per line, `path -> target`, made in the case's copy (git keeps no dangling or outside links well). */
export function makeLinks(source: string, root: string): void {
  const list = join(source, 'links.txt');
  if (!existsSync(list)) return;
  for (const line of readFileSync(list, 'utf8').split('\n').filter((l) => l.trim())) {
    const [path, target] = line.split(' -> ').map((p) => p.trim());
    mkdirSync(dirname(join(root, path!)), { recursive: true });
    symlinkSync(target!, join(root, path!));
  }
}
