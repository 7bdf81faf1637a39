// Paths and contexts per cell, platforms removed per combination, cache per
// stage with exporter options, and groups under control.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate } from '../../src/generate.ts';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { BASE_MATRIX, bakeOf, generateProblems, matrixYaml } from '../helpers/matrix.ts';
import { testdir } from '../helpers/testdir.ts';
import { permissiveDockerfile } from '../helpers/generate.ts';

const yaml = (m: Partial<MatrixFile>) => ({ 'stack.yaml': matrixYaml(m) });

describe('paths and contexts per cell', () => {
  const PER_VALUE: Partial<MatrixFile> = {
    axes: { python: { '3.13': { vars: { short: '313' } }, '3.14': { vars: { short: '314' } } }, variant: { trixie: {}, alpine: {} } },
    stages: { image: { axes: ['python', 'variant'], dockerfile: '{python}/{variant}/Dockerfile', context: '{python}/{variant}', target: 'final', tags: ['{registry}/python:{python}-{variant}'] } },
  };
  const files = (dockerfiles: string[]) => Object.fromEntries(dockerfiles.map((p) => [p, 'FROM scratch AS final\n']));
  test('dockerfile and context are templates, written relative to each other', () => {
    const root = testdir({ 'matrix/stack.yaml': matrixYaml(PER_VALUE), ...files(['3.13/trixie/Dockerfile', '3.13/alpine/Dockerfile', '3.14/trixie/Dockerfile', '3.14/alpine/Dockerfile']) });
    const r = generate('matrix', root);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual([r.value.plan.bake.target['3_14-alpine-image']!.context, r.value.plan.bake.target['3_14-alpine-image']!.dockerfile], ['3.14/alpine', 'Dockerfile']);
  });
  test('without a `dockerfile`, a templated context builds its own Dockerfile, as bake resolves the default against the context', () => {
    const { dockerfile: _, ...stage } = PER_VALUE.stages!.image!;
    const root = testdir({ 'matrix/stack.yaml': matrixYaml({ ...PER_VALUE, stages: { image: stage } }), ...files(['3.13/trixie/Dockerfile', '3.13/alpine/Dockerfile', '3.14/trixie/Dockerfile', '3.14/alpine/Dockerfile']) });
    const r = generate('matrix', root);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual([r.value.plan.bake.target['3_14-alpine-image']!.context, r.value.plan.bake.target['3_14-alpine-image']!.dockerfile], ['3.14/alpine', 'Dockerfile']);
    assert.equal(r.value.plan.targets.get('3_14-alpine-image')!.location!.dockerfilePath, '3.14/alpine/Dockerfile');
    // a missing one is reported at the context that names its folder
    const missing = generate('matrix', testdir({ 'matrix/stack.yaml': matrixYaml({ ...PER_VALUE, stages: { image: stage } }), ...files(['3.13/trixie/Dockerfile', '3.13/alpine/Dockerfile', '3.14/trixie/Dockerfile']), '3.14/alpine/README': '', Dockerfile: 'FROM scratch AS final\n' }));
    assert.ok(!missing.ok);
    assert.equal(missing.problems[0]!.code, 'dockerfile-not-found');
    assert.match(missing.problems[0]!.message, /"3\.14\/alpine\/Dockerfile" \(the default: Dockerfile in the context\) of stage "image" does not exist/);
    assert.equal(missing.problems[0]!.pointer, '/stages/image/context');
  });
  test('without a `dockerfile`, an untemplated context keeps the Dockerfile of the project root (output as before)', () => {
    const root = testdir({ 'matrix/stack.yaml': matrixYaml({ axes: PER_VALUE.axes, stages: { image: { axes: ['python', 'variant'], context: 'docker', target: 'final' } } }), Dockerfile: 'FROM scratch AS final\n', 'docker/README': '' });
    const r = generate('matrix', root);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual([r.value.plan.bake.target['3_14-alpine-image']!.context, r.value.plan.bake.target['3_14-alpine-image']!.dockerfile], ['docker', '../Dockerfile']);
  });
  test('the Dockerfile checks run on each resolved file', () => {
    const root = testdir({ 'matrix/stack.yaml': matrixYaml(PER_VALUE), ...files(['3.13/trixie/Dockerfile', '3.13/alpine/Dockerfile', '3.14/trixie/Dockerfile']), '3.14/alpine/README': '' });
    const r = generate('matrix', root);
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.code, 'dockerfile-not-found');
    assert.match(r.problems[0]!.message, /"3\.14\/alpine\/Dockerfile" of stage "image" does not exist/);
    assert.equal(r.problems[0]!.pointer, '/stages/image/dockerfile');
  });
  test('named local contexts are bake contexts; one outside the root, or missing, is an error', () => {
    const matrix = matrixYaml({ stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, contexts: { scripts: 'container/scripts', models: 'docker-image://{registry}/models:{cuda}' } } } });
    const dockerfile = permissiveDockerfile([matrix]);
    const missing = generate('matrix', testdir({ 'matrix/stack.yaml': matrix, Dockerfile: dockerfile }));
    assert.ok(!missing.ok && missing.problems[0]!.code === 'context-not-found');
    const r = generate('matrix', testdir({ 'matrix/stack.yaml': matrix, Dockerfile: dockerfile, 'container/scripts/run.sh': '' }));
    assert.ok(r.ok);
    assert.deepEqual(r.value.plan.bake.target['vllm-cu129-runtime']!.contexts, {
      'build-base': 'target:base-cu129',
      framework: 'target:vllm-cu129-framework',
      scripts: 'container/scripts',
      models: 'docker-image://${REGISTRY}/models:cu129',
    });
    const [p] = generateProblems(yaml({ stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, contexts: { scripts: '../scripts' } } } }));
    assert.equal(p!.code, 'path-outside-repository');
    assert.equal(p!.pointer, '/stages/runtime/contexts/scripts');
  });
  test('a named context may not take the name of a stage bake-matrix binds', () => {
    const [p] = generateProblems(yaml({ stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, contexts: { framework: 'x' } } } }));
    assert.equal(p!.code, 'context-name-taken');
  });
  test('a run-time variable in a path is an error', () => {
    const [p] = generateProblems(yaml({ stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, dockerfile: 'docker/{version}/Dockerfile' } } }));
    assert.equal(p!.code, 'path-uses-variable');
  });
});

describe('platforms per combination', () => {
  test('an exclude with `platforms` removes those platforms from the matching targets only', () => {
    const bake = bakeOf(yaml({ exclude: [{ framework: 'sglang', platforms: ['linux/arm64'] }] }));
    assert.deepEqual(bake.target['sglang-cu129-runtime']!.platforms, ['linux/amd64']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.platforms, ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(bake.target['base-cu129']!.platforms, ['linux/amd64', 'linux/arm64']);
  });
});

describe('cache per stage', () => {
  const cache = { ref: '{registry}/cache:{target}', fallback: ['{registry}/cache:{target}-main'] };
  test('a stage\'s cache keys replace the matrix\'s; exporter options and extra refs are written', () => {
    const bake = bakeOf(yaml({
      cache,
      stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, cache: { mode: 'min', compression: 'none', to: ['{registry}/cache:{target}-{git_sha}'], 'oci-mediatypes': true, 'image-manifest': true, 'ignore-error': true } } },
      variables: { git_sha: { default: 'abc' } },
    }));
    assert.deepEqual(bake.target['vllm-cu129-runtime']!['cache-to'], [
      'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime,mode=min,oci-mediatypes=true,image-manifest=true,ignore-error=true',
      'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-${GIT_SHA},mode=min,oci-mediatypes=true,image-manifest=true,ignore-error=true',
    ]);
    assert.deepEqual(bake.target['base-cu129']!['cache-to'], ['type=registry,ref=${REGISTRY}/cache:base-cu129,mode=max,compression=zstd,ignore-error=true']);
  });
  test('`cache: false` on a stage turns its cache off', () => {
    const bake = bakeOf(yaml({ cache, stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, cache: false } } }));
    assert.equal(bake.target['vllm-cu129-runtime']!['cache-to'], undefined);
  });
  test('a cache ref two targets would write is an error naming both', () => {
    const [p] = generateProblems(yaml({ cache: { ref: '{registry}/cache:{cuda}' } }));
    assert.equal(p!.code, 'cache-ref-collision');
    assert.match(p!.message, /"base-cu129" and "vllm-cu129-framework" would both write/);
  });
});

describe('groups under control', () => {
  test('auto_groups switches off per-value and per-stage groups', () => {
    const bake = bakeOf(yaml({ auto_groups: { values: ['framework'], stages: false } }));
    assert.deepEqual(Object.keys(bake.group).sort(), ['default', 'sglang', 'vllm']);
  });
  test('a value named like a value of another axis is no collision when its group is off', () => {
    const m: Partial<MatrixFile> = {
      axes: { ...BASE_MATRIX.axes, os: { vllm: {} } },
      stages: { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, axes: ['framework', 'cuda', 'os'] } },
      auto_groups: { values: ['cuda', 'framework'] },
    };
    assert.deepEqual(bakeOf(yaml(m)).group.vllm!.targets, ['vllm-cu129-vllm-runtime', 'vllm-cu130-vllm-runtime']);
    assert.equal(generateProblems(yaml({ ...m, auto_groups: {} }))[0]!.code, 'group-collision');
  });
  test('a stage tagged only in some cells puts only those into `default` and the value groups (buildx: "tag is needed when pushing")', () => {
    const runtime = { ...BASE_MATRIX.stages!.runtime!, tags: [{ tag: '{registry}/{framework}:{version}', when: { cuda: 'cu130' } }] };
    const bake = bakeOf(yaml({ stages: { ...BASE_MATRIX.stages, runtime } }));
    assert.deepEqual(bake.group.default!.targets, ['vllm-cu130-runtime', 'sglang-cu130-runtime']);
    assert.deepEqual(bake.group.vllm!.targets, ['vllm-cu130-runtime']);
    assert.deepEqual(bake.group.cu130!.targets, ['vllm-cu130-runtime', 'sglang-cu130-runtime']);
    assert.equal(bake.group.cu129, undefined);
    assert.deepEqual(bake.group.runtime!.targets, ['vllm-cu129-runtime', 'vllm-cu130-runtime', 'sglang-cu129-runtime', 'sglang-cu130-runtime']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, undefined);
  });
  test('an override that tags some cells of an untagged stage makes those cells default; `default: true` keeps every cell', () => {
    const stages = { ...BASE_MATRIX.stages, runtime: { ...BASE_MATRIX.stages!.runtime!, tags: [] } };
    const overrides: MatrixFile['overrides'] = [{ when: { framework: 'sglang' }, stages: ['runtime'], tags: ['{registry}/sglang:{cuda}'] }];
    assert.deepEqual(bakeOf(yaml({ stages, overrides })).group.default!.targets, ['sglang-cu129-runtime', 'sglang-cu130-runtime']);
    const declared = bakeOf(yaml({ stages: { ...stages, runtime: { ...stages.runtime, default: true } }, overrides }));
    assert.deepEqual(declared.group.default!.targets, ['vllm-cu129-runtime', 'vllm-cu130-runtime', 'sglang-cu129-runtime', 'sglang-cu130-runtime']);
  });
  test('a `default` the matrix declares replaces the generated one', () => {
    const bake = bakeOf(yaml({ groups: { default: { targets: ['vllm-cu129-runtime'] } } }));
    assert.deepEqual(bake.group.default!.targets, ['vllm-cu129-runtime']);
  });
});
