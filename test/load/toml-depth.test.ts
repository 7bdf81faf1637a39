// Each part of a TOML dotted key (`a.b.c = 1`, `[a.b.c]`) is a level of
// nesting: the depth limit holds for them as for brackets, and a key of many
// thousand parts is refused at once instead of walked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/load/limits.ts';
import { parseToml } from '../../src/load/parse-toml.ts';

const key = (parts: number) => Array.from({ length: parts }, () => 'a').join('.');

for (const [name, text, line] of [
  ['a dotted key', `${key(100_000)} = 1\n`, 1],
  ['a table header', `x = 1\n[${key(70)}]\ny = 2\n`, 2],
  ['a dotted key inside a deep table', `[${key(60)}]\n${key(10)} = 1\n`, 2],
] as const) {
  test(`${name} past the depth limit is one limit-exceeded problem at its line`, () => {
    const parsed = parseToml(text, 'm.toml');
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.position?.line]), [['limit-exceeded', line]]);
    assert.match(parsed.problems[0]!.message, new RegExp(`limited to ${DEFAULT_LIMITS.depth} levels; this dotted key goes deeper`));
    assert.equal(parsed.data, undefined);
  });
}

test('a dotted key at the limit is read', () => {
  const parsed = parseToml(`${key(DEFAULT_LIMITS.depth)} = 1\n`, 'm.toml');
  assert.deepEqual(parsed.problems, []);
});
