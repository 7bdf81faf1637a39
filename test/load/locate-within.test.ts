// A caret on one part of a value (a placeholder inside a template): found in the
// text as written, or the value's own position when it is written with escapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseToml } from '../../src/load/parse-toml.ts';
import { parseYaml } from '../../src/load/parse-yaml.ts';
import { SourceFile } from '../../src/load/source-file.ts';

function fileOf(text: string): SourceFile {
  const parsed = parseYaml(text, 'm.yaml');
  assert.deepEqual(parsed.problems, []);
  return new SourceFile('m.yaml', text, parsed.data, parsed.spans);
}

const cases = [
  { name: 'in a plain scalar', text: 'a: x-{B}\n', part: '{B}', occurrence: 0, expected: { line: 1, col: 6 } },
  { name: 'the second of two', text: 'a: "{B}/{B}"\n', part: '{B}', occurrence: 1, expected: { line: 1, col: 9 } },
  { name: 'on a later line of a block scalar', text: 'a: |\n  one\n  two {B}\nb: {B}\n', part: '{B}', occurrence: 0, expected: { line: 3, col: 7 } },
  { name: 'written with an escape: the value itself', text: 'a: "\\x7BB}"\nb: "{B}"\n', part: '{B}', occurrence: 0, expected: { line: 1, col: 4 } },
];
for (const c of cases) {
  test(c.name, () => {
    const file = fileOf(c.text);
    const value = (file.data as Record<string, string>).a!;
    assert.deepEqual(file.locateWithin('/a', { text: c.part, occurrence: c.occurrence, length: value.length }), c.expected);
  });
}

test('in TOML, up to the end of the value', () => {
  const text = 'a = "\\u007BB}"\nb = "{B}"\nc = "x {B}"\n';
  const parsed = parseToml(text, 'm.toml');
  const file = new SourceFile('m.toml', text, parsed.data, parsed.spans);
  assert.deepEqual(file.locateWithin('/a', { text: '{B}', occurrence: 0, length: 3 }), { line: 1, col: 5 });
  assert.deepEqual(file.locateWithin('/c', { text: '{B}', occurrence: 0, length: 5 }), { line: 3, col: 8 });
});
