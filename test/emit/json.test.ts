// emitJson: the text JSON.stringify writes for the model with every object's keys sorted, made a batch of blocks at a time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesOf, ByteWriter, stringSource } from '../../src/emit/byte-writer.ts';
import { emitJson, jsonSource } from '../../src/emit/json.ts';
import type { BakeFile } from '../../src/types/bake.ts';

/** The reference: a sorted deep copy (keys inserted in sorted order, `__proto__` as a key), stringified whole. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) Object.defineProperty(out, key, { value: sortedCopy((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return out;
}
const reference = (bake: object) => JSON.stringify(sortedCopy(Object.fromEntries(Object.entries(bake).filter(([, v]) => v && Object.keys(v).length > 0))), null, 2) + '\n';

/** Many targets (batches and a partial one), names that are array indices, `__proto__`, keys out of order, odd strings. */
function tricky(): BakeFile {
  const target: Record<string, unknown> = Object.create(null);
  for (let i = 3000; i >= 0; i--) target[`t${i}`] = { tags: [`r/t${i}:1`], args: { Z: '1', A: `é${i}` }, platforms: ['linux/amd64'] };
  target['10'] = { target: 'ten' };
  target['9'] = { target: 'nine' };
  target['__proto__'] = { target: 'proto', labels: { '__proto__': 'x', b: 'quote " backslash \\ newline \n' } };
  target['gone'] = undefined;
  target['😀'] = { target: 'lone \ud800 surrogate', 'cache-to': [{ type: 'registry', ref: 'r' }], output: [] };
  return { variable: Object.create(null), group: { default: { targets: ['t1', '9'] } }, target } as unknown as BakeFile;
}

test('emitJson writes what JSON.stringify writes for the sorted model, across batches, index-like names, __proto__ and left-out values', () => {
  const bake = tricky();
  assert.equal(emitJson(bake), reference(bake));
});

test('emitJson: an empty model, and a model of one empty section', () => {
  assert.equal(emitJson({ group: {}, target: {} } as BakeFile), '{}\n');
  assert.equal(emitJson({ group: { g: { targets: [] } }, target: {} } as BakeFile), reference({ group: { g: { targets: [] } } }));
});

test('the source gives the same bytes on every run, in chunks no longer than the buffer', () => {
  const source = jsonSource(tricky());
  const sizes: number[] = [];
  source((bytes) => sizes.push(bytes.length));
  assert.ok(sizes.length > 1 && sizes.every((n) => n > 0 && n <= 1 << 18), `chunk sizes ${sizes.join(', ')}`);
  assert.ok(bytesOf(source).equals(bytesOf(source)));
});

test('ByteWriter: a text far longer than a chunk, a surrogate pair on every possible cut, writes the bytes Buffer does', () => {
  for (const lead of [0, 1, 2]) {
    const text = 'x'.repeat(lead) + '😀é'.repeat(200_000) + 'a\ud800b';
    assert.ok(bytesOf(stringSource(text)).equals(Buffer.from(text)), `lead ${lead}`);
  }
  const pieces = ['a', 'é'.repeat(100_000), '😀', 'z'.repeat(90_000)];
  const bytes = bytesOf((write) => {
    const out = new ByteWriter(write);
    for (const piece of pieces) out.text(piece);
    out.end();
  });
  assert.ok(bytes.equals(Buffer.from(pieces.join(''))));
});

test('emitJson: a target whose map is out of order is written sorted, and the model is left as it was (same objects, same key order)', () => {
  const contexts = { 'build-base': 'target:base', framework: 'target:fw', 'deps-torch': 'target:torch' };
  const frozen = Object.freeze({ args: { B: '2', A: '1' }, inherits: ['x'] });
  const bake = {
    target: {
      a: { args: { Z: '1', A: '2' }, contexts, inherits: ['base'], tags: ['r/a:1'] },
      b: { contexts: { y: '1', x: '2' }, nested: { deeper: { b: 1, a: 2 } } },
      c: frozen,
      base: {},
    },
  } as unknown as BakeFile;
  // Every object's keys in their order, as a list of paths.
  const order = (value: unknown, path = ''): string[] =>
    value && typeof value === 'object' ? Object.keys(value).flatMap((k) => [`${path}/${k}`, ...order((value as Record<string, unknown>)[k], `${path}/${k}`)]) : [];
  const keysBefore = order(bake);
  const text = emitJson(bake);
  assert.equal(text, JSON.stringify(sortedCopy(bake), null, 2) + '\n');
  assert.equal(bake.target.a!.contexts, contexts, 'the same contexts object is back in the target');
  assert.deepEqual(Object.keys(bake.target.a!.contexts!), ['build-base', 'framework', 'deps-torch']);
  assert.deepEqual(order(bake), keysBefore);
  assert.equal(bake.target.c, frozen);
});

test('emitJson: a target whose out-of-order map is read-only or a getter is copied, not written to', () => {
  const readOnly: Record<string, unknown> = { inherits: ['x'] };
  Object.defineProperty(readOnly, 'contexts', { value: { b: '1', a: '2' }, enumerable: true, writable: false, configurable: true });
  const getter: Record<string, unknown> = { args: { Z: '1', A: '2' } };
  Object.defineProperty(getter, 'contexts', { get: () => ({ y: '1', x: '2' }), enumerable: true, configurable: true });
  const bake = { target: { a: { args: { Z: '1', A: '2' } }, r: readOnly, g: getter } } as unknown as BakeFile;
  const before = readOnly.contexts;
  assert.equal(emitJson(bake), JSON.stringify(sortedCopy(bake), null, 2) + '\n');
  assert.equal(readOnly.contexts, before);
  assert.deepEqual(Object.keys(bake.target.a!.args!), ['Z', 'A']);
});
