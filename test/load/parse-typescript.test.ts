// The static reader of TypeScript matrices: what it reads as data (and where each
// value was written), and what it refuses, with the position and key path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTypeScript } from '../../src/load/parse-typescript.ts';
import { DEFAULT_LIMITS } from '../../src/load/limits.ts';
import { SourceFile } from '../../src/load/source-file.ts';

const head = "import { defineMatrix } from 'bake-matrix';\n";

const valid: { name: string; source: string; data: unknown }[] = [
  {
    name: 'literals of every JSON kind, inside defineMatrix',
    source: `${head}export default defineMatrix({ name: 'a', n: 1.5, neg: -2, big: 1000, yes: true, no: false, none: null, list: [1, 'b'], nested: { 'quoted-key': "x", 42: 'numeric key' } });\n`,
    data: { name: 'a', n: 1.5, neg: -2, big: 1000, yes: true, no: false, none: null, list: [1, 'b'], nested: { 'quoted-key': 'x', '42': 'numeric key' } },
  },
  {
    name: 'as const, satisfies, parentheses, type assertions and ! are read through',
    source: `import type { MatrixFile } from 'bake-matrix';\nexport default ({ platforms: (['linux/amd64'] as const), args: <const>{ A: '1' }, labels: { B: 'x'! } } satisfies MatrixFile);\n`,
    data: { platforms: ['linux/amd64'], args: { A: '1' }, labels: { B: 'x' } },
  },
  {
    name: 'template literals without ${}',
    source: `${head}export default defineMatrix({ registry: \`ghcr.io/example\` });\n`,
    data: { registry: 'ghcr.io/example' },
  },
  {
    name: 'local consts, shorthand keys and spreads of objects and lists; a later key wins in place',
    source: `${head}const base = { A: '1', B: '2' } as const;\nconst platforms = ['linux/amd64'];\nconst args = { ...base, B: 'two', C: '3' };\nexport default defineMatrix({ args, platforms: [...platforms, 'linux/arm64'], labels: { X: 'literal', ...{} } });\n`,
    data: { args: { A: '1', B: 'two', C: '3' }, platforms: ['linux/amd64', 'linux/arm64'], labels: { X: 'literal' } },
  },
  {
    name: 'export { name as default } of a const',
    source: `${head}const matrix = defineMatrix({ name: 'm' });\nexport { matrix as default };\n`,
    data: { name: 'm' },
  },
  {
    name: 'defineMatrix imported under another name',
    source: `import { defineMatrix as matrix } from 'bake-matrix';\nexport default matrix({ name: 'm' });\n`,
    data: { name: 'm' },
  },
  {
    name: 'export default of a const, without defineMatrix',
    source: `const matrix = { name: 'm' };\nexport default matrix;\n`,
    data: { name: 'm' },
  },
];

describe('parseTypeScript reads a literal matrix', () => {
  for (const { name, source, data } of valid) {
    test(name, () => {
      const parsed = parseTypeScript(source, 'matrix.ts');
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.data, data);
    });
  }

  test('every key and value has the position where it is written, inside a const for what a spread brings', () => {
    const source = [
      head.trim(),
      "const torch = { TORCH_VERSION: '2.9.1' } as const;",
      'export default defineMatrix({',
      "  axes: { cuda: { cu129: { args: { CUDA_VERSION: '12.9.1', ...torch } } } },",
      "  stages: { base: { target: 'base', axes: ['cuda'] } },",
      '});',
    ].join('\n');
    const parsed = parseTypeScript(source, 'matrix.ts');
    assert.deepEqual(parsed.problems, []);
    const file = new SourceFile('matrix.ts', source, parsed.data, parsed.spans);
    const at = (pointer: string, atKey = false) => file.locate(pointer, atKey);
    assert.deepEqual(at('/axes/cuda/cu129/args/CUDA_VERSION'), { line: 4, col: 50 });
    assert.deepEqual(at('/axes/cuda/cu129/args/CUDA_VERSION', true), { line: 4, col: 36 });
    assert.deepEqual(at('/axes/cuda/cu129/args/TORCH_VERSION', true), { line: 2, col: 17 });
    assert.deepEqual(at('/stages/base/axes/0'), { line: 5, col: 44 });
    assert.deepEqual(at('/stages/base/tags'), { line: 5, col: 19 }, 'a missing key points at its parent');
    assert.deepEqual(at(''), { line: 3, col: 29 }, 'the document is the object literal');
  });
});

const invalid: { name: string; source: string; code: string; message: RegExp; at: [number, number]; pointer?: string; hint?: RegExp }[] = [
  {
    name: 'a call',
    source: `${head}export default defineMatrix({\n  args: { BUILD_DATE: new Date().toISOString() },\n});\n`,
    code: 'dynamic-value',
    message: /"args\.BUILD_DATE" is the call `new Date\(\)\.toISOString\(\)`/,
    at: [3, 23],
    pointer: '/args/BUILD_DATE',
  },
  {
    name: 'a function named defineMatrix that is not the package\'s',
    source: `import { defineMatrix } from './helpers.ts';\nexport default defineMatrix({ name: 'm' });\n`,
    code: 'dynamic-value',
    message: /default export is the call `defineMatrix\(\{ name: 'm' \}\)`/,
    at: [2, 16],
    pointer: '',
  },
  {
    name: 'process.env, also behind ?? or !',
    source: `${head}export default defineMatrix({\n  args: { A: process.env.A ?? 'x', B: process.env['B']! },\n});\n`,
    code: 'dynamic-value',
    message: /"args\.A" is `process\.env\.A \?\? 'x'`, read from the environment/,
    at: [3, 14],
    pointer: '/args/A',
    hint: /variables:/,
  },
  {
    name: 'an identifier imported from another module',
    source: `${head}import { versions } from './versions.ts';\nexport default defineMatrix({ args: versions });\n`,
    code: 'dynamic-value',
    message: /"versions", imported from "\.\/versions\.ts"/,
    at: [3, 37],
    pointer: '/args',
  },
  {
    name: 'a template literal with ${}',
    source: `${head}const v = '1';\nexport default defineMatrix({ args: { V: \`v\${v}\` } });\n`,
    code: 'dynamic-value',
    message: /template literal `v\$\{v\}`/,
    at: [3, 42],
    hint: /\{name\}/,
  },
  {
    name: 'a computed key',
    source: `${head}const k = 'A';\nexport default defineMatrix({ args: { [k]: '1' } });\n`,
    code: 'dynamic-value',
    message: /computed key `\[k\]`/,
    at: [3, 39],
    pointer: '/args',
  },
  {
    name: 'a getter',
    source: `${head}export default defineMatrix({ args: { get A() { return '1'; } } });\n`,
    code: 'dynamic-value',
    message: /the getter `get A\(\)/,
    at: [2, 39],
  },
  {
    name: 'a function',
    source: `${head}export default defineMatrix({ args: () => ({}) });\n`,
    code: 'dynamic-value',
    message: /"args" is a function/,
    at: [2, 37],
  },
  {
    name: 'a number written otherwise than it would be read (3.10)',
    source: `${head}export default defineMatrix({ args: { PYTHON: 3.10 } });\n`,
    code: 'value-changed',
    message: /The value 3\.10 is read as a number and would be written as "3\.1"/,
    at: [2, 47],
    pointer: '/args/PYTHON',
    hint: /Quote it/,
  },
  {
    name: 'a number with separators (1_000)',
    source: `${head}export default defineMatrix({ args: { N: -1_000 } });\n`,
    code: 'value-changed',
    message: /The value -1_000 is read as a number and would be written as "-1000"/,
    at: [2, 42],
  },
  {
    name: 'a control character in a key',
    source: `${head}export default defineMatrix({ args: { 'A\\u001b[31m': '1' } });\n`,
    code: 'control-character',
    message: /This key holds U\+001B/,
    at: [2, 39],
  },
  {
    name: 'nesting past the depth limit',
    source: `${head}export default defineMatrix({ x: ${'['.repeat(70)}${']'.repeat(70)} });\n`,
    code: 'limit-exceeded',
    message: /nesting of mappings and lists is limited to 64 levels/,
    at: [2, 98],
  },
  {
    name: 'undefined',
    source: `${head}export default defineMatrix({ registry: undefined });\n`,
    code: 'dynamic-value',
    message: /`undefined`/,
    at: [2, 41],
    hint: /Leave the key out/,
  },
  {
    name: 'a let',
    source: `${head}let name = 'm';\nexport default defineMatrix({ name });\n`,
    code: 'dynamic-value',
    message: /"name", declared as let/,
    at: [3, 31],
    pointer: '/name',
  },
  {
    name: 'a const used before its declaration',
    source: `${head}export default defineMatrix({ name });\nconst name = 'm';\n`,
    code: 'dynamic-value',
    message: /used before its declaration/,
    at: [2, 31],
  },
  {
    name: 'a name declared nowhere',
    source: `${head}export default defineMatrix({ name: NAME });\n`,
    code: 'dynamic-value',
    message: /"NAME", which is not declared in this file/,
    at: [2, 37],
  },
  {
    name: 'an arithmetic expression',
    source: `${head}export default defineMatrix({ args: { N: 1 + 1 } });\n`,
    code: 'dynamic-value',
    message: /`1 \+ 1` \(a binary expression\)/,
    at: [2, 42],
  },
  {
    name: 'a spread of a list into an object',
    source: `${head}const list = ['a'];\nexport default defineMatrix({ args: { ...list } });\n`,
    code: 'dynamic-value',
    message: /spread `\.\.\.list` of something that is not an object/,
    at: [3, 39],
  },
  {
    name: 'the same key twice in one object',
    source: `${head}export default defineMatrix({ name: 'a', name: 'b' });\n`,
    code: 'duplicate-key',
    message: /"name" appears twice/,
    at: [2, 42],
    pointer: '/name',
  },
  {
    name: 'no default export',
    source: `${head}export const matrix = defineMatrix({});\n`,
    code: 'no-default-export',
    message: /has no default export/,
    at: [1, 1],
  },
  {
    name: 'a syntax error',
    source: `${head}export default defineMatrix({ name: });\n`,
    code: 'typescript-syntax',
    message: /Expression expected/,
    at: [2, 37],
  },
];

describe('parseTypeScript refuses what only running the module would tell', () => {
  for (const c of invalid) {
    test(c.name, () => {
      const parsed = parseTypeScript(c.source, 'matrix.ts');
      assert.equal(parsed.data, undefined, 'no document from a matrix with problems');
      const problem = parsed.problems[0];
      assert.ok(problem, 'a problem');
      assert.equal(problem.code, c.code);
      assert.match(problem.message, c.message);
      assert.deepEqual(problem.position, { line: c.at[0], col: c.at[1] });
      assert.equal(problem.file, 'matrix.ts');
      if (c.pointer !== undefined) assert.equal(problem.pointer, c.pointer);
      if (c.hint) assert.match(problem.hint ?? '', c.hint);
    });
  }

  test('every dynamic value is reported, once for a const used twice', () => {
    const source = `${head}const when = Date.now();\nexport default defineMatrix({ a: when, b: when, c: process.env.C });\n`;
    const parsed = parseTypeScript(source, 'matrix.ts');
    assert.deepEqual(
      parsed.problems.map((p) => [p.pointer, p.position]),
      [
        ['/a', { line: 2, col: 14 }],
        ['/c', { line: 3, col: 52 }],
      ],
    );
  });
});

describe('parseTypeScript stays bounded', () => {
  test('a file of thousands of syntax errors gives the first 50, not a crash', () => {
    const parsed = parseTypeScript(`export default {\n${'a: ) ,\n'.repeat(20_000)}};\n`, 'matrix.ts');
    assert.equal(parsed.problems.length, 50);
    assert.ok(parsed.problems.every((p) => p.code === 'typescript-syntax' && p.position));
  });

  test('consts used again are counted: a fan-out of 10^7 nodes stops at the alias limit, in well under a second of work', () => {
    const consts = ["const a0 = ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'];", ...Array.from({ length: 6 }, (_, i) => `const a${i + 1} = [${Array(10).fill(`a${i}`).join(', ')}];`)];
    const parsed = parseTypeScript(`${head}${consts.join('\n')}\nexport default defineMatrix({ platforms: a6 });\n`, 'matrix.ts');
    assert.deepEqual(parsed.problems.map((p) => p.code), ['limit-exceeded']);
    assert.match(parsed.problems[0]!.message, /repeated values in one file .* limited to 10,000 nodes/);
    assert.ok(parsed.spans.size < 20_000, `${parsed.spans.size} spans: the reader stopped at the limit`);
  });

  test('a chain of 20 000 consts, each the name of the next, is the alias limit at the use, not a stack overflow at 1:1', () => {
    const consts = ["const a0 = 'x';", ...Array.from({ length: 20_000 }, (_, i) => `const a${i + 1} = a${i};`)];
    const parsed = parseTypeScript(`${head}${consts.join('\n')}\nexport default defineMatrix({ name: a20000 });\n`, 'matrix.ts');
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.pointer, p.position]), [['limit-exceeded', '/name', { line: 20_003, col: 37 }]]);
    assert.match(parsed.problems[0]!.message, /repeated values in one file .* limited to 10,000 nodes; here "a20000" is read through a chain of 10,002 consts/);
    assert.match(parsed.problems[0]!.hint!, /BAKE_MATRIX_MAX_ALIAS_NODES=40000/);
    const raised = parseTypeScript(`${head}${consts.join('\n')}\nexport default defineMatrix({ name: a20000 });\n`, 'matrix.ts', { ...DEFAULT_LIMITS, aliases: 40_000 });
    assert.deepEqual(raised.problems, []);
    assert.deepEqual(raised.data, { name: 'x' }, 'raising the limit reads the chain');
  });

  test('brackets nested past what the parser can follow: the depth limit at the deepest bracket, not at 1:1', () => {
    const parsed = parseTypeScript(`${head}export default defineMatrix({\n  platforms: ${'['.repeat(50_000)}${']'.repeat(50_000)},\n});\n`, 'matrix.ts');
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.position]), [['limit-exceeded', { line: 3, col: 13 + 50_000 }]]);
    assert.match(parsed.problems[0]!.message, /nesting of mappings and lists is limited to 64 levels; here it goes deeper than the parser can follow/);
  });

  test('lines end as TypeScript ends them: CR, CRLF, LF, U+2028, U+2029', () => {
    const parsed = parseTypeScript(`${head}export default defineMatrix({\r  a: 1,\r\n  b: 2,\u2028  c: 3,\u2029  d: Date.now(),\n});\n`, 'matrix.ts');
    assert.deepEqual(parsed.problems.map((p) => [p.pointer, p.position]), [['/d', { line: 6, col: 6 }]]);
  });
});
