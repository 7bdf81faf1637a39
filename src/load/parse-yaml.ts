import type { Node } from 'yaml';
import { lazy } from '../lazy.ts';
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import type { NodeSpan, Position } from './source-file.ts';

const yaml = lazy<typeof import('yaml')>('yaml');

export interface Parsed {
  data: unknown;
  spans: Map<string, NodeSpan>;
  problems: Problem[];
}

export function parseYaml(text: string, file: string): Parsed {
  const doc = yaml().parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  const at = positionsOf(text);
  const problems: Problem[] = doc.errors.map((e) => {
    const duplicate = e.code === 'DUPLICATE_KEY';
    const key = /^("[^"]*"|'[^']*'|[^:\s]+)/.exec(text.slice(e.pos[0]))?.[1] ?? '';
    const message = duplicate ? `The key "${key}" appears twice in one mapping.` : firstLine(e.message);
    return error(duplicate ? 'duplicate-key' : 'yaml-syntax', message, {
      file,
      position: at(e.pos[0]),
      hint: duplicate ? 'Each key may appear once in a mapping: merge the two entries or remove one.' : undefined,
    });
  });
  const spans = new Map<string, NodeSpan>();
  if (problems.length === 0) walk(doc.contents as Node | null, [], undefined, spans, at);
  return { data: problems.length ? undefined : doc.toJS({ maxAliasCount: 1000 }), spans, problems };
}

function walk(
  node: Node | null,
  path: (string | number)[],
  key: Position | undefined,
  spans: Map<string, NodeSpan>,
  at: (offset: number) => Position,
): void {
  const value = node?.range ? at(node.range[0]) : (key ?? { line: 1, col: 1 });
  spans.set(pointerOf(path), key ? { key, value } : { value });
  const { isMap, isPair, isScalar, isSeq } = yaml();
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyPos = keyNode?.range ? at(keyNode.range[0]) : value;
      walk(pair.value as Node | null, [...path, name], keyPos, spans, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item as Node | null, [...path, i], undefined, spans, at));
  }
}

/**
 * Offset -> line and column, counted on the text itself (the parser's own
 * line counter misses line breaks inside a broken scalar).
 */
export function positionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - starts[low]! + 1 };
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
