import type { AST } from 'toml-eslint-parser';
import { lazy } from '../lazy.ts';
import { error, pointerOf } from '../problems/problem.ts';
import type { Parsed } from './parse-yaml.ts';
import type { NodeSpan, Position } from './source-file.ts';

type Path = (string | number)[];

const toml = lazy<typeof import('toml-eslint-parser')>('toml-eslint-parser');

export function parseToml(text: string, file: string): Parsed {
  let ast: AST.TOMLProgram;
  try {
    ast = toml().parseTOML(text);
  } catch (e) {
    const err = e as { message: string; lineNumber?: number; column?: number };
    const duplicate = /multiple times|already defined/i.test(err.message);
    const line = text.split(/\r?\n/)[(err.lineNumber ?? 1) - 1] ?? '';
    const key = /^\s*\[*\s*("[^"]*"|'[^']*'|[^=\]\s]+)/.exec(line.slice(err.column ?? 0))?.[1];
    const message = duplicate && key ? `The key "${key}" is defined twice; TOML allows one definition.` : err.message;
    return {
      data: undefined,
      spans: new Map(),
      problems: [
        error(duplicate ? 'duplicate-key' : 'toml-syntax', message, {
          file,
          position: { line: err.lineNumber ?? 1, col: (err.column ?? 0) + 1 },
          hint: duplicate ? 'A TOML key (or table) may be defined once: merge the two definitions or remove one.' : undefined,
        }),
      ],
    };
  }
  const spans = new Map<string, NodeSpan>();
  spans.set('', { value: { line: 1, col: 1 } });
  const top = ast.body[0];
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') keyValue(item, [], spans);
    else table(item, spans);
  }
  return { data: toml().getStaticTOMLValue(ast), spans, problems: [] };
}

const pos = (loc: { line: number; column: number }): Position => ({ line: loc.line, col: loc.column + 1 });

function table(node: AST.TOMLTable, spans: Map<string, NodeSpan>): void {
  const path = node.resolvedKey as Path;
  const at = pos(node.loc.start);
  // The header names every level of its dotted key; record the ones not seen yet.
  for (let i = 1; i <= path.length; i++) {
    const pointer = pointerOf(path.slice(0, i));
    if (!spans.has(pointer)) spans.set(pointer, { key: at, value: at });
  }
  for (const kv of node.body) keyValue(kv, path, spans);
}

function keyValue(node: AST.TOMLKeyValue, base: Path, spans: Map<string, NodeSpan>): void {
  const keys = node.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
  const keyAt = pos(node.loc.start);
  for (let i = 1; i < keys.length; i++) {
    const pointer = pointerOf([...base, ...keys.slice(0, i)]);
    if (!spans.has(pointer)) spans.set(pointer, { key: keyAt, value: keyAt });
  }
  value(node.value, [...base, ...keys], keyAt, spans);
}

function value(node: AST.TOMLContentNode, path: Path, key: Position | undefined, spans: Map<string, NodeSpan>): void {
  const at = pos(node.loc.start);
  spans.set(pointerOf(path), key ? { key, value: at } : { value: at });
  if (node.type === 'TOMLInlineTable') {
    for (const kv of node.body) keyValue(kv, path, spans);
  } else if (node.type === 'TOMLArray') {
    node.elements.forEach((element, i) => value(element, [...path, i], undefined, spans));
  }
}
