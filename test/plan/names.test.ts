import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { imageReferenceProblem, NAME, sanitizeName } from '../../src/plan/names.ts';
import { BASE_MATRIX, bakeOf, generateProblems, matrixYaml } from '../helpers/matrix.ts';

describe('target names', () => {
  test('are readable and stable', () => {
    const names = Object.keys(bakeOf({ 'm.yaml': matrixYaml() }).target).sort();
    assert.deepEqual(names, ['_common', 'base-cu129', 'base-cu130', 'sglang-cu129-framework', 'sglang-cu129-runtime', 'sglang-cu130-framework', 'sglang-cu130-runtime', 'vllm-cu129-framework', 'vllm-cu129-runtime', 'vllm-cu130-framework', 'vllm-cu130-runtime']);
  });
  test('characters bake refuses are replaced', () => {
    assert.equal(sanitizeName('py3.12-runtime'), 'py3_12-runtime');
    const bake = bakeOf({ 'm.yaml': matrixYaml({ axes: { ...BASE_MATRIX.axes, framework: { 'v1.2': null } } }) });
    assert.ok(bake.target['v1_2-cu129-runtime']);
    for (const name of [...Object.keys(bake.target), ...Object.keys(bake.group)]) assert.match(name, NAME);
  });
  test('two cells that get one name is an error naming both', () => {
    const problems = generateProblems({ 'm.yaml': matrixYaml({ axes: { ...BASE_MATRIX.axes, framework: { 'py3.12': null, py3_12: null } } }) });
    assert.match(problems[0]!.message, /"py3_12" and the framework value "py3.12" both become "py3_12"/);
  });
});

describe('image references', () => {
  const valid = ['ghcr.io/example/vllm:0.21.0-cu129', 'localhost:5000/a/b', 'busybox', 'registry.test:443/x/y:z', 'a/b@sha256:' + 'a'.repeat(64)];
  const invalid = ['ghcr.io/Example/vllm:1', 'a b', 'x:' + 'y'.repeat(129), '', 'a//b', 'a:tag:tag'];
  for (const ref of valid) test(`accepts ${ref.slice(0, 40)}`, () => assert.equal(imageReferenceProblem(ref), undefined));
  for (const ref of invalid) test(`rejects "${ref.slice(0, 40)}"`, () => assert.notEqual(imageReferenceProblem(ref), undefined));
});
