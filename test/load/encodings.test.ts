// Text is read exactly: a UTF-8 byte-order mark is dropped (TOML as YAML),
// CRLF line ends are fine, and the same matrix in any of these forms
// generates the same bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate } from '../../src/generate.ts';
import { testdir } from '../helpers/testdir.ts';

const DOCKERFILE = ['CUDA_VERSION', 'A', 'B', 'C', 'D', 'E', 'F'].map((a) => `ARG ${a}\n`).join('') + 'FROM scratch AS base\n';
const YAML = 'stages:\n  base: { target: base, axes: [cuda] }\n';
const TOML = '[axes.cuda.cu129]\nargs = { CUDA_VERSION = "12.9.1" }\n';

function outputs(files: Record<string, string>): Record<string, string> {
  const result = generate('matrix', testdir({ Dockerfile: DOCKERFILE, ...files }));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.value.outputs;
}

test('a byte-order mark, in TOML or YAML, and CRLF line ends change nothing', () => {
  const plain = outputs({ 'matrix/stack.yaml': YAML, 'matrix/cuda.toml': TOML });
  assert.deepEqual(outputs({ 'matrix/stack.yaml': YAML, 'matrix/cuda.toml': '\ufeff' + TOML }), plain, 'TOML with a BOM');
  assert.deepEqual(outputs({ 'matrix/stack.yaml': '\ufeff' + YAML, 'matrix/cuda.toml': TOML }), plain, 'YAML with a BOM');
  const crlf = (s: string) => s.replace(/\n/g, '\r\n');
  assert.deepEqual(outputs({ 'matrix/stack.yaml': crlf(YAML), 'matrix/cuda.toml': crlf(TOML) }), plain, 'CRLF');
});

test('quoted numbers keep their text; numbers whose text would not change are fine unquoted', () => {
  const out = outputs({ 'matrix/stack.yaml': YAML + 'args:\n  A: "3.10"\n  B: 3.5\n  C: 12\n  D: true\n', 'matrix/cuda.toml': TOML + '[args]\nE = "3.10"\nF = 7\n' });
  const args = JSON.parse(out['docker-bake.json']!).target._common.args;
  assert.deepEqual(args, { A: '3.10', B: '3.5', C: '12', D: 'true', E: '3.10', F: '7' });
});
