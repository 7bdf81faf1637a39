// Mistakes that do not hurt the images are warnings: generate succeeds and says why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

test('an axis value that no stage builds is a warning naming it, and the bake file is written', async () => {
  const dir = testdir({
    Dockerfile: 'FROM alpine AS base\nARG ENGINE\nRUN echo "$ENGINE"\n',
    'matrix/stack.yaml': [
      'axes:',
      '  framework:',
      '    vllm: { args: { ENGINE: vllm } }',
      '    trtllm: { args: { ENGINE: trtllm } }',
      'exclude:',
      '  - { framework: trtllm }   # switched off for now',
      'stages:',
      '  base: { target: base, axes: [framework] }',
      '',
    ].join('\n'),
  });
  const run = await runCli(['generate'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /matrix\/stack\.yaml:4:5: warning unused-value {2}\(axes\.framework\.trtllm\)/);
  assert.match(run.stderr, /The framework value "trtllm" is built by no stage/);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8')).target), ['_common', 'vllm-base']);
});

test('an include of a combination that is built anyway is a warning (it may be kept on purpose), and the bake file is written', async () => {
  const dir = testdir({
    Dockerfile: 'FROM alpine AS base\nARG ENGINE\nRUN echo "$ENGINE"\n',
    'matrix/stack.yaml': [
      'axes:',
      '  framework:',
      '    vllm: { args: { ENGINE: vllm } }',
      'include:',
      '  - { framework: vllm }   # nothing excludes it',
      'stages:',
      '  base: { target: base, axes: [framework] }',
      '',
    ].join('\n'),
  });
  const run = await runCli(['generate'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /matrix\/stack\.yaml:5:5: warning include-adds-nothing {2}\(include\.0\)/);
  assert.match(run.stderr, /This include adds nothing: framework=vllm is built anyway/);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8')).target), ['_common', 'vllm-base']);
});

test('a table entry for a combination no stage builds is a warning naming it, and the bake file is written', async () => {
  const dir = testdir({
    Dockerfile: 'FROM alpine AS base\nARG BASE\nRUN echo "$BASE"\n',
    'matrix/stack.yaml': [
      'axes:',
      '  framework: { vllm: {}, trtllm: {} }',
      '  cuda: { cu129: {}, cu130: {} }',
      'exclude:',
      '  - { framework: trtllm, cuda: cu129 }',
      'tables:',
      '  base:',
      '    by: [framework, cuda]',
      '    entries:',
      '      vllm: { cu129: "a:1", cu130: "a:2" }',
      '      trtllm: { cu129: "b:1", cu130: "b:2" }',
      'stages:',
      '  base: { target: base, axes: [framework, cuda], args: { BASE: "{base}" } }',
      '',
    ].join('\n'),
  });
  const run = await runCli(['generate'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /matrix\/stack\.yaml:11:17: warning unused-table-entry {2}\(tables\.base\.entries\.trtllm\.cu129\)/);
  assert.match(run.stderr, /The entry framework=trtllm, cuda=cu129 of table "base" is read by no target/);
  assert.equal(run.stderr.match(/: warning /g)?.length, 1, 'the other entries are read');
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8')).target).sort(), ['_common', 'trtllm-cu130-base', 'vllm-cu129-base', 'vllm-cu130-base']);
});
