// TOML text -> data, source positions and problems. Refuses values that would
// not be read back exactly (3.10, 1_000, 0x1F, dates: see scalar-problem.ts)
// and nesting past the limit, which is measured on the text before the parser
// (recursive) ever sees it. The walk uses an explicit stack.
import type { AST } from 'toml-eslint-parser';
import { define, own } from '../dict.ts';
import { lazy } from '../lazy.ts';
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import { DEFAULT_LIMITS, limitExceeded, type Limits } from './limits.ts';
import { MAX_PROBLEMS_PER_FILE, positionsOf, type Parsed } from './parse-yaml.ts';
import { scalarProblem, textProblem } from './scalar-problem.ts';
import type { NodeSpan, Position } from './source-file.ts';

type Path = (string | number)[];

const toml = lazy<typeof import('toml-eslint-parser')>('toml-eslint-parser');

export function parseToml(text: string, file: string, limits: Limits = DEFAULT_LIMITS): Parsed {
  const deep = tooDeep(text, limits.depth);
  if (deep !== undefined) return failed([limitExceeded('depth', limits, 'here it goes deeper', { file, position: positionsOf(text)(deep) })]);
  let ast: AST.TOMLProgram;
  try {
    ast = toml().parseTOML(text);
  } catch (e) {
    return failed([syntaxProblem(e, text, file, limits)]);
  }
  const spans = new Map<string, NodeSpan>();
  const problems: Problem[] = [];
  spans.set('', { value: { line: 1, col: 1 } });
  walk(ast, text, file, limits, spans, (p) => problems.length < MAX_PROBLEMS_PER_FILE && problems.push(p));
  if (problems.length) return { data: undefined, spans, problems };
  return { data: staticValue(ast), spans, problems };
}

type Table = Record<string, unknown>;

/**
 * The document as data. The parser's own getStaticTOMLValue assigns keys, so a
 * key `__proto__` set the object's prototype instead: here every key is an own
 * property, read back only as one (src/dict.ts). The parser has refused
 * redefinitions already; nesting is bounded by tooDeep.
 */
function staticValue(ast: AST.TOMLProgram): Table {
  const root: Table = {};
  const names = (key: AST.TOMLKey) => key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
  /** The table `key` names under `table`; through an array of tables, its last table. */
  const descend = (table: Table, key: string): Table => {
    let next = own(table, key);
    while (Array.isArray(next)) next = next[next.length - 1];
    if (next === null || typeof next !== 'object' || next instanceof Date) define(table, key, (next = {}));
    return next as Table;
  };
  const value = (node: AST.TOMLContentNode): unknown => {
    if (node.type === 'TOMLArray') return node.elements.map(value);
    if (node.type === 'TOMLInlineTable') {
      const table: Table = {};
      for (const kv of node.body) set(table, kv);
      return table;
    }
    return node.value;
  };
  const set = (table: Table, kv: AST.TOMLKeyValue) => {
    const keys = names(kv.key);
    let target = table;
    for (const key of keys.slice(0, -1)) target = descend(target, key);
    define(target, keys[keys.length - 1]!, value(kv.value));
  };
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') {
      set(root, item);
      continue;
    }
    const keys = names(item.key);
    let parent = root;
    for (const key of keys.slice(0, -1)) parent = descend(parent, key);
    const last = keys[keys.length - 1]!;
    let table: Table;
    if (item.kind === 'array') {
      table = {};
      const list = own(parent, last);
      if (Array.isArray(list)) list.push(table);
      else define(parent, last, [table]);
    } else table = descend(parent, last);
    for (const kv of item.body) set(table, kv);
  }
  return root;
}

function failed(problems: Problem[]): Parsed {
  return { data: undefined, spans: new Map(), problems };
}

function syntaxProblem(e: unknown, text: string, file: string, limits: Limits): Problem {
  if (e instanceof RangeError) return limitExceeded('depth', limits, 'this file goes deeper than the parser can follow', { file, position: { line: 1, col: 1 } });
  const err = e as { message: string; lineNumber?: number; column?: number };
  const message = String(err.message ?? e);
  const duplicate = /multiple times|already defined/i.test(message);
  const line = text.split(/\r?\n/, err.lineNumber ?? 1)[(err.lineNumber ?? 1) - 1] ?? '';
  const key = /^\s*\[*\s*("[^"]*"|'[^']*'|[^=\]\s]+)/.exec(line.slice(err.column ?? 0))?.[1];
  return error(duplicate ? 'duplicate-key' : 'toml-syntax', duplicate && key ? `The key "${key}" is defined twice; TOML allows one definition.` : message, {
    file,
    position: { line: err.lineNumber ?? 1, col: (err.column ?? 0) + 1 },
    hint: duplicate ? 'A TOML key (or table) may be defined once: merge the two definitions or remove one.' : undefined,
  });
}

/**
 * The offset of the first `[` or `{` that opens more than `max` levels, outside
 * strings and comments; undefined when the text stays within `max`.
 */
export function tooDeep(text: string, max: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      let j = i + close.length;
      while (j < text.length && !text.startsWith(close, j)) {
        if (!triple && text[j] === '\n') break; // unterminated: the parser reports it
        j += c === '"' && text[j] === '\\' ? 2 : 1;
      }
      i = j + close.length - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return i;
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

interface Visit {
  node: AST.TOMLContentNode;
  path: Path;
  key?: Position;
}

function walk(ast: AST.TOMLProgram, text: string, file: string, limits: Limits, spans: Map<string, NodeSpan>, report: (p: Problem) => void): void {
  const pos = (loc: { line: number; column: number }): Position => ({ line: loc.line, col: loc.column + 1 });
  const stack: Visit[] = [];
  const keyValues = (body: readonly AST.TOMLKeyValue[], base: Path) => {
    for (let i = body.length - 1; i >= 0; i--) {
      const kv = body[i]!;
      const keys = keyNames(kv.key, base, file, limits, report);
      if (!keys) continue;
      const keyAt = pos(kv.loc.start);
      for (let k = 1; k < keys.length; k++) {
        const pointer = pointerOf([...base, ...keys.slice(0, k)]);
        if (!spans.has(pointer)) spans.set(pointer, { key: keyAt, value: keyAt });
      }
      stack.push({ node: kv.value, path: [...base, ...keys], key: keyAt });
    }
  };
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') keyValues([item], []);
    else {
      const path = item.resolvedKey as Path;
      if (!keyNames(item.key, [], file, limits, report)) continue;
      const at = pos(item.loc.start);
      // The header names every level of its dotted key; record the ones not seen yet.
      for (let i = 1; i <= path.length; i++) {
        const pointer = pointerOf(path.slice(0, i));
        if (!spans.has(pointer)) spans.set(pointer, { key: at, value: at });
      }
      keyValues(item.body, path);
    }
    while (stack.length) {
      const { node, path, key } = stack.pop()!;
      const at = pos(node.loc.start);
      spans.set(pointerOf(path), key ? { key, value: at } : { value: at });
      if (node.type === 'TOMLInlineTable') keyValues(node.body, path);
      else if (node.type === 'TOMLArray') for (let i = node.elements.length - 1; i >= 0; i--) stack.push({ node: node.elements[i]!, path: [...path, i] });
      else {
        spans.get(pointerOf(path))!.end = pos(node.loc.end);
        const source = node.kind === 'integer' || node.kind === 'float' ? node.number : text.slice(node.range[0], node.range[1]);
        const p = scalarProblem(source, node.value, { file, position: at, pointer: pointerOf(path) }, limits, 'value', 'TOML');
        if (p) report(p);
      }
    }
  }
}

/** The parts of a dotted key; `base`: the path of the table it is in. Undefined (and a problem) when the key nests past the depth limit: each part is a level. */
function keyNames(key: AST.TOMLKey, base: Path, file: string, limits: Limits, report: (p: Problem) => void): string[] | undefined {
  const names = key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
  if (base.length + names.length > limits.depth) {
    const k = key.keys[Math.max(0, limits.depth - base.length)]!;
    report(limitExceeded('depth', limits, 'this dotted key goes deeper', { file, position: { line: k.loc.start.line, col: k.loc.start.column + 1 } }));
    return undefined;
  }
  key.keys.forEach((k, i) => {
    const where = { file, position: { line: k.loc.start.line, col: k.loc.start.column + 1 }, pointer: pointerOf([...base, ...names.slice(0, i + 1)]), atKey: true };
    const p = textProblem(names[i]!, where, limits, 'key');
    if (p) report(p);
  });
  return names;
}
