// The bounds of the metadata reader (run/read-json-file.ts): size, depth,
// regular files only; brackets inside strings do not count as nesting.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { testdir } from '../helpers/testdir.ts';
import { jsonDepth, readJsonFile } from '../../src/run/read-json-file.ts';

describe('readJsonFile', () => {
  const dir = testdir({});
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  const cases: { name: string; text: string; limits?: { size: number; depth: number }; ok: boolean; reason?: RegExp }[] = [
    { name: 'a small object', text: '{"a": {"b": [1]}}', ok: true },
    { name: 'one byte over the size bound', text: `{"a": "${'x'.repeat(100)}"}`, limits: { size: 100, depth: 64 }, ok: false, reason: /is 109 bytes, more than the 100/ },
    { name: 'exactly the size bound', text: `{"a": "${'x'.repeat(91)}"}`, limits: { size: 100, depth: 64 }, ok: true },
    { name: 'deeper than the depth bound', text: '[[[[1]]]]', limits: { size: 100, depth: 3 }, ok: false, reason: /nests more than 3 levels deep/ },
    { name: 'brackets in strings are text', text: '{"a": "[[[[{{{{\\"[[["}', limits: { size: 100, depth: 1 }, ok: true },
    { name: 'not JSON', text: '{"a": ', ok: false, reason: /is not JSON/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const read = readJsonFile(write(`${c.name}.json`, c.text), c.limits);
      assert.equal(read.ok, c.ok, read.ok ? '' : read.reason);
      if (!read.ok) assert.match(read.reason, c.reason!);
    });
  }

  test('a named pipe is refused at once, not waited on', () => {
    const pipe = join(dir, 'pipe.json');
    execFileSync('mkfifo', [pipe]);
    const read = readJsonFile(pipe);
    assert.deepEqual(read, { ok: false, reason: 'is a named pipe (FIFO), not a regular file' });
  });

  test('a device is refused', () => {
    const read = readJsonFile('/dev/zero');
    assert.deepEqual(read, { ok: false, reason: 'is a device, not a regular file' });
  });

  test('jsonDepth counts [ and { outside strings', () => {
    assert.equal(jsonDepth('{"a": [{"b": "]]]"}]}'), 3);
    assert.equal(jsonDepth(''), 0);
  });
});
