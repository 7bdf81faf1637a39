import type { Document, Node } from 'yaml';
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
  if (problems.length === 0) problems.push(...aliasProblems(doc, doc.contents as Node | null, [], file, at));
  if (problems.length) return { data: undefined, spans, problems };
  walk(doc.contents as Node | null, [], undefined, spans, at);
  try {
    return { data: doc.toJS({ maxAliasCount: 1000 }), spans, problems };
  } catch (e) {
    // Aliases that expand beyond maxAliasCount (a "billion laughs" document).
    const hint = 'Aliases here expand to more than 1000 nodes: write the repeated values out, or nest fewer aliases.';
    return { data: undefined, spans, problems: [error('yaml-alias', firstLine((e as Error).message), { file, position: { line: 1, col: 1 }, pointer: '', hint })] };
  }
}

/** Every alias (`*name`) must follow an anchor (`&name`) of that name: YAML reads them in document order. */
function aliasProblems(doc: Document, node: Node | null, path: (string | number)[], file: string, at: (offset: number) => Position): Problem[] {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  if (isAlias(node)) {
    if (node.resolve(doc)) return [];
    return [
      error('yaml-alias', `The alias "*${node.source}" refers to no anchor "&${node.source}" before it.`, {
        file,
        pointer: pointerOf(path),
        position: at(node.range?.[0] ?? 0),
        hint: `Define the anchor (&${node.source}) where its value is first written, above every alias of it.`,
      }),
    ];
  }
  if (isMap(node)) {
    return node.items.flatMap((pair) => (isPair(pair) ? aliasProblems(doc, pair.value as Node | null, [...path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)], file, at) : []));
  }
  if (isSeq(node)) return node.items.flatMap((item, i) => aliasProblems(doc, item as Node | null, [...path, i], file, at));
  return [];
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
