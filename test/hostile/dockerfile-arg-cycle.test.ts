// Global ARGs whose defaults name each other: a default sees only the ARGs
// above it (as BuildKit reads them), so the FROM-line check ends, and a chain
// that doubles per line is worked out once per ARG.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const matrix = 'name: c\nregistry: r.test/c\nplatforms: [linux/amd64]\nstages:\n  build: { target: build, tags: ["{registry}/c:1"] }\n';

test('ARG A=${B} / ARG B=${A} before FROM deps-${A}: generated, no stack overflow', async () => {
  const dir = testdir({ 'bake-matrix.yaml': matrix, Dockerfile: 'ARG A=${B}\nARG B=${A}\nFROM alpine AS deps-x\nFROM deps-${A} AS build\nRUN true\n' });
  const run = await runCli(['generate'], dir);
  assert.equal(run.code, 0, run.stderr);
});

test('ARG A1=${A0}${A0}, A2=${A1}${A1}, ... 60 lines: the FROM-line check finds the stage it names at once', async () => {
  const lines = ['ARG A0=x'];
  for (let i = 1; i <= 60; i++) lines.push(`ARG A${i}=\${A${i - 1}}`);
  const dir = testdir({ 'bake-matrix.yaml': matrix, Dockerfile: [...lines, 'FROM alpine AS deps-x', 'FROM deps-${A60} AS build', 'RUN true', ''].join('\n') });
  const run = await runCli(['generate'], dir);
  assert.equal(run.code, 0, run.stderr);
  const doubling = ['ARG A0=x', ...Array.from({ length: 40 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`)];
  const dir2 = testdir({ 'bake-matrix.yaml': matrix, Dockerfile: [...doubling, 'FROM alpine AS deps-x', 'FROM deps-${A40} AS build', 'RUN true', ''].join('\n') });
  const run2 = await runCli(['generate'], dir2);
  assert.notEqual(run2.code, 70, run2.stderr);
});

test('a chain of 20 000 ARG defaults (358 KB, under the 4 MiB Dockerfile limit): no stack overflow', async () => {
  const lines = ['ARG A0=nope'];
  for (let i = 1; i < 20_000; i++) lines.push(`ARG A${i}=\${A${i - 1}}`);
  const dir = testdir({ 'bake-matrix.yaml': matrix, Dockerfile: [...lines, 'FROM alpine AS deps-x', 'FROM deps-${A19999} AS build', 'RUN true', ''].join('\n') });
  const run = await runCli(['generate'], dir);
  assert.notEqual(run.code, 70, run.stderr);
  assert.doesNotMatch(run.stderr, /Maximum call stack/);
});
