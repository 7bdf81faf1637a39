// The npm scripts `init` adds to a project's package.json: added when the name
// is free, left alone (and said) when the project already has a script of
// that name. Pure: the file's text in, the new text out, its indentation kept.
import { error, UserError } from '../problems/problem.ts';

export const SCRIPTS: Record<string, string> = {
  bake: 'bake-matrix run',
  'bake:generate': 'bake-matrix generate',
  'bake:check': 'bake-matrix check',
};

export interface ScriptsChange {
  /** The new text, or undefined when nothing changes. */
  text?: string;
  added: string[];
  /** Names the project already uses for something else. */
  kept: string[];
}

export function addScripts(text: string, file = 'package.json'): ScriptsChange {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (e) {
    throw new UserError([error('init-package-json', `${file} is not valid JSON (${(e as Error).message}), so init cannot add its scripts.`, { file, hint: 'Fix the file, or run init again after `npm init -y`.' })]);
  }
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) throw new UserError([error('init-package-json', `${file} does not hold an object.`, { file, hint: 'Fix the file.' })]);
  const record = pkg as Record<string, unknown>;
  const scripts = record.scripts;
  if (scripts !== undefined && (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts))) {
    throw new UserError([error('init-package-json', `"scripts" in ${file} is not an object.`, { file, pointer: '/scripts', hint: 'Fix the file.' })]);
  }
  const existing = (scripts ?? {}) as Record<string, unknown>;
  const added = Object.keys(SCRIPTS).filter((name) => !(name in existing));
  const kept = Object.keys(SCRIPTS).filter((name) => name in existing && existing[name] !== SCRIPTS[name]);
  if (added.length === 0) return { added, kept };
  record.scripts = { ...existing, ...Object.fromEntries(added.map((name) => [name, SCRIPTS[name]])) };
  const indent = /^\{\s*\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { text: JSON.stringify(record, null, indent) + (text.endsWith('\n') ? '\n' : ''), added, kept };
}
