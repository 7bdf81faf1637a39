// YAML text -> data, source positions and problems. Refuses what would not be
// read back exactly (see scalar-problem.ts), tags other than the core ones
// (`!include file` would become the string "file"), a second document, alias
// cycles and aliases that expand past the limit, and nesting past the limit.
// Merge keys (`<<: *base`) merge as YAML 1.1 says (the mapping's own keys win,
// then earlier merges); a merged key keeps the position where it is written.
// Every check walks the document with an explicit stack: no input overflows it.
import type { Document, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import { lazy } from '../lazy.ts';
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import { DEFAULT_LIMITS, limitExceeded, type Limits } from './limits.ts';
import { scalarProblem } from './scalar-problem.ts';
import { parseYamlDocument } from './parse-yaml-document.ts';
import { yamlTooDeep } from './yaml-depth.ts';
import type { NodeSpan, Position } from './source-file.ts';
import { positionsFrom } from './line-positions.ts';

export interface Parsed {
  data: unknown;
  spans: Map<string, NodeSpan>;
  problems: Problem[];
}

/** Problems reported per file at most: past that, more of the same only hide the first. */
export const MAX_PROBLEMS_PER_FILE = 50;

const yaml = lazy<typeof import('yaml')>('yaml');

const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export function parseYaml(text: string, file: string, limits: Limits = DEFAULT_LIMITS): Parsed {
  const at = positionsOf(text);
  // The look ahead may count a block scalar as a level: it stops only what is surely too deep.
  const deep = yamlTooDeep(text, limits.depth + 2);
  if (deep !== undefined) return { data: undefined, spans: new Map(), problems: [limitExceeded('depth', limits, 'here it goes deeper', { file, position: at(deep) })] };
  const { doc, errors, warnings } = parseYamlDocument(text, { uniqueKeys: false, prettyErrors: false, strict: true, merge: true }, MAX_PROBLEMS_PER_FILE);
  const syntax = syntaxProblems(errors, warnings, file, at, limits);
  if (syntax.length || !doc) return { data: undefined, spans: new Map(), problems: syntax };
  const { spans, problems } = walk(doc, file, at, limits);
  if (problems.length) return { data: undefined, spans, problems };
  // The walk bounds what it expands, but the yaml library expands merge keys again on its own, once per
  // occurrence (`a2: {<<: [*a1, *a1]}` doubles per level): its own alias count, at our limit, stops that.
  try {
    return { data: doc.toJS({ maxAliasCount: limits.aliases }), spans, problems };
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/resource exhaustion/.test(e.message)) throw e;
    return { data: undefined, spans, problems: [limitExceeded('aliases', limits, 'its aliases and merge keys expand past it', { file, position: at(0) })] };
  }
}

function syntaxProblems(errors: readonly YAMLError[], warnings: readonly YAMLError[], file: string, at: (offset: number) => Position, limits: Limits): Problem[] {
  const found = [...errors, ...warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED')];
  const tooDeep = found.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  if (tooDeep) return [limitExceeded('depth', limits, 'here it goes deeper than the parser can follow', { file, position: at(tooDeep.pos[0]) })];
  return found.slice(0, MAX_PROBLEMS_PER_FILE).map((e) => {
    const position = at(e.pos[0]);
    if (e.code === 'MULTIPLE_DOCS') {
      return error('yaml-second-document', 'A second YAML document starts here; a matrix file holds one document, and the tool would silently read only the first.', {
        file,
        position,
        hint: 'Remove the `---` line to merge both into one mapping, or move the second document into a file of its own in the matrix folder.',
      });
    }
    return error('yaml-syntax', firstLine(e.message), { file, position });
  });
}

interface Visit {
  node: Node | null;
  path: (string | number)[];
  key?: Position;
  depth: number;
  /** Set when the node's children were pushed: the second visit computes its expanded size. */
  children?: Node[];
  /**
   * A node merged in (`<<: *anchor`) from a mapping walked before: walked again only for the spans of its
   * new path. Its problems were reported where it is written and its size counted by the merge.
   */
  echo?: boolean;
  /** Inline merge sources (`<<: &set { ... }`) of this mapping, sized with it: an alias may name one later. */
  inlineSources?: YAMLMap[];
}

/** Spans of every node, and the problems of its keys, scalars, tags, aliases and depth. */
function walk(doc: Document, file: string, at: (offset: number) => Position, limits: Limits): { spans: Map<string, NodeSpan>; problems: Problem[] } {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const spans = new Map<string, NodeSpan>();
  const problems: Problem[] = [];
  const reportProblem = (p: Problem) => problems.length < MAX_PROBLEMS_PER_FILE && problems.push(p);
  const where = (node: Node | null | undefined, fallback: Position, path: (string | number)[]): Partial<Problem> => ({ file, pointer: pointerOf(path), position: node?.range ? at(node.range[0]) : fallback });
  /** Each node's size with its aliases expanded, capped just past the limit. */
  const sizes = new Map<Node, number>();
  let aliasNodes = 0;
  let aliasReported = false;
  /** A mapping's inline merge sources, sized after it. */
  const inlineOf = new Map<Node, YAMLMap[]>();
  let depthReported = false;

  const stack: Visit[] = [{ node: doc.contents as Node | null, path: [], depth: 0 }];
  while (stack.length) {
    if (aliasReported) break; // past the alias limit: walk (and expand) no further
    const visit = stack.pop()!;
    const { node, path, key, depth } = visit;
    const report = visit.echo ? () => {} : reportProblem;
    if (visit.children) {
      let size = 1;
      for (const child of visit.children) size += sizes.get(child) ?? 1;
      if (node) sizes.set(node, Math.min(size, limits.aliases + 1));
      // Innermost first: a nested inline source is in its outer one's size.
      for (const source of [...(visit.inlineSources ?? [])].reverse()) sizes.set(source, Math.min(sourceSize(source), limits.aliases + 1));
      continue;
    }
    const value = node?.range ? at(node.range[0]) : (key ?? { line: 1, col: 1 });
    spans.set(pointerOf(path), key ? { key, value } : { value });
    if (!node) continue;
    if (node.tag && !CORE_TAGS.has(node.tag)) {
      sizes.set(node, 1);
      report(error('yaml-tag', `The tag ${node.tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not supported: the value would be read as plain data${node.tag.startsWith('!') && !node.tag.startsWith('!!') ? ' (a custom tag such as `!include` includes nothing)' : ''}.`, {
        ...where(node, value, path),
        hint: 'Remove the tag. To split a matrix, put each part in its own file in the matrix folder: the files are merged.',
      }));
      continue;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        report(error('yaml-alias', `The alias *${node.source} names no anchor &${node.source} defined before it.`, { ...where(node, value, path), hint: `Define the anchor (&${node.source}) where its value is first written, above every alias of it, or remove the alias.` }));
        continue;
      }
      const size = sizes.get(target);
      if (size === undefined) {
        report(error('yaml-alias', `The alias *${node.source} is inside the node its anchor names, so the value would contain itself.`, { ...where(node, value, path), hint: 'Point the alias at a node outside this one.' }));
        continue;
      }
      sizes.set(node, size);
      if (visit.echo) continue;
      aliasNodes += size;
      if (aliasNodes > limits.aliases && !aliasReported) {
        aliasReported = true;
        report(limitExceeded('aliases', limits, 'this alias takes the file past it', where(node, value, path)));
      }
      continue;
    }
    if (isScalar(node)) {
      sizes.set(node, 1);
      if (node.range) spans.get(pointerOf(path))!.end = at(node.range[1]);
      const p = scalarProblem(node.source ?? String(node.value), node.value, where(node, value, path), limits, 'value', 'YAML');
      if (p) report(p);
      continue;
    }
    // A collection gets its size once its children are counted: an alias to it before that is a cycle.
    if (!isMap(node) && !isSeq(node) || depth >= limits.depth) sizes.set(node, 1);
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= limits.depth) {
      if (!depthReported) reportProblem(limitExceeded('depth', limits, 'here it goes deeper', where(node, value, path)));
      depthReported = true;
      continue;
    }
    const children: Visit[] = [];
    if (isMap(node)) {
      const seen = new Set<string>();
      const { own, merged, echoed } = mergedPairs(node, visit, value);
      const mergedSet = new Set(merged);
      for (const pair of [...own, ...merged]) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyPos = keyNode?.range ? at(keyNode.range[0]) : value;
        const name = keyName(keyNode, { file, position: keyPos, pointer: pointerOf(path) }, limits, echoed.has(pair) ? () => {} : report);
        if (name === undefined) continue;
        if (seen.has(name) && mergedSet.has(pair)) continue; // set by the mapping itself or an earlier merge
        if (seen.has(name)) {
          report(error('duplicate-key', `The key "${name}" appears twice in one mapping.`, { file, position: keyPos, pointer: pointerOf([...path, name]), atKey: true, hint: 'Each key may appear once in a mapping: merge the two entries or remove one.' }));
          continue;
        }
        seen.add(name);
        children.push({ node: pair.value as Node | null, path: [...path, name], key: keyPos, depth: depth + 1, ...(visit.echo || echoed.has(pair) ? { echo: true } : {}) });
      }
    } else {
      node.items.forEach((item, i) => children.push({ node: item as Node | null, path: [...path, i], depth: depth + 1, ...(visit.echo ? { echo: true } : {}) }));
    }
    stack.push({ ...visit, children: children.map((c) => c.node).filter((n): n is Node => n !== null), ...(isMap(node) && inlineOf.get(node) ? { inlineSources: inlineOf.get(node) } : {}) });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return { spans, problems };

  /**
   * A mapping's own pairs, and the pairs its merge keys bring in the order YAML 1.1 gives them precedence: each
   * source's own pairs, then its own merges, before the next source. A source that is an alias was walked where
   * it is written: its expanded size counts toward the alias limit (once: the merges nested in it are in that
   * size) and its pairs are echoes. An inline source (`<<: { ... }`) is text written here, walked here.
   */
  function mergedPairs(node: YAMLMap, visit: Visit, value: Position): { own: Pair[]; merged: Pair[]; echoed: Set<Pair>; inline: YAMLMap[] } {
    const report = visit.echo ? () => {} : reportProblem;
    const own: Pair[] = [];
    const sources: { map: YAMLMap; echo: boolean }[] = [];
    for (const pair of node.items as Pair[]) {
      if (isMergeKey(pair.key)) sources.push(...mergeSources(pair.value as Node | null, !!visit.echo, where(pair.value as Node | null, value, visit.path), report));
      else own.push(pair);
    }
    const merged: Pair[] = [];
    const echoed = new Set<Pair>();
    const inline: YAMLMap[] = [];
    // `counted`: nested in an alias's source, whose size holds it already.
    const todo = sources.reverse().map((source) => ({ ...source, counted: false }));
    // A mapping merged twice into one (`<<: [*a, *a]`, or reached through two sources) brings nothing the
    // first time did not (the first occurrence of a key wins): walking it again would make `a1: {<<: [*a0, *a0]}`,
    // `a2: {<<: [*a1, *a1]}`, ... take time doubling per level.
    const seen = new Set<YAMLMap>();
    while (todo.length) {
      const source = todo.pop()!;
      if (seen.has(source.map)) continue;
      seen.add(source.map);
      if (source.echo && !source.counted && !visit.echo) {
        aliasNodes += sizes.get(source.map) ?? 1;
        if (aliasNodes > limits.aliases) {
          aliasReported = true;
          report(limitExceeded('aliases', limits, 'this merge key takes the file past it', where(node, value, visit.path)));
          return { own, merged: [], echoed, inline };
        }
      }
      if (!source.echo) inline.push(source.map);
      const nested: { map: YAMLMap; echo: boolean }[] = [];
      for (const pair of source.map.items as Pair[]) {
        if (isMergeKey(pair.key)) nested.push(...mergeSources(pair.value as Node | null, source.echo, where(pair.value as Node | null, value, visit.path), source.echo ? () => {} : report));
        else {
          merged.push(pair);
          if (source.echo) echoed.add(pair);
        }
      }
      for (let i = nested.length - 1; i >= 0; i--) todo.push({ ...nested[i]!, counted: source.counted || source.echo });
    }
    if (inline.length) inlineOf.set(node, inline);
    return { own, merged, echoed, inline };
  }

  /** An inline source's expanded size, once the pairs it brings were walked: 1, its values, and what its own merges bring. */
  function sourceSize(map: YAMLMap): number {
    let size = 1;
    for (const pair of map.items as Pair[]) {
      if (!isMergeKey(pair.key)) size += sizes.get(pair.value as Node) ?? 1;
      else for (const item of isSeq(pair.value) ? (pair.value.items as Node[]) : [pair.value as Node]) size += sizes.get(isAlias(item) ? (item.resolve(doc) as Node) : item) ?? 1;
      if (size > limits.aliases) break;
    }
    return size;
  }

  /** `<<: *base`, `<<: { ... }` or `<<: [*a, *b]`: the mappings to merge, in order; `echo` for an alias's (or inside one). */
  function mergeSources(node: Node | null, echo: boolean, at: Partial<Problem>, report: (p: Problem) => void): { map: YAMLMap; echo: boolean }[] {
    const items = isSeq(node) ? (node.items as Node[]) : [node];
    const out: { map: YAMLMap; echo: boolean }[] = [];
    for (const item of items) {
      const target = isAlias(item) ? item.resolve(doc) : item;
      if (isAlias(item) && !target) report(error('yaml-alias', `The alias *${item.source} names no anchor &${item.source} defined before it.`, { ...at, hint: `Define the anchor (&${item.source}) where its value is first written, above every alias of it, or remove the alias.` }));
      else if (isMap(target) && (!isAlias(item) || sizes.has(target))) out.push({ map: target as YAMLMap, echo: echo || isAlias(item) });
      else report(error('yaml-merge', `A merge key (\`<<\`) takes a mapping, an alias of one, or a list of those${isAlias(item) && isMap(target) ? `; the alias *${item.source} is inside the mapping its anchor names` : ''}.`, { ...at, hint: 'Write `<<: *anchor` with the anchor on a mapping defined above, or write the keys out.' }));
    }
    return out;
  }
}

/** A `<<` key, which the parser marks when merge keys are on. */
function isMergeKey(key: unknown): boolean {
  const { isScalar } = yaml();
  return isScalar(key) && typeof key.value === 'symbol';
}

/** A mapping key as the data will have it; undefined (and a problem) for keys that are not plain text. */
/** `at`: the key's position, and the pointer of the mapping holding it. */
function keyName(keyNode: Node | null, at: Partial<Problem>, limits: Limits, report: (p: Problem) => void): string | undefined {
  const { isScalar } = yaml();
  if (!isScalar(keyNode) || keyNode.value === null || (typeof keyNode.value === 'object')) {
    report(error('yaml-key', `This key is ${keyNode === null || (isScalar(keyNode) && keyNode.value === null) ? 'empty (null)' : 'not a plain scalar'}; matrix keys are names.`, { ...at, hint: 'Write the key as text, e.g. `name:`.' }));
    return undefined;
  }
  if (keyNode.tag && !CORE_TAGS.has(keyNode.tag)) {
    report(error('yaml-tag', `The tag ${keyNode.tag} on a key is not supported.`, { ...at, hint: 'Remove the tag.' }));
    return undefined;
  }
  const p = scalarProblem(keyNode.source ?? String(keyNode.value), keyNode.value, { ...at, pointer: `${at.pointer}/${String(keyNode.source ?? keyNode.value).replace(/~/g, '~0').replace(/\//g, '~1')}`, atKey: true }, limits, 'key', 'YAML');
  if (p) {
    report(p);
    return undefined;
  }
  return String(keyNode.value);
}

/**
 * Offset -> line and column, counted on the text itself (the parser's own
 * line counter misses line breaks inside a broken scalar).
 */
export function positionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return positionsFrom(starts);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
