// The tag model (when, overrides adding or replacing, shared tags, release
// defaults) and stage bases (an upstream image, a parent's pushed tag, no target).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { BASE_MATRIX, bakeOf, generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';
import { resolveTarget } from '../../src/inspect/resolve-target.ts';
import { generate } from '../../src/generate.ts';
import { permissiveDockerfile } from '../helpers/generate.ts';
import { testdir } from '../helpers/testdir.ts';

const yaml = (m: Partial<MatrixFile>) => ({ 'stack.yaml': matrixYaml(m) });
const runtime = (extra: Partial<NonNullable<MatrixFile['stages']>[string]>): Partial<MatrixFile> => ({
  stages: { ...BASE_MATRIX.stages, runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{version}-{cuda}'], ...extra } },
});

describe('tags', () => {
  test('a tag with `when` applies to the matching combinations only (an alias)', () => {
    const bake = bakeOf(yaml(runtime({ tags: ['{registry}/{framework}:{version}-{cuda}', { tag: '{registry}/{framework}:latest', when: { cuda: 'cu130' } }] })));
    assert.deepEqual(bake.target['vllm-cu130-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu130', '${REGISTRY}/vllm:latest']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu129']);
  });
  test('an override adds tags to the stages it names, or replaces them', () => {
    const bake = bakeOf(yaml({
      ...runtime({}),
      overrides: [
        { when: { framework: 'vllm', cuda: 'cu129' }, stages: ['runtime'], tags: ['{registry}/vllm-openai:{version}'] },
        { when: { framework: 'sglang', cuda: 'cu129' }, stages: ['runtime'], tags: ['{registry}/sglang:special'], replace_tags: true },
      ],
    }));
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu129', '${REGISTRY}/vllm-openai:${VERSION}']);
    assert.deepEqual(bake.target['sglang-cu129-runtime']!.tags, ['${REGISTRY}/sglang:special']);
  });
  test('an override with tags must name its stages', () => {
    const [p] = generateProblems(yaml({ ...runtime({}), overrides: [{ when: { cuda: 'cu129' }, tags: ['{registry}/x:y'] }] }));
    assert.equal(p!.code, 'override-without-stages');
  });
  test('a tag several targets share on purpose is kept out of bake and out of the duplicate check', () => {
    // One manifest list holds one image per platform: the CUDA variants are built for different platforms here.
    const perPlatform = { ...BASE_MATRIX.axes, cuda: { cu129: { args: { CUDA_VERSION: '12.9.1' }, platforms: ['linux/amd64'] as [string] }, cu130: { args: { CUDA_VERSION: '13.0.1' }, platforms: ['linux/arm64'] as [string] } } };
    const sharedTags = runtime({ tags: ['{registry}/{framework}:{version}-{cuda}', { tag: '{registry}/{framework}:{version}', shared: true }] });
    const generated = generateOk(yaml({ ...sharedTags, axes: perPlatform }));
    // The same shared tag over two images of one platform could not be one manifest list: refused.
    assert.equal(generateProblems(yaml(sharedTags))[0]!.code, 'shared-tag-platform');
    assert.deepEqual(generated.plan.bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${VERSION}-cu129']);
    const shared = generated.plan.targets.get('vllm-cu129-runtime')!.tags.filter((t) => t.shared).map((t) => t.bake);
    assert.deepEqual(shared, ['${REGISTRY}/vllm:${VERSION}']);
  });
  test('the same tag on two targets, shared on one only, is an error naming both', () => {
    const [p] = generateProblems(yaml(runtime({ tags: [{ tag: '{registry}/{framework}:{version}', shared: true, when: { cuda: 'cu129' } }, { tag: '{registry}/{framework}:{version}', when: { cuda: 'cu130' } }] })));
    assert.equal(p!.code, 'duplicate-tag');
    assert.match(p!.message, /declared `shared` for target "vllm-cu129-runtime" but not for "vllm-cu130-runtime"/);
  });
  test('tags are compared at their resolved values: a variable and its default written out are one tag', () => {
    const [p] = generateProblems(yaml(runtime({ tags: ['{registry}/{framework}:{version}-{cuda}', { tag: '{registry}/{framework}:latest', when: { cuda: 'cu129' } }, { tag: 'registry.test/demo/{framework}:latest', when: { cuda: 'cu130' } }] })));
    assert.equal(p!.code, 'duplicate-tag');
    assert.match(p!.message, /"vllm-cu129-runtime" and "vllm-cu130-runtime" would both push the tag "registry\.test\/demo\/vllm:latest": "\{registry\}\/\{framework\}:latest" and "registry\.test\/demo\/\{framework\}:latest" are the same reference/);
    assert.equal(p!.pointer, '/stages/runtime/tags/2/tag');
    // another registry written out is another tag
    bakeOf(yaml(runtime({ tags: ['{registry}/{framework}:{version}-{cuda}', { tag: 'other.test/demo/{framework}:latest', when: { cuda: 'cu130' } }, { tag: '{registry}/{framework}:latest', when: { cuda: 'cu129' } }] })));
  });
  test('a tag that is invalid at a variable\'s empty default names the variable and how to set it', () => {
    const [p] = generateProblems(yaml(runtime({ tags: ['{registry}/{framework}:{git_sha}'] })));
    assert.equal(p!.code, 'bad-tag');
    assert.match(p!.message, /when GIT_SHA has its default \(empty\)/);
    assert.match(p!.hint!, /if: git_sha \}`\), or give \{git_sha\} a default \(variables\.git_sha\.default\)/);
  });
  const where = [
    { name: 'it starts the tag: {git_sha-} (a tag cannot start with -)', tag: '{registry}/{framework}:{git_sha}-{cuda}', hint: /write \{git_sha\}- as \{git_sha-\}/ },
    { name: 'it follows other text: {-git_sha}', tag: '{registry}/{framework}-{git_sha}:{cuda}', hint: /write -\{git_sha\} as \{-git_sha\}/ },
    { name: 'it is the whole tag: if:', tag: '{registry}/{framework}:{git_sha}', hint: /\{ tag: "\{registry\}\/\{framework\}:\{git_sha\}", if: git_sha \}/ },
  ];
  for (const w of where) {
    test(`an empty variable in a tag: the fix fits where it stands: ${w.name}`, () => {
      const [p] = generateProblems(yaml(runtime({ tags: [w.tag] })));
      assert.equal(p!.code, 'bad-tag');
      assert.match(p!.hint!, w.hint);
    });
  }
});

describe('stage bases', () => {
  test('an override makes an upstream image the parent of some combinations: docker-image://, no parent stage built', () => {
    const bake = bakeOf(yaml({
      ...runtime({}),
      stages: { ...runtime({}).stages, framework: { target: 'framework', from: 'base', axes: ['framework', 'cuda'], only: { framework: ['vllm'] } } },
      overrides: [{ when: { framework: 'sglang' }, stages: ['runtime'], from: { image: 'lmsysorg/sglang:v0.5.0-{cuda}' } }],
    }));
    assert.equal(bake.target['sglang-cu129-framework'], undefined);
    assert.deepEqual(bake.target['sglang-cu129-runtime']!.contexts, { framework: 'docker-image://lmsysorg/sglang:v0.5.0-cu129' });
    assert.deepEqual(bake.target['sglang-cu129-runtime']!.inherits, ['_common']);
    assert.equal(bake.target['vllm-cu129-runtime']!.contexts!.framework, 'target:vllm-cu129-framework');
  });
  test('a stage on its parent\'s pushed tag: the arg gets the tag, the parent is linked under it', () => {
    const generated = generateOk(yaml({
      stages: {
        base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}', tags: ['{registry}/base:{cuda}'] },
        framework: { target: 'framework', from: { stage: 'base', arg: 'BASE_IMAGE' }, axes: ['framework', 'cuda'] },
      },
    }));
    const t = generated.plan.bake.target['vllm-cu129-framework']!;
    assert.equal(t.args!.BASE_IMAGE, '${REGISTRY}/base:cu129');
    assert.deepEqual(t.contexts, { '${REGISTRY}/base:cu129': 'target:base-cu129' });
  });
  test('a stage on its parent\'s tag keeps its own Dockerfile and named contexts: nothing of the parent\'s reaches it but args and labels', () => {
    const matrix = matrixYaml({
      stages: {
        base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
        framework: { target: 'framework', from: 'base', axes: ['framework', 'cuda'], dockerfile: 'docker/framework.Dockerfile', contexts: { scripts: 'docker' }, secrets: [{ id: 'hf_token', env: 'HF_TOKEN' }], args: { TORCH: '2.9' }, tags: ['{registry}/{framework}-dev:{cuda}'] },
        runtime: { target: 'runtime', from: { stage: 'framework', arg: 'BASE_IMAGE' }, tags: ['{registry}/{framework}:{cuda}'] },
      },
    });
    const dockerfile = permissiveDockerfile([matrix]);
    const r = generate('matrix', testdir({ 'matrix/stack.yaml': matrix, Dockerfile: dockerfile, 'docker/framework.Dockerfile': dockerfile }));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    const generated = r.value;
    const bake = generated.plan.bake;
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.inherits, ['_common']);
    const resolved = resolveTarget(bake, 'vllm-cu129-runtime');
    assert.deepEqual([resolved.context?.value, resolved.dockerfile?.value], ['.', 'Dockerfile']);
    assert.deepEqual(Object.keys(resolved.contexts), ['${REGISTRY}/vllm-dev:cu129']);
    assert.deepEqual(Object.fromEntries(Object.entries(resolved.args).map(([k, v]) => [k, v.value])), { CUDA_VERSION: '12.9.1', ENGINE: 'vllm', TORCH: '2.9', BASE_IMAGE: '${REGISTRY}/vllm-dev:cu129' });
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.secret, ['id=hf_token,env=HF_TOKEN']);
    // the parent itself keeps its paths and its contexts
    assert.deepEqual(resolveTarget(bake, 'vllm-cu129-framework').contexts.scripts?.value, 'docker');
    assert.equal(generated.plan.targets.get('vllm-cu129-framework')!.location!.dockerfilePath, 'docker/framework.Dockerfile');
  });
  describe('a per-value parent: an override\'s `from` names a stage', () => {
    const stages = (from: NonNullable<MatrixFile['overrides']>[number]['from']): Partial<MatrixFile> => ({
      stages: {
        base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
        'sglang-base': { target: 'sglang-base', axes: ['cuda'], name: 'sglang-base-{cuda}', tags: ['{registry}/sglang-base:{cuda}'] },
        framework: { target: 'framework', from: 'base', axes: ['framework', 'cuda'], tags: ['{registry}/{framework}:{cuda}'] },
      },
      overrides: [{ when: { framework: 'sglang' }, stages: ['framework'], from }],
    });
    test('bound as a Dockerfile stage for the matching combinations only', () => {
      const bake = bakeOf(yaml(stages('sglang-base')));
      assert.deepEqual(bake.target['sglang-cu129-framework']!.inherits, ['sglang-base-cu129']);
      assert.deepEqual(bake.target['sglang-cu129-framework']!.contexts, { 'sglang-base': 'target:sglang-base-cu129' });
      assert.deepEqual(bake.target['vllm-cu129-framework']!.inherits, ['base-cu129']);
      assert.deepEqual(bake.target['vllm-cu129-framework']!.contexts, { 'build-base': 'target:base-cu129' });
    });
    test('or linked by its tag (`{stage, arg}`)', () => {
      const bake = bakeOf(yaml(stages({ stage: 'sglang-base', arg: 'BASE_IMAGE' })));
      const t = bake.target['sglang-cu130-framework']!;
      assert.deepEqual([t.inherits, t.args!.BASE_IMAGE, t.contexts], [['_common'], '${REGISTRY}/sglang-base:cu130', { '${REGISTRY}/sglang-base:cu130': 'target:sglang-base-cu130' }]);
      assert.equal(bake.target['vllm-cu130-framework']!.args?.BASE_IMAGE, undefined);
    });
    test('an unknown stage, a stage below, or one with axes the child lacks is an error at the override', () => {
      const [unknown] = generateProblems(yaml(stages('sglang-bse')));
      assert.deepEqual([unknown!.code, unknown!.pointer], ['unknown-stage', '/overrides/0/from']);
      assert.match(unknown!.message, /Did you mean "sglang-base"/);
      const below = stages('runtime');
      below.stages!.runtime = { target: 'runtime', from: 'framework' };
      const cycle = generateProblems(yaml(below)).find((p) => p.code === 'stage-cycle');
      assert.deepEqual([cycle!.code, cycle!.pointer], ['stage-cycle', '/overrides/0/from']);
      const wide = stages({ stage: 'sglang-base', arg: 'BASE_IMAGE' });
      wide.stages!['sglang-base']!.axes = ['cuda', 'python'];
      wide.axes = { ...BASE_MATRIX.axes, python: { '3.12': {} } };
      const [narrow] = generateProblems(yaml(wide));
      assert.deepEqual([narrow!.code, narrow!.pointer], ['axes-narrower-than-parent', '/overrides/0/from/stage']);
    });
  });
  describe('a per-value parent written on the value: `axes.<axis>.<value>.from`', () => {
    const chain = {
      base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
      'sglang-base': { target: 'sglang-base', axes: ['cuda'], name: 'sglang-base-{cuda}', tags: ['{registry}/sglang-base:{cuda}'] },
      framework: { target: 'framework', from: 'base', axes: ['framework', 'cuda'] },
      runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{cuda}'] },
    };
    const withValueFrom = (from: unknown, extra: Partial<MatrixFile> = {}): Partial<MatrixFile> => ({
      axes: { ...BASE_MATRIX.axes, framework: { vllm: { args: { ENGINE: 'vllm' } }, sglang: { args: { ENGINE: 'sglang' }, from } } } as MatrixFile['axes'],
      stages: chain,
      ...extra,
    });
    test('re-parents only the stage where the chain enters the axis, as the override naming it does', () => {
      const bake = bakeOf(yaml(withValueFrom('sglang-base')));
      assert.deepEqual(bake.target['sglang-cu129-framework']!.inherits, ['sglang-base-cu129']);
      assert.deepEqual(bake.target['sglang-cu129-runtime']!.inherits, ['sglang-cu129-framework'], 'runtime still builds on framework');
      assert.deepEqual(bake.target['vllm-cu129-framework']!.inherits, ['base-cu129']);
      const written = bakeOf(yaml({ stages: chain, overrides: [{ when: { framework: 'sglang' }, stages: ['framework'], from: 'sglang-base' }] }));
      assert.deepEqual(bake, written);
    });
    test('`{ stage, arg }` links it by its tag', () => {
      const t = bakeOf(yaml(withValueFrom({ stage: 'sglang-base', arg: 'BASE_IMAGE' }))).target['sglang-cu130-framework']!;
      assert.deepEqual([t.inherits, t.args!.BASE_IMAGE, t.contexts], [['_common'], '${REGISTRY}/sglang-base:cu130', { '${REGISTRY}/sglang-base:cu130': 'target:sglang-base-cu130' }]);
    });
    test('an override naming the stage wins over the value\'s `from`', () => {
      const other = { ...chain, 'sglang-dev': { target: 'sglang-base', axes: ['cuda'], name: 'sglang-dev-{cuda}' } };
      const bake = bakeOf(yaml(withValueFrom('sglang-base', { stages: other, overrides: [{ when: { framework: 'sglang', cuda: 'cu130' }, stages: ['framework'], from: 'sglang-dev' }] })));
      assert.deepEqual([bake.target['sglang-cu129-framework']!.inherits, bake.target['sglang-cu130-framework']!.inherits], [['sglang-base-cu129'], ['sglang-dev-cu130']]);
    });
    const cases: { name: string; matrix: Partial<MatrixFile>; code: string; pointer: string; message: RegExp }[] = [
      { name: 'two chains enter the axis', matrix: withValueFrom('sglang-base', { stages: { ...chain, docs: { target: 'docs', from: 'base', axes: ['framework', 'cuda'] } } }), code: 'value-from-ambiguous', pointer: '/axes/framework/sglang/from', message: /would re-parent "framework" and "docs"/ },
      { name: 'no stage enters the axis', matrix: { axes: { ...BASE_MATRIX.axes, python: { '3.12': { from: 'sglang-base' } } } as MatrixFile['axes'], stages: chain }, code: 'value-from-unused', pointer: '/axes/python/3.12/from', message: /re-parents no stage: no stage other than "sglang-base" and those it builds on varies over "python"/ },
      { name: 'an unknown stage', matrix: withValueFrom('sglang-bse'), code: 'unknown-stage', pointer: '/axes/framework/sglang/from', message: /names "sglang-bse", which is not a stage\. Did you mean "sglang-base"/ },
      { name: 'a parent with an axis the entry stage lacks', matrix: withValueFrom({ stage: 'sglang-base', arg: 'BASE_IMAGE' }, { stages: { ...chain, 'sglang-base': { ...chain['sglang-base'], axes: ['cuda', 'python'] } }, axes: { ...BASE_MATRIX.axes, python: { '3.12': {} }, framework: { vllm: { args: { ENGINE: 'vllm' } }, sglang: { args: { ENGINE: 'sglang' }, from: { stage: 'sglang-base', arg: 'BASE_IMAGE' } } } } as MatrixFile['axes'] }), code: 'axes-narrower-than-parent', pointer: '/axes/framework/sglang/from/stage', message: /The `from` of framework "sglang" makes "sglang-base" the parent of stage "framework"/ },
    ];
    for (const c of cases) {
      test(`refused: ${c.name}`, () => {
        const p = generateProblems(yaml(c.matrix)).find((x) => x.code === c.code);
        assert.ok(p, c.code);
        assert.equal(p.pointer, c.pointer);
        assert.match(p.message, c.message);
      });
    }
  });
  describe('`target` as a template: one stage with an axis instead of one stage per Dockerfile stage', () => {
    const matrix = (target: string, extra: Partial<MatrixFile> = {}) => matrixYaml({
      stages: {
        base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
        engine: { target, from: 'base', axes: ['framework', 'cuda'] },
        runtime: { target: 'runtime', from: 'engine', tags: ['{registry}/{framework}:{cuda}'] },
      },
      ...extra,
    });
    const dockerfile = 'FROM scratch AS build-base\nARG CUDA_VERSION\nFROM build-base AS vllm\nARG ENGINE\nFROM build-base AS sglang\nARG ENGINE\nFROM scratch AS runtime\n';
    const run = (text: string, file = dockerfile) => generate('matrix', testdir({ 'matrix/stack.yaml': text, Dockerfile: file }));
    test('each cell builds its rendered Dockerfile stage, and its children bind it under that name', () => {
      const r = run(matrix('{framework}'));
      assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
      const bake = r.value.plan.bake;
      assert.deepEqual([bake.target['vllm-cu129-engine']!.target, bake.target['sglang-cu130-engine']!.target], ['vllm', 'sglang']);
      assert.deepEqual(bake.target['sglang-cu129-runtime']!.contexts, { 'build-base': 'target:base-cu129', sglang: 'target:sglang-cu129-engine' });
    });
    test('the Dockerfile check follows the template: a rendered name the Dockerfile lacks is an error at the `target` line', () => {
      const r = run(matrix('{framework}'), 'FROM scratch AS build-base\nARG CUDA_VERSION\nFROM build-base AS vllm\nARG ENGINE\nFROM scratch AS runtime\n');
      assert.ok(!r.ok);
      assert.deepEqual([r.problems[0]!.code, r.problems[0]!.pointer], ['unknown-dockerfile-stage', '/stages/engine/target']);
      assert.match(r.problems[0]!.message, /Stage "engine" \(target "\{framework\}", for "sglang-cu129-engine"\) builds the Dockerfile stage "sglang", but Dockerfile has no stage of that name/);
    });
    test('a stage below that builds a rendered name bound above is target-reused, once, where it clashes', () => {
      const text = matrixYaml({
        stages: {
          base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
          engine: { target: '{framework}', from: 'base', axes: ['framework', 'cuda'] },
          runtime: { target: 'vllm', from: 'engine', tags: ['{registry}/{framework}:{cuda}'] },
        },
      });
      const r = run(text, dockerfile + 'FROM scratch AS vllm-runtime\n');
      assert.ok(!r.ok);
      const reused = r.problems.filter((p) => p.code === 'target-reused');
      assert.equal(reused.length, 1, JSON.stringify(r.problems.map((p) => p.message)));
      assert.equal(reused[0]!.pointer, '/stages/runtime/target');
      assert.match(reused[0]!.message, /Stage "runtime" builds the Dockerfile stage "vllm" for "vllm-cu129-runtime", which "vllm-cu129-engine" above it also builds/);
    });
    test('a named context with a rendered name bound above is context-name-taken, in the targets where it clashes', () => {
      const text = matrixYaml({
        stages: {
          base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
          engine: { target: '{framework}', from: 'base', axes: ['framework', 'cuda'] },
          runtime: { target: 'runtime', from: 'engine', contexts: { sglang: 'docker' }, tags: ['{registry}/{framework}:{cuda}'] },
        },
      });
      const r = run(text);
      assert.ok(!r.ok);
      assert.deepEqual(r.problems.map((p) => [p.code, p.pointer]), [['context-name-taken', '/stages/runtime/contexts/sglang']]);
      assert.match(r.problems[0]!.message, /The named context "sglang" of stage "runtime" has the name of the Dockerfile stage that "sglang-cu129-engine" above it builds for "sglang-cu129-runtime"/);
    });
    test('a run-time variable, an axis the stage lacks or a name that is no Dockerfile stage is an error at `target`', () => {
      const cases: [string, string, Partial<MatrixFile>][] = [
        ['{framework}-{version}', 'target-uses-variable', {}],
        ['{framework}-{python}', 'unknown-placeholder', { axes: { ...BASE_MATRIX.axes, python: { '3.12': {} } } }],
        ['{framework.stage}', 'bad-target', { axes: { ...BASE_MATRIX.axes, framework: { vllm: { vars: { stage: 'vllm engine' } }, sglang: { vars: { stage: 'sglang' } } } } }],
      ];
      for (const [target, code, extra] of cases) {
        const r = run(matrix(target, extra));
        assert.ok(!r.ok, target);
        assert.deepEqual([r.problems[0]!.code, r.problems[0]!.pointer], [code, '/stages/engine/target'], target);
      }
    });
  });
  test('a parent without tags cannot be taken by its tag', () => {
    const [p] = generateProblems(yaml({ stages: { base: { target: 'build-base', axes: ['cuda'] }, framework: { target: 'framework', from: { stage: 'base', arg: 'BASE_IMAGE' }, axes: ['framework', 'cuda'] } } }));
    assert.equal(p!.code, 'parent-without-tag');
  });
  test('a stage without target builds the Dockerfile\'s last stage, and cannot be bound as a parent', () => {
    const bake = bakeOf(yaml({ stages: { only: { axes: ['cuda'], tags: ['{registry}/x:{cuda}'] } } }));
    assert.equal(bake.target['cu129-only']!.target, undefined);
    const [p] = generateProblems(yaml({ stages: { base: { axes: ['cuda'] }, app: { target: 'runtime', from: 'base' } } }));
    assert.equal(p!.code, 'parent-without-target');
  });
});
