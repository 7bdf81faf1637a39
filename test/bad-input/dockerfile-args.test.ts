// The Dockerfile checks' view of ARG scope: which args count as declared for a
// target, and which ARGs need a value from the matrix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate } from '../../src/generate.ts';
import { parseDockerfile } from '../../src/check-dockerfiles/parse-dockerfile.ts';
import { testdir } from '../helpers/testdir.ts';

/** A two-stage matrix: base (over cuda) and runtime; `extra` goes into the runtime stage. */
function matrix({ baseArgs = '{ CUDA_VERSION: "12.9.1" }', runtime = 'from: base', extra = '' } = {}): string {
  return [
    'axes:',
    '  cuda:',
    `    cu129: {}`,
    'stages:',
    `  base: { target: base, axes: [cuda], args: ${baseArgs} }`,
    `  runtime: { target: runtime, ${runtime}, axes: [cuda]${extra ? `, ${extra}` : ''} }`,
    '',
  ].join('\n');
}

function problems(matrixYaml: string, dockerfile: string) {
  const result = generate('matrix', testdir({ 'matrix/stack.yaml': matrixYaml, Dockerfile: dockerfile }));
  return result.ok ? [] : result.problems.map((p) => ({ code: p.code, pointer: p.pointer, message: p.message }));
}

const codes = (list: { code: string }[]) => list.map((p) => p.code);

describe('Dockerfile ARG checks', () => {
  test('an ARG declared in the stage the target builds on counts (FROM base)', () => {
    assert.deepEqual(problems(matrix({ extra: 'args: { ENGINE: vllm }' }), 'FROM alpine AS base\nARG CUDA_VERSION\nARG ENGINE\nRUN echo "$CUDA_VERSION"\nFROM base AS runtime\n'), []);
  });

  test('an ARG declared in a COPY --from or RUN --mount from= stage counts', () => {
    const dockerfile = 'FROM alpine AS base\nARG CUDA_VERSION\nRUN echo "$CUDA_VERSION"\nFROM alpine AS wheels\nARG ENGINE\nFROM alpine AS assets\nARG THEME\nFROM base AS runtime\nCOPY --link --from=wheels / /w\nRUN --mount=type=bind,from=assets,target=/a true\n';
    assert.deepEqual(problems(matrix({ extra: 'args: { ENGINE: vllm, THEME: dark }' }), dockerfile), []);
  });

  test('a global ARG counts', () => {
    assert.deepEqual(problems(matrix({ extra: 'args: { ENGINE: vllm }' }), 'ARG ENGINE=none\nFROM alpine AS base\nARG CUDA_VERSION\nRUN echo "$CUDA_VERSION"\nFROM base AS runtime\n'), []);
  });

  test('an ARG declared only in an unrelated stage does not count, and a close name is suggested', () => {
    const found = problems(matrix({ extra: 'args: { ENGIN: vllm }' }), 'FROM alpine AS base\nARG CUDA_VERSION\nRUN echo "$CUDA_VERSION"\nFROM alpine AS other\nARG ENGINE\nFROM base AS runtime\nARG ENGINE\n');
    assert.deepEqual(codes(found), ['undeclared-arg']);
    assert.equal(found[0]!.pointer, '/stages/runtime/args/ENGIN');
    assert.match(found[0]!.message, /"runtime" \(Dockerfile:6\)/);
    assert.match(found[0]!.message, /Did you mean "ENGINE"\?/);
  });

  test('an arg of a broad level (an axis value) only needs one target that declares it', () => {
    const yaml = matrix({ baseArgs: '{}' }).replace('cu129: {}', 'cu129: { args: { CUDA_VERSION: "12.9.1", RUNTIME_ONLY: "1" } }');
    assert.deepEqual(problems(yaml, 'FROM alpine AS base\nARG CUDA_VERSION\nRUN echo "$CUDA_VERSION"\nFROM base AS runtime\nARG RUNTIME_ONLY\n'), []);
  });

  test('stage names are case-insensitive', () => {
    assert.deepEqual(problems(matrix().replace('target: runtime', 'target: Runtime'), 'FROM alpine AS base\nARG CUDA_VERSION\nRUN echo "$CUDA_VERSION"\nFROM base AS RUNTIME\n'), []);
  });

  test('a global ARG without default used in a FROM line needs a value', () => {
    const dockerfile = 'ARG CUDA_VERSION\nFROM nvidia/cuda:${CUDA_VERSION}-devel AS base\nFROM base AS runtime\n';
    assert.deepEqual(problems(matrix(), dockerfile), []);
    const found = problems(matrix({ baseArgs: '{}' }), dockerfile);
    assert.deepEqual(codes(found), ['arg-without-value']);
    assert.equal(found[0]!.pointer, '/stages/base/target');
    assert.match(found[0]!.message, /uses \$\{CUDA_VERSION\} in its FROM line \(Dockerfile:2\).*ARG \(Dockerfile:1\)/);
  });

  test('the FROM lines of the stages a target builds itself are checked too', () => {
    const dockerfile = 'ARG BASE_TAG\nFROM alpine:${BASE_TAG} AS base\nARG CUDA_VERSION\nRUN echo "$CUDA_VERSION"\nFROM base AS runtime\n';
    const yaml = matrix({ baseArgs: '{ CUDA_VERSION: "12.9.1", BASE_TAG: "3.20" }' });
    assert.deepEqual(problems(yaml, dockerfile), [], 'runtime gets base as a target: context, and inherits BASE_TAG');
    const found = problems(yaml.replace('from: base', 'dockerfile: Dockerfile'), dockerfile);
    assert.deepEqual(codes(found), ['arg-without-value']);
    assert.match(found[0]!.message, /the FROM line of the stage "base" it builds/);
  });

  test('what gives an ARG a value: its default, the global default, the matrix, BuildKit', () => {
    const dockerfile = [
      'ARG PY=3.12',
      'FROM alpine AS base',
      'ARG CUDA_VERSION',
      'ARG PY',
      'ARG TAG=latest',
      'ARG TARGETARCH',
      'RUN echo "$CUDA_VERSION $PY $TAG $TARGETARCH"',
      'FROM base AS runtime',
    ].join('\n');
    assert.deepEqual(problems(matrix(), dockerfile), []);
  });

  test('uses that handle an empty value do not make an ARG required', () => {
    const dockerfile = [
      'FROM alpine AS base',
      'ARG CUDA_VERSION',
      'ARG A',
      'ARG B',
      'ARG C',
      'ARG EXTRA_PIP_ARGS',
      'ARG GIT_SHA',
      'RUN echo "$CUDA_VERSION ${A:-none} ${B-none} ${C:+set}" && pip install $EXTRA_PIP_ARGS foo',
      'ENV REVISION=${GIT_SHA}',
      'LABEL revision=$GIT_SHA',
      'FROM base AS runtime',
    ].join('\n');
    assert.deepEqual(problems(matrix(), dockerfile), []);
  });

  test('an ARG used in RUN with no value anywhere is reported at the stage target, with both Dockerfile lines', () => {
    const found = problems(matrix(), 'FROM alpine AS base\nARG CUDA_VERSION\nARG INDEX_URL\nRUN pip install --index-url "${INDEX_URL}" "torch" # $CUDA_VERSION\nFROM base AS runtime\n');
    assert.deepEqual(codes(found), ['arg-without-value']);
    assert.match(found[0]!.message, /\$\{INDEX_URL\} in Dockerfile:4.*ARG \(Dockerfile:3\)/);
  });
});

describe('parseDockerfile', () => {
  test('stages, their dependencies and ARGs', () => {
    const model = parseDockerfile('ARG A=1 B\nFROM x:${A} AS One\nARG C\nFROM one AS two\nCOPY --link --from=0 / /\nRUN --mount=type=cache,target=/c --mount=from=one,target=/o true\nFROM scratch\nCOPY --from=two / /\n', 'Dockerfile');
    assert.deepEqual(model.globalArgs.map((a) => [a.name, a.hasDefault]), [['A', true], ['B', false]]);
    assert.deepEqual(model.stages.map((s) => [s.label, s.name, s.line, s.deps]), [
      ['One', 'one', 2, []],
      ['two', 'two', 4, [0]],
      ['#2', undefined, 7, [1]],
    ]);
    assert.deepEqual(model.stages[0]!.fromUses.map((u) => u.name), ['A']);
  });
});
