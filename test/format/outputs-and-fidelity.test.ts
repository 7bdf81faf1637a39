// What is emitted, as the matrix says it: outputs and annotations per stage
// and override, platforms left to the builder when nothing declares them,
// cache entries in the order written and GitHub Actions cache.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { stringify } from 'yaml';
import { BASE_MATRIX, bakeOf, generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';
import { bakePrint } from '../helpers/bake-print.ts';

const yaml = (m: Partial<MatrixFile>) => ({ 'stack.yaml': matrixYaml(m) });
const stages = BASE_MATRIX.stages!;
const withRuntime = (runtime: Partial<NonNullable<MatrixFile['stages']>[string]>, more: Partial<MatrixFile> = {}) => yaml({ ...more, stages: { ...stages, runtime: { ...stages.runtime!, ...runtime } } });

describe('output and annotations', () => {
  const digest = { type: 'image', name: '{registry}/{framework}', 'push-by-digest': true, 'name-canonical': true, push: true } as const;
  const cases: { name: string; matrix: Record<string, string>; target: string; output?: string[]; annotations?: string[] }[] = [
    {
      name: 'a stage output is written in CSV, options in the order written',
      matrix: withRuntime({ output: [digest] }),
      target: 'vllm-cu129-runtime',
      output: ['type=image,name=${REGISTRY}/vllm,push-by-digest=true,name-canonical=true,push=true'],
    },
    {
      name: 'several outputs, a registry one and a local folder',
      matrix: withRuntime({ output: [{ type: 'registry' }, { type: 'local', dest: 'out/{target}' }] }),
      target: 'sglang-cu130-runtime',
      output: ['type=registry', 'type=local,dest=out/sglang-cu130-runtime'],
    },
    {
      name: 'an override replaces the output of the stages it names, for its combinations',
      matrix: withRuntime({ output: [digest] }, { overrides: [{ when: { framework: 'sglang' }, stages: ['runtime'], output: [{ type: 'docker' }] }] }),
      target: 'sglang-cu129-runtime',
      output: ['type=docker'],
    },
    {
      name: 'annotations: the stage\'s, then an override\'s win key by key; prefixes and templates',
      matrix: withRuntime(
        { annotations: { 'org.opencontainers.image.description': 'The {framework} image', 'index:org.opencontainers.image.version': '{version}' } },
        { overrides: [{ when: { cuda: 'cu130' }, stages: ['runtime'], annotations: { 'org.opencontainers.image.description': 'The {framework} image on CUDA 13' } }] },
      ),
      target: 'vllm-cu130-runtime',
      annotations: ['org.opencontainers.image.description=The vllm image on CUDA 13', 'index:org.opencontainers.image.version=${VERSION}'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const target = bakeOf(c.matrix).target[c.target]!;
      assert.deepEqual(target.output, c.output);
      assert.deepEqual(target.annotations, c.annotations);
    });
  }

  test('the stages built on a stage with an output do not inherit it (bake replaces `output`)', () => {
    const files = yaml({ stages: { ...stages, framework: { ...stages.framework!, output: [{ type: 'cacheonly' }] }, dev: { target: 'dev', from: 'runtime' } } });
    const bake = bakeOf(files);
    assert.deepEqual(bake.target['vllm-cu129-framework']!.output, ['type=cacheonly']);
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.output, []);
    assert.equal(bake.target['vllm-cu129-dev']!.output, undefined, 'its parent already resets it');
    const printed = bakePrint(bake, ['vllm-cu129-dev', 'vllm-cu129-framework']);
    assert.deepEqual(printed.get('vllm-cu129-dev')!.output, []);
    assert.deepEqual(printed.get('vllm-cu129-framework')!.output, ['type=cacheonly']);
  });

  test('without output or annotations, neither is written', () => {
    const target = bakeOf(yaml({})).target['vllm-cu129-runtime']!;
    assert.ok(!('output' in target) && !('annotations' in target));
  });

  const bad: { name: string; matrix: Record<string, string>; code: string; pointer: string; message: RegExp }[] = [
    {
      name: 'an output name that would add exporter options',
      matrix: withRuntime({ output: [{ type: 'image', name: '{registry}/app,dest=/etc' }] }),
      code: 'bad-output',
      pointer: '/stages/runtime/output/0/name',
      message: /The output name "registry\.test\/demo\/app,dest=\/etc" is not an image reference/,
    },
    {
      name: 'an output dest outside the project root',
      matrix: withRuntime({ output: [{ type: 'local', dest: 'out/../../etc' }] }),
      code: 'bad-output',
      pointer: '/stages/runtime/output/0/dest',
      message: /not a path inside the project root/,
    },
    {
      name: 'an override output without stages',
      matrix: yaml({ overrides: [{ when: { framework: 'vllm' }, output: [{ type: 'docker' }], annotations: { a: 'b' } }] }),
      code: 'override-without-stages',
      pointer: '/overrides/0',
      message: /This override sets `output` and `annotations` but names no `stages`/,
    },
    {
      name: 'an annotation with an unknown prefix',
      matrix: withRuntime({ annotations: { 'layer:org.x': 'y' } }),
      code: 'bad-format',
      pointer: '/stages/runtime/annotations/layer:org.x',
      message: /Key "layer:org\.x" in "stages\.runtime\.annotations" has the wrong form \(an annotation name such as org\.opencontainers\.image\.description, optionally after index:/,
    },
  ];
  for (const c of bad) {
    test(`refused: ${c.name}`, () => {
      const [p] = generateProblems(c.matrix);
      assert.equal(p!.code, c.code, p!.message);
      assert.equal(p!.pointer, c.pointer);
      assert.match(p!.message, c.message);
    });
  }
});

describe('platforms left to the builder when nothing declares them', () => {
  const { platforms: _platforms, ...undeclared } = BASE_MATRIX;
  const files = (m: Partial<MatrixFile>) => ({ 'stack.yaml': stringify({ ...undeclared, ...m }) });
  test('no `platforms` anywhere: no target writes it (bake builds for the builder\'s platform)', () => {
    const generated = generateOk(files({}));
    for (const [name, target] of Object.entries(generated.plan.bake.target)) assert.ok(!('platforms' in target), `${name} writes no platforms`);
    assert.deepEqual(generated.plan.targets.get('vllm-cu129-runtime')!.platforms, []);
    assert.deepEqual(bakePrint(generated.plan.bake, ['vllm-cu129-runtime']).get('vllm-cu129-runtime')!.platforms, []);
  });
  const declared: { name: string; matrix: Partial<MatrixFile>; target: string; platforms: string[] }[] = [
    { name: 'on the matrix', matrix: { platforms: ['linux/arm64'] }, target: 'base-cu129', platforms: ['linux/arm64'] },
    { name: 'on a stage: every target writes them (the default for the others)', matrix: { stages: { ...stages, runtime: { ...stages.runtime!, platforms: ['linux/amd64'] } } }, target: 'base-cu129', platforms: ['linux/amd64'] },
    { name: 'on a value', matrix: { axes: { ...BASE_MATRIX.axes, framework: { vllm: { platforms: ['linux/amd64'] }, sglang: {} } } }, target: 'vllm-cu129-runtime', platforms: ['linux/amd64'] },
    { name: 'by an exclude', matrix: { exclude: [{ framework: 'sglang', platforms: ['linux/arm64'] }] }, target: 'vllm-cu129-runtime', platforms: ['linux/amd64'] },
  ];
  for (const c of declared) {
    test(`declared ${c.name}: written as before`, () => {
      assert.deepEqual(bakeOf(files(c.matrix)).target[c.target]!.platforms, c.platforms);
    });
  }
});

describe('cache entries: order as written, GitHub Actions cache, one writer', () => {
  const own = (m: Partial<MatrixFile>) => bakeOf(yaml(m)).target['vllm-cu129-runtime']!;
  const cases: { name: string; cache: NonNullable<MatrixFile['cache']>; from: string[]; to: string[] }[] = [
    {
      name: 'the own ref first, then the fallbacks and the extra refs',
      cache: { ref: '{registry}/cache:{target}', fallback: ['{registry}/cache:{target}-main'], to: ['{registry}/cache:{target}-{version}'], compression: 'none', 'ignore-error': false },
      from: ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime', 'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-main'],
      to: ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime,mode=max', 'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-${VERSION},mode=max'],
    },
    {
      name: 'a list that names the own ref places it: the user\'s extra ref comes first',
      cache: { ref: '{registry}/cache:{target}', fallback: ['{registry}/cache:{target}-main', '{registry}/cache:{target}'], to: ['{registry}/cache:{target}-{version}', '{registry}/cache:{target}'], compression: 'none', 'ignore-error': false },
      from: ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-main', 'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime'],
      to: ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime-${VERSION},mode=max', 'type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime,mode=max'],
    },
    {
      name: 'a GitHub Actions cache alone, its scope a template (mode and ignore-error only)',
      cache: { gha: '{target}' },
      from: ['type=gha,scope=vllm-cu129-runtime'],
      to: ['type=gha,scope=vllm-cu129-runtime,mode=max,ignore-error=true'],
    },
    {
      name: 'beside registry cache, with a fallback scope (an entry with its option)',
      cache: { ref: '{registry}/cache:{target}', gha: '{target}-{version}', fallback: [{ gha: '{target}-main' }], compression: 'none', 'ignore-error': false },
      from: ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime', 'type=gha,scope=vllm-cu129-runtime-${VERSION}', 'type=gha,scope=vllm-cu129-runtime-main'],
      to: ['type=registry,ref=${REGISTRY}/cache:vllm-cu129-runtime,mode=max', 'type=gha,scope=vllm-cu129-runtime-${VERSION},mode=max'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const target = own({ cache: c.cache });
      assert.deepEqual(target['cache-from'], c.from);
      assert.deepEqual(target['cache-to'], c.to);
    });
  }

  test('a GitHub Actions scope per platform: {target} is each per-platform target\'s own name', () => {
    const bake = bakeOf(yaml({ cache: { gha: '{target}' }, ci: { runners: { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' } } }));
    assert.deepEqual(bake.target['vllm-cu129-runtime-arm64']!['cache-to'], ['type=gha,scope=vllm-cu129-runtime-arm64,mode=max,ignore-error=true']);
    assert.deepEqual(bake.target['vllm-cu129-runtime-amd64']!['cache-to'], ['type=gha,scope=vllm-cu129-runtime-amd64,mode=max,ignore-error=true']);
  });

  test('a scope without {target} that the per-platform targets of one build would share is refused', () => {
    const runtime = { ...stages.runtime!, cache: { gha: '{framework}-{cuda}' } };
    const [p] = generateProblems(yaml({ stages: { ...stages, runtime }, ci: { runners: { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' } } }));
    assert.equal(p!.code, 'cache-ref-collision', p!.message);
    assert.match(p!.message, /would both write the GitHub Actions cache scope "vllm-cu129": each build would overwrite the cache of the other/);
    assert.match(p!.hint!, /ref or scope/);
  });

  test('a cache ref without {target} is accepted when one target writes it', () => {
    const target = own({ stages: { ...stages, runtime: { ...stages.runtime!, cache: { ref: '{registry}/cache:{framework}-{cuda}' } } } });
    assert.deepEqual(target['cache-to'], ['type=registry,ref=${REGISTRY}/cache:vllm-cu129,mode=max,compression=zstd,ignore-error=true']);
  });

  const bad: { name: string; cache: NonNullable<MatrixFile['cache']>; code: string; pointer: string; message: RegExp }[] = [
    { name: 'a ref without {target} that two targets write', cache: { ref: '{registry}/cache:{cuda}' }, code: 'cache-ref-collision', pointer: '/cache/ref', message: /would both write the cache ref "\$\{REGISTRY\}\/cache:cu129"/ },
    { name: 'a scope two targets write', cache: { gha: 'shared' }, code: 'cache-ref-collision', pointer: '/cache/gha', message: /would both write the GitHub Actions cache scope "shared"/ },
    { name: 'a scope that would add options', cache: { gha: '{target},url=http://evil' }, code: 'bad-cache-scope', pointer: '/cache/gha', message: /The GitHub Actions cache scope "base-cu129,url=http:\/\/evil" is not a plain name/ },
    { name: 'neither ref nor gha', cache: { mode: 'min' }, code: 'cache-without-ref', pointer: '/cache', message: /The cache has no `ref` .* and no `gha`/ },
  ];
  for (const c of bad) {
    test(`refused: ${c.name}`, () => {
      const [p] = generateProblems(yaml({ cache: c.cache }));
      assert.equal(p!.code, c.code, p!.message);
      assert.equal(p!.pointer, c.pointer);
      assert.match(p!.message, c.message);
    });
  }
});

describe('tags: a whole run-time variable, short:N, a list attribute', () => {
  test('{git_sha|short:12} keeps 12 characters, in bake (substr) and at the default', () => {
    const bake = bakeOf(withRuntime({ tags: ['{registry}/{framework}:{git_sha|short:12}-{cuda}'] }, { variables: { git_sha: { default: '0123456789abcdef' } } }));
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:${substr(GIT_SHA, 0, 12)}-cu129']);
    const printed = bakePrint(bake, ['vllm-cu129-runtime']).get('vllm-cu129-runtime')!;
    assert.deepEqual(printed.tags, ['registry.test/demo/vllm:0123456789ab-cu129']);
  });
  test('short:N out of range, or a number on a filter that takes none, is an unknown filter', () => {
    for (const filter of ['short:0', 'short:65', 'lower:3']) {
      const [p] = generateProblems(withRuntime({ tags: [`{registry}/{framework}:{git_sha|${filter}}`] }, { variables: { git_sha: { default: 'abc' } } }));
      assert.equal(p!.code, 'unknown-filter', `${filter}: ${p!.message}`);
    }
  });
  test('a list attribute writes a tag once per element (aliases), filters applied', () => {
    const axes = { ...BASE_MATRIX.axes, framework: { vllm: { vars: { aliases: ['0.21.0', '0.21', 'Latest'] } }, sglang: { vars: { aliases: ['0.6.2'] } } } } as MatrixFile['axes'];
    const bake = bakeOf(withRuntime({ tags: ['{registry}/{framework}:{framework.aliases|lower}-{cuda}'] }, { axes }));
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:0.21.0-cu129', '${REGISTRY}/vllm:0.21-cu129', '${REGISTRY}/vllm:latest-cu129']);
    assert.deepEqual(bake.target['sglang-cu130-runtime']!.tags, ['${REGISTRY}/sglang:0.6.2-cu130']);
  });
  test('every placeholder of one list attribute takes the same element; a second list attribute in one tag is list-var', () => {
    const axes = {
      ...BASE_MATRIX.axes,
      framework: { vllm: { vars: { aliases: ['0.21.0', '1.2.3'] } }, sglang: { vars: { aliases: ['0.6.2'] } } },
      cuda: { cu129: { vars: { names: ['a', 'b'] } }, cu130: { vars: { names: ['c'] } } },
    } as MatrixFile['axes'];
    const bake = bakeOf(withRuntime({ tags: ['{registry}/{framework}:{framework.aliases}-m{framework.aliases|major}-{cuda}'] }, { axes }));
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:0.21.0-m0-cu129', '${REGISTRY}/vllm:1.2.3-m1-cu129']);
    const [p] = generateProblems(withRuntime({ tags: ['{registry}/{framework}:{framework.aliases}-{cuda.names}'] }, { axes }));
    assert.equal(p!.code, 'list-var');
    assert.match(p!.hint!, /one list attribute per tag/);
  });
  test('a list attribute outside a tag is an error naming it', () => {
    const axes = { ...BASE_MATRIX.axes, framework: { vllm: { vars: { aliases: ['0.21.0', '0.21'] } }, sglang: { vars: { aliases: ['0.6.2'] } } } } as MatrixFile['axes'];
    const [p] = generateProblems(withRuntime({ args: { ALIAS: '{framework.aliases}' } }, { axes }));
    assert.equal(p!.code, 'list-var');
    assert.match(p!.message, /`vars\.aliases` of framework "(vllm|sglang)" is a list \(.*\), which only a tag can use/);
  });
  test('a tag that is a whole run-time variable is accepted when its default is a reference, also pushed by digest per platform', () => {
    const variables = { image_tag: { default: 'ghcr.io/example/app:dev' } };
    const matrix = { variables, ci: { runners: { 'linux/amd64': 'ubuntu-24.04', 'linux/arm64': 'ubuntu-24.04-arm' } }, stages: { ...stages, runtime: { ...stages.runtime!, only: { framework: ['vllm'], cuda: ['cu129'] }, tags: ['{image_tag}'] } } } as Partial<MatrixFile>;
    const bake = bakeOf(yaml(matrix));
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${IMAGE_TAG}']);
    assert.deepEqual(bake.target['vllm-cu129-runtime-arm64']!.output, ['type=image,name=${regex_replace(regex_replace(IMAGE_TAG, "@.*$", ""), ":[^:/]*$", "")},push-by-digest=true,name-canonical=true']);
    const printed = bakePrint(bake, ['vllm-cu129-runtime-arm64'], { IMAGE_TAG: 'registry.test/x/app:1.2' }).get('vllm-cu129-runtime-arm64')!;
    assert.deepEqual(printed.output, ['type=image,name=registry.test/x/app,push-by-digest=true,name-canonical=true']);
    const [p] = generateProblems(yaml({ ...matrix, variables: { image_tag: { default: 'Not A Reference' } } }));
    assert.equal(p!.code, 'bad-tag');
  });
});
