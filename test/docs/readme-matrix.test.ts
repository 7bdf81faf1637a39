// The example matrix of docs/format.md is a real one: it generates against the example
// stack's Dockerfile, and gives the names and tags its comments promise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generate } from '../../src/generate.ts';
import { testdir } from '../helpers/testdir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(`${root}docs/format.md`, 'utf8');

test('the example matrix of "The matrix format" generates, with the names and tags its comments give', () => {
  const section = readme.slice(readme.indexOf('## The matrix format'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml, 'a ```yaml block follows "## The matrix format"');
  const dir = testdir({ 'matrix/stack.yaml': yaml, 'bake/Dockerfile': readFileSync(`${root}bake/Dockerfile`, 'utf8') });
  const result = generate('matrix', dir);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems, null, 2));
  const { bake } = result.value.plan;
  for (const name of ['base-cu129', 'base-cu130', 'base-cpu', 'torch-cu129', 'vllm-cu129-runtime', 'vllm-cpu-dev', 'sglang-cu130-engine']) assert.ok(bake.target[name], name);
  assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}', '${REGISTRY}/vllm:latest']);
  assert.deepEqual(bake.target['vllm-cu130-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu130']);
  assert.deepEqual(bake.target['vllm-cpu-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cpu']);
  assert.deepEqual(bake.group['vllm-cu129'], { targets: ['vllm-cu129-runtime', 'vllm-cu129-dev'] });
  assert.deepEqual(bake.target['sglang-cu130-runtime']!.platforms, ['linux/amd64']);
});
