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

/** Problems (errors, or the warnings of a generation that succeeded) of a project of several files. */
function problemsOf(files: Record<string, string>) {
  const result = generate('matrix', testdir(files));
  const list = result.ok ? result.value.warnings : result.problems;
  return list.map((p) => ({ severity: p.severity, code: p.code, pointer: p.pointer, message: p.message }));
}

/** Two image types with a Dockerfile each, over a python axis; `extra` goes into each stage, `top` at the top level. */
function twoImages({ top = '', gpu = '', cpu = '', values = '{ args: { PYTHON_VERSION: "3.12" } }' } = {}): Record<string, string> {
  return {
    'matrix/stack.yaml': [
      top,
      'axes:',
      '  python:',
      `    py312: ${values}`,
      'stages:',
      `  gpu: { dockerfile: gpu.Dockerfile, axes: [python], name: "gpu-{python}"${gpu ? `, ${gpu}` : ''} }`,
      `  cpu: { dockerfile: cpu.Dockerfile, axes: [python], name: "cpu-{python}"${cpu ? `, ${cpu}` : ''} }`,
      '',
    ].join('\n'),
    'gpu.Dockerfile': 'FROM alpine\nARG PYTHON_VERSION\nRUN echo "$PYTHON_VERSION"\n',
    'cpu.Dockerfile': 'FROM alpine\nRUN true\n',
  };
}

describe('the arg check is per target', () => {
  test('an arg set on a value that one image type reads and another does not is an error naming the other, its Dockerfile and the reader', () => {
    const found = problemsOf(twoImages());
    assert.deepEqual(codes(found), ['unread-arg']);
    assert.equal(found[0]!.pointer, '/axes/python/py312/args/PYTHON_VERSION');
    assert.match(found[0]!.message, /set on the python value "py312" is passed to "cpu-py312", but its Dockerfile stage "#0" \(cpu\.Dockerfile:1\) declares no ARG PYTHON_VERSION/);
    assert.match(found[0]!.message, /"gpu-py312" reads it \(ARG PYTHON_VERSION at gpu\.Dockerfile:2\)/);
  });

  test('an arg set at the top level needs one target that reads it: the others ignore it, as buildx does', () => {
    assert.deepEqual(problemsOf(twoImages({ top: 'args: { PYTHON_VERSION: "3.12" }', values: '{}' })), []);
  });

  test('an arg no target reads is undeclared-arg; `args_unread` at the top level allows it, and says nothing', () => {
    const files = twoImages({ top: 'args: { RELEASE: "1.0" }' });
    files['cpu.Dockerfile'] = 'FROM alpine\nARG PYTHON_VERSION\n';
    const found = problemsOf(files);
    assert.deepEqual(codes(found), ['undeclared-arg']);
    assert.match(found[0]!.message, /"RELEASE" is passed to "gpu-py312" and "cpu-py312"/);
    assert.deepEqual(problemsOf({ ...files, 'matrix/stack.yaml': files['matrix/stack.yaml']!.replace('args: { RELEASE: "1.0" }', 'args: { RELEASE: "1.0" }\nargs_unread: [RELEASE]') }), []);
  });

  test("a stage's `args_unread` allows the name for its own targets only", () => {
    assert.deepEqual(problemsOf(twoImages({ cpu: 'args_unread: [PYTHON_VERSION]' })), []);
    const found = problemsOf(twoImages({ gpu: 'args_unread: [PYTHON_VERSION]' }));
    assert.deepEqual(found.map((p) => [p.severity, p.code]), [['error', 'unread-arg'], ['warning', 'args-unread-unused']]);
    assert.equal(found[1]!.pointer, '/stages/gpu/args_unread/0');
  });

  test('an arg set on a stage must be read by each of its targets (a Dockerfile per combination)', () => {
    const files = {
      'matrix/stack.yaml': 'axes:\n  variant:\n    slim: {}\n    full: {}\nstages:\n  image: { dockerfile: "{variant}.Dockerfile", axes: [variant], args: { EXTRAS: "all" } }\n',
      'full.Dockerfile': 'FROM alpine\nARG EXTRAS\nRUN echo "$EXTRAS"\n',
      'slim.Dockerfile': 'FROM alpine\nRUN true\n',
    };
    const found = problemsOf(files);
    assert.deepEqual(codes(found), ['unread-arg']);
    assert.match(found[0]!.message, /set on stage "image" is passed to "slim-image", but its Dockerfile stage "#0" \(slim\.Dockerfile:1\)/);
  });

  test('a target that inherits an arg need not read it when the target it inherits it from does (a child with a Dockerfile of its own)', () => {
    const files = {
      'matrix/stack.yaml': 'axes:\n  python:\n    py312: { args: { PYTHON_VERSION: "3.12" } }\nstages:\n  base: { dockerfile: base.Dockerfile, axes: [python], tags: ["r/base:{python}"] }\n  app: { dockerfile: app.Dockerfile, from: { stage: base, arg: BASE_IMAGE }, tags: ["r/app:{python}"] }\n',
      'base.Dockerfile': 'FROM alpine\nARG PYTHON_VERSION\nRUN echo "$PYTHON_VERSION"\n',
      'app.Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\n',
    };
    assert.deepEqual(problemsOf(files), []);
  });

  test("a value's arg read only by a layer of the stage it is set on is read (the layer is built for that stage)", () => {
    const files = {
      'matrix/stack.yaml': 'axes:\n  cuda:\n    cu129: {}\n  framework:\n    vllm: { args: { ENGINE: vllm } }\nstages:\n  base: { target: base, axes: [cuda] }\n  framework: { target: framework, from: base, axes: [framework, cuda], layers: { engine: { target: deps-engine } } }\n',
      Dockerfile: 'FROM alpine AS base\nFROM base AS deps-engine\nARG ENGINE\nRUN echo "$ENGINE"\nFROM base AS framework\nRUN true\n',
    };
    assert.deepEqual(problemsOf(files), []);
    const unread = problemsOf({ ...files, Dockerfile: files.Dockerfile.replace('ARG ENGINE\n', '') });
    assert.deepEqual(codes(unread), ['undeclared-arg']);
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
