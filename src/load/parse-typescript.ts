// A matrix written in TypeScript -> the same document the YAML loader gives (data
// and the position of every key and value), read statically with ts-morph: the
// module's default export is read as a literal and never run.
import { basename } from 'node:path';
import type { ts } from 'ts-morph';
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import { limitExceeded } from './limits.ts';
import { moduleBindings } from './module-bindings.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { MAX_PROBLEMS_PER_FILE, type Parsed } from './parse-yaml.ts';
import { LiteralReader, type Read } from './read-literal.ts';
import type { NodeSpan, Position } from './source-file.ts';
import { positionsFrom } from './line-positions.ts';
import { TS_MORPH_RANGE, tsMorph } from './ts-morph.ts';

export function parseTypeScript(text: string, file: string, limits: Limits = DEFAULT_LIMITS): Parsed {
  const morph = tsMorph();
  if (!morph) {
    const problem = error('ts-morph-missing', `${file} is a TypeScript matrix, and reading one needs the package ts-morph, which is not installed.`, {
      file,
      position: { line: 1, col: 1 },
      hint: `ts-morph is an optional peer dependency of bake-matrix: install it beside it (\`npm i -D ts-morph@${TS_MORPH_RANGE}\`), or write the matrix in YAML or TOML.`,
    });
    return { data: undefined, spans: new Map(), problems: [problem] };
  }
  // One small in-memory project per file: a parse, no type checking, no other file read.
  const project = new morph.Project({ useInMemoryFileSystem: true, skipFileDependencyResolution: true, compilerOptions: { noLib: true } });
  const at = tsPositionsOf(text);
  let source;
  let syntax;
  try {
    source = project.createSourceFile(`/${basename(file)}`, text);
    syntax = syntaxDiagnostics(source.compilerNode, () => project.getProgram().compilerObject);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    // The parser recursed past the stack: point at where the brackets nest deepest.
    return { data: undefined, spans: new Map(), problems: [limitExceeded('depth', limits, 'here it goes deeper than the parser can follow', { file, position: at(deepestBracket(text)) })] };
  }
  if (syntax.length) {
    const problems = syntax.slice(0, MAX_PROBLEMS_PER_FILE).map((d) =>
      error('typescript-syntax', morph.ts.flattenDiagnosticMessageText(d.messageText, ' '), { file, position: at(d.start ?? 0) }),
    );
    return { data: undefined, spans: new Map(), problems };
  }
  const { bindings, defaultExport, moreDefaults, redeclared } = moduleBindings(morph, source);
  const twice = [
    ...moreDefaults.map((node) =>
      error('default-export-twice', `${file} has a second default export here (the first is on line ${at(defaultExport!.getStart()).line}): the matrix is the one default export.`, {
        file,
        pointer: '',
        position: at(node.getStart()),
        hint: 'Keep one `export default defineMatrix({ ... })`; TypeScript refuses a second one, and taking either would silently drop the other.',
      }),
    ),
    ...redeclared.map(({ name, node, first }) =>
      error('declared-twice', `"${name}" is declared again here (first on line ${at(first.getStart()).line}): one of the two would silently win.`, {
        file,
        pointer: '',
        position: at(node.getStart()),
        hint: `Give one of them another name; TypeScript refuses a name declared twice in a module.`,
      }),
    ),
  ];
  if (twice.length) return { data: undefined, spans: new Map(), problems: twice.slice(0, MAX_PROBLEMS_PER_FILE) };
  if (!defaultExport) {
    return {
      data: undefined,
      spans: new Map(),
      problems: [
        error('no-default-export', `${file} has no default export: a TypeScript matrix exports the matrix as its default.`, {
          file,
          pointer: '',
          position: { line: 1, col: 1 },
          hint: "End the file with `export default defineMatrix({ ... })`, defineMatrix imported from 'bake-matrix'.",
        }),
      ],
    };
  }
  const problems: Problem[] = [];
  const reader = new LiteralReader(morph, file, bindings, at, limits, (p) => void (problems.length < MAX_PROBLEMS_PER_FILE && problems.push(p)));
  let read: Read;
  try {
    read = reader.read(defaultExport, []);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    return { data: undefined, spans: new Map(), problems: [limitExceeded('depth', limits, 'here it goes deeper than the reader can follow', { file, position: reader.last ?? { line: 1, col: 1 } })] };
  }
  const spans = new Map<string, NodeSpan>();
  spansOf(read, [], undefined, spans);
  return { data: problems.length ? undefined : read.value, spans, problems };
}

/** The parser's own diagnostics, without building a program when the compiler exposes them. */
function syntaxDiagnostics(node: ts.SourceFile, program: () => ts.Program): readonly ts.Diagnostic[] {
  return (node as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? program().getSyntacticDiagnostics(node);
}

function spansOf(read: Read, path: (string | number)[], key: NodeSpan['key'], spans: Map<string, NodeSpan>): void {
  spans.set(pointerOf(path), key ? { key, value: read.at } : { value: read.at });
  for (const entry of read.entries ?? []) spansOf(entry.read, [...path, entry.key], entry.keyAt, spans);
}

const isStackOverflow = (e: unknown) => e instanceof RangeError && /call stack/i.test(e.message);

/**
 * Line and column of an offset, counting lines as TypeScript does: a line ends at
 * \n, \r\n, a lone \r, U+2028 or U+2029 (its positions are the ones the editor shows).
 */
export function tsPositionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (const m of text.matchAll(/\r\n?|[\n\u2028\u2029]/g)) starts.push(m.index + m[0].length);
  return positionsFrom(starts);
}

/** The offset of the first bracket at the deepest nesting of ( [ { in the text, outside strings and comments (roughly: no regular expressions). */
export function deepestBracket(text: string): number {
  let depth = 0;
  let max = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === '(' || c === '[' || c === '{') {
      if (++depth > max) [max, at] = [depth, i];
    } else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return at;
}
