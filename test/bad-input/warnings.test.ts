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
