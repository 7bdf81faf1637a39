// YAML merge keys (`<<: *base`): merged as YAML 1.1 says, the mapping's own
// keys first, and each merged key keeps the position where it is written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYaml } from '../../src/load/parse-yaml.ts';
import { BASE_MATRIX, bakeOf } from '../helpers/matrix.ts';
import { stringify } from 'yaml';

const TEXT = `base: &base
  target: runtime
  args: { A: "1", B: "2" }
more: &more
  labels: { x: y }
  args: { C: "3" }
stage:
  <<: [*base, *more]
  args: { B: "own" }
`;

test('merged keys, own keys winning, then the first merge', () => {
  const { data, problems } = parseYaml(TEXT, 'm.yaml');
  assert.deepEqual(problems, []);
  assert.deepEqual((data as Record<string, unknown>).stage, { target: 'runtime', args: { B: 'own' }, labels: { x: 'y' } });
});

test('a merged key keeps the position where it is written (the anchor), an own key its own', () => {
  const { spans } = parseYaml(TEXT, 'm.yaml');
  assert.deepEqual(spans.get('/stage/target')!.key, { line: 2, col: 3 });
  assert.deepEqual(spans.get('/stage/labels/x')!.key, { line: 5, col: 13 });
  assert.deepEqual(spans.get("/stage/args/B")!.key, { line: 9, col: 11 });
  assert.equal(spans.get('/stage/args/A'), undefined, 'own args replace the merged mapping as a whole');
});

const bad: { name: string; text: string; code: string; line: number }[] = [
  { name: 'a merge of a scalar', text: 'a: &a 1\nb:\n  <<: *a\n', code: 'yaml-merge', line: 3 },
  { name: 'a merge of an anchor defined later', text: 'b:\n  <<: *a\na: &a { x: 1 }\n', code: 'yaml-alias', line: 2 },
  { name: 'a merge inside the mapping it merges', text: 'a: &a\n  x: 1\n  <<: *a\n', code: 'yaml-merge', line: 3 },
];
for (const c of bad) {
  test(`refused: ${c.name}`, () => {
    const { problems } = parseYaml(c.text, 'm.yaml');
    assert.equal(problems[0]?.code, c.code, JSON.stringify(problems));
    assert.equal(problems[0]!.position?.line, c.line);
    assert.match(problems[0]!.message, c.code === 'yaml-merge' ? /merge key \(`<<`\)/ : /names no anchor/);
  });
}

test('precedence as the data has it: a first source\'s own merges before a second source', () => {
  const text = `a0: &a0 { x: from-a0, y: from-a0 }
a: &a { <<: *a0, z: from-a }
b: &b { x: from-b, w: from-b }
m:
  <<: [*a, *b]
  inline: { <<: { q: 1 }, r: 2 }
`;
  const { data, spans, problems } = parseYaml(text, 'm.yaml');
  assert.deepEqual(problems, []);
  assert.deepEqual((data as Record<string, unknown>).m, { z: 'from-a', x: 'from-a0', y: 'from-a0', w: 'from-b', inline: { q: 1, r: 2 } });
  assert.deepEqual(spans.get('/m/x')!.key, { line: 1, col: 11 }, 'x from a0 (through a), not from b');
  assert.deepEqual(spans.get('/m/w')!.key, { line: 3, col: 20 });
  assert.deepEqual(spans.get('/m/inline/q')!.key, { line: 6, col: 19 });
});

test('an anchor on an inline merge source (`<<: &set { ... }`) may be named again later, by an alias or a merge', () => {
  const text = 'a:\n  args:\n    <<: &set { X: "1", Y: { <<: { Z: "3" } } }\n    B: b\nb:\n  args: *set\nc: { <<: *set, W: w }\n';
  const { data, spans, problems } = parseYaml(text, 'm.yaml');
  assert.deepEqual(problems, []);
  assert.deepEqual(data, { a: { args: { X: '1', Y: { Z: '3' }, B: 'b' } }, b: { args: { X: '1', Y: { Z: '3' } } }, c: { X: '1', Y: { Z: '3' }, W: 'w' } });
  assert.deepEqual(spans.get('/c/Y/Z')!.key, { line: 3, col: 35 });
});

test('a problem inside an anchor is reported once, where it is written, however often it is merged', () => {
  const text = 'a: &a { x: 0x1F }\nb: { <<: *a }\nc: { <<: *a }\n';
  const { problems } = parseYaml(text, 'm.yaml');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.deepEqual(problems[0]!.position, { line: 1, col: 12 });
  assert.equal(problems[0]!.pointer, '/a/x');
});

/** l0 has 10 keys, each next level 10 keys merging the level below: level n expands to about 10^(n+1) nodes. */
function mergeBomb(levels: number): string {
  const lines = ['l0: &l0 { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10 }'];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} { ${Array.from({ length: 10 }, (_, k) => `k${k}: { <<: *l${i - 1} }`).join(', ')} }`);
  return lines.join('\n') + '\n';
}

test('merges count toward the alias limit: a merge bomb is refused at the merge that passes it, and the walk stops there', () => {
  const { problems, spans, data } = parseYaml(mergeBomb(40), 'm.yaml');
  assert.deepEqual(problems.map((p) => [p.code, p.position?.line]), [['limit-exceeded', 4]], JSON.stringify(problems.slice(0, 2)));
  assert.match(problems[0]!.message, /this merge key takes the file past it/);
  assert.equal(data, undefined);
  assert.ok(spans.size <= 2 * 10_000, `the walk stopped: ${spans.size} spans`);
});

test('under the limit, a nested merge counts once (its source\'s size holds it), not once per level', () => {
  // l0 is 11 nodes, l1 1 + 10 * 11 = 111, l2 1 + 10 * 111 = 1 111; their own merges count 10 * 11 + 10 * 111 = 1 220.
  // Seven merges of l2 more make 8 997, under 10 000; counting the merges nested in l2 again (2 210 a time) would not.
  const text = mergeBomb(3) + `many:\n${Array.from({ length: 7 }, (_, i) => `  m${i}: { <<: *l2 }`).join('\n')}\n`;
  const { problems, data } = parseYaml(text, 'm.yaml');
  assert.deepEqual(problems, []);
  assert.deepEqual(((data as Record<string, Record<string, Record<string, Record<string, unknown>>>>).many!.m6!.k9 as Record<string, unknown>).k0, { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10 });
});

test('a matrix stage written with a merge key generates as if written out', () => {
  const { stages: _stages, ...rest } = BASE_MATRIX;
  const text = `${stringify(rest)}stages:
  base: { target: build-base, axes: [cuda], name: "base-{cuda}" }
  framework: &fw { target: framework, from: base, axes: [framework, cuda] }
  runtime:
    <<: *fw
    target: runtime
    from: framework
    tags: ["{registry}/{framework}:{version}-{cuda}"]
`;
  assert.deepEqual(bakeOf({ 'stack.yaml': text }), bakeOf({ 'stack.yaml': stringify(BASE_MATRIX) }));
});

test('merges that double per level (a1: {<<: [*a0, *a0]}, a2: {<<: [*a1, *a1]}, ...) stop at the alias limit, at once', () => {
  const lines = ['a0: &a0 { x: 1, y: 2 }'];
  for (let i = 1; i <= 40; i++) lines.push(`a${i}: &a${i} { <<: [*a${i - 1}, *a${i - 1}] }`);
  const parsed = parseYaml(lines.join('\n') + '\n', 'm.yaml');
  assert.equal(parsed.data, undefined);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['limit-exceeded']);
  assert.match(parsed.problems[0]!.message, /aliases and merge keys expand past it/);
  // A few levels stay well under it and merge as YAML 1.1 says.
  const small = parseYaml(lines.slice(0, 4).join('\n') + '\n', 'm.yaml');
  assert.deepEqual(small.problems, []);
  assert.deepEqual((small.data as Record<string, unknown>).a3, { x: 1, y: 2 });
});
