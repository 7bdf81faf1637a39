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
  assert.deepEqual(spans.get('/stage/args/B')!.key, { line: 9, col: 17 });
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

test('merges count toward the alias limit (a merge bomb is refused)', () => {
  const lines = ['l0: &l0 { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10 }'];
  for (let i = 1; i < 12; i++) lines.push(`l${i}: &l${i} { ${Array.from({ length: 10 }, (_, k) => `k${k}: { <<: *l${i - 1} }`).join(', ')} }`);
  const { problems } = parseYaml(lines.join('\n') + '\n', 'm.yaml');
  assert.equal(problems[0]?.code, 'limit-exceeded', JSON.stringify(problems.slice(0, 1)));
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
