// The loader's list of keys that take a number (for the hint of value-changed)
// is the schema's: every property typed "integer" or "number" alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NUMBER_KEYS } from '../../src/load/scalar-problem.ts';

function numberKeys(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => numberKeys(n, out));
  else if (node && typeof node === 'object') {
    const properties = (node as { properties?: Record<string, { type?: unknown }> }).properties;
    for (const [name, schema] of Object.entries(properties ?? {})) if (schema.type === 'integer' || schema.type === 'number') out.add(name);
    Object.values(node).forEach((n) => numberKeys(n, out));
  }
  return out;
}

test('NUMBER_KEYS are the properties schema/matrix.schema.json types as a number', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schema/matrix.schema.json', import.meta.url), 'utf8')) as unknown;
  const keys = numberKeys(schema, new Set());
  assert.ok(keys.size > 0);
  assert.deepEqual([...NUMBER_KEYS].sort(), [...keys].sort());
});
