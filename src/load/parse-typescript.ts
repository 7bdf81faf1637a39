// A matrix written in TypeScript -> the same document the YAML loader gives (data
// and the position of every key and value), read statically with ts-morph: the
// module's default export is read as a literal and never run.
import { basename } from 'node:path';
import type { ts } from 'ts-morph';
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import { moduleBindings } from './module-bindings.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { MAX_PROBLEMS_PER_FILE, positionsOf, type Parsed } from './parse-yaml.ts';
import { LiteralReader, type Read } from './read-literal.ts';
import type { NodeSpan } from './source-file.ts';
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
  const source = project.createSourceFile(`/${basename(file)}`, text);
  const at = positionsOf(text);
  const syntax = syntaxDiagnostics(source.compilerNode, () => project.getProgram().compilerObject);
  if (syntax.length) {
    const problems = syntax.slice(0, MAX_PROBLEMS_PER_FILE).map((d) =>
      error('typescript-syntax', morph.ts.flattenDiagnosticMessageText(d.messageText, ' '), { file, position: at(d.start ?? 0) }),
    );
    return { data: undefined, spans: new Map(), problems };
  }
  const { bindings, defaultExport } = moduleBindings(morph, source);
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
  const read = reader.read(defaultExport, []);
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
