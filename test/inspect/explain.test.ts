import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ExplainedSetting, GroupExplanation, TargetExplanation } from '../../src/inspect/explain.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtureProject } from './fixture.ts';

const root = fixtureProject();
const explainJson = async (name: string): Promise<TargetExplanation> => {
  const run = await runCli(['explain', name, '--json'], root);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as TargetExplanation;
};
const where = (s: ExplainedSetting) => `${s.source.file}:${s.source.line}`;

describe('explain: where each arg comes from', () => {
  // Line numbers refer to fixture.ts: STACK_YAML and VALUES_TOML.
  const cases = [
    { name: 'matrix-level arg (YAML), inherited from _common', target: 'one-c2-app', key: 'PYTHON_VERSION', value: '3.12', at: 'matrix/stack.yaml:6', level: '(matrix)', setIn: '_common' },
    { name: 'stage arg of the parent stage, inherited from it', target: 'one-c2-app', key: 'BASE_ONLY', value: 'yes', at: 'matrix/stack.yaml:13', level: 'stages.base', setIn: 'base-c2' },
    { name: 'axis value arg in a TOML file, set on the parent', target: 'one-c2-app', key: 'CUDA_VERSION', value: '2.0', at: 'matrix/values.toml:5', level: 'axes.cuda.c2', setIn: 'base-c2' },
    { name: 'axis value arg in a TOML file, set here', target: 'one-c2-app', key: 'ENGINE', value: 'one', at: 'matrix/values.toml:8', level: 'axes.engine.one', setIn: 'one-c2-app' },
    { name: 'override arg', target: 'one-c2-app', key: 'PATCH', value: '1', at: 'matrix/stack.yaml:29', level: 'overrides.0', setIn: 'one-c2-app' },
    { name: 'the other CUDA value, another TOML line', target: 'two-c1-app', key: 'CUDA_VERSION', value: '1.0', at: 'matrix/values.toml:2', level: 'axes.cuda.c1', setIn: 'base-c1' },
    { name: 'layer arg', target: 'deps-c1', key: 'DEPS_URL', value: 'https://example.com/c1', at: 'matrix/stack.yaml:25', level: 'stages.app.layers.deps', setIn: 'deps-c1' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const e = await explainJson(c.target);
      const arg = e.args.find((a) => a.key === c.key);
      assert.ok(arg, `${c.key} in ${e.args.map((a) => a.key).join()}`);
      assert.equal(arg.value, c.value);
      assert.equal(where(arg), c.at);
      assert.equal(arg.level, c.level);
      assert.equal(arg.setIn, c.setIn);
      assert.equal(arg.inherited, c.setIn !== c.target);
    });
  }

  test('an override that does not select the target does not reach it', async () => {
    const e = await explainJson('two-c2-app');
    assert.equal(e.args.find((a) => a.key === 'PATCH'), undefined);
  });

  test('the text form names file:line:col, level and the target that sets it', async () => {
    const run = await runCli(['explain', 'one-c2-app'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ {2}PATCH\s+1\s+matrix\/stack\.yaml:29:7\s+overrides\.0\s+here$/m);
    assert.match(run.stdout, /^ {2}CUDA_VERSION\s+2\.0\s+matrix\/values\.toml:5:10\s+axes\.cuda\.c2\s+inherited from base-c2$/m);
    assert.match(run.stdout, /^ {2}org\.example\.title\s+one-c2-app\s+matrix\/stack\.yaml:31:3\s+\(matrix\)\s+here$/m);
    assert.match(run.stdout, /^ {2}inherits\s+base-c2 -> _common$/m);
  });
});

describe('explain: the rest of a target', () => {
  test('chain, contexts, layers, tags, cache and variables of a stage target', async () => {
    const e = await explainJson('one-c2-app');
    assert.deepEqual(e.chain, ['one-c2-app', 'base-c2', '_common']);
    assert.deepEqual(
      e.contexts.map((c) => [c.name, c.value, c.kind]),
      [
        ['base', 'target:base-c2', 'stage'],
        ['deps', 'target:deps-c2', 'layer'],
      ],
    );
    assert.deepEqual(e.layers, ['deps-c2']);
    assert.deepEqual(e.tags.map(({ derived, ...t }) => t), [{ value: '${REGISTRY}/one:${VERSION}-c2', preview: 'ghcr.io/fx/one:dev-c2', source: { file: 'matrix/stack.yaml', line: 18, col: 12, path: 'stages.app.tags.0' }, shared: false }]);
    assert.deepEqual(e.tags[0]!.derived.map((d) => `${d.placeholder} <- ${d.what}`), ['{registry} <- variable REGISTRY', '{engine} <- engine "one"', '{version} <- variable VERSION', '{cuda} <- cuda "c2"']);
    // bake appends cache-from down the inherits chain; cache-to is replaced.
    assert.deepEqual(e.cacheFrom.map((r) => [r.preview, r.setIn]), [
      ['type=registry,ref=ghcr.io/fx/cache:base-c2', 'base-c2'],
      ['type=registry,ref=ghcr.io/fx/cache:one-c2-app', 'one-c2-app'],
    ]);
    assert.deepEqual(e.cacheTo.map((r) => r.setIn), ['one-c2-app']);
    assert.deepEqual(e.variables, [{ name: 'REGISTRY', default: 'ghcr.io/fx' }, { name: 'VERSION', default: 'dev' }]);
    assert.deepEqual(e.build, { dockerfile: 'Dockerfile', context: '.', target: 'app' });
    assert.deepEqual(e.groups.sort(), ['app', 'c2', 'default', 'one']);
  });

  test('a layer names the targets that bind it', async () => {
    const e = await explainJson('deps-c1');
    assert.equal(e.type, 'layer');
    assert.equal(e.layer, 'deps');
    assert.deepEqual(e.usedBy, ['one-c1-app', 'two-c1-app']);
    assert.deepEqual(e.chain, ['deps-c1', 'base-c1', '_common']);
    assert.deepEqual(e.contexts.map((c) => [c.name, c.target]), [['base', 'base-c1']]);
    const text = (await runCli(['explain', 'deps-c1'], root)).stdout;
    assert.match(text, /^deps-c1: layer "deps" of stage "app", cuda=c1$/m);
    assert.match(text, /^ {2}used by\s+one-c1-app, two-c1-app$/m);
  });
});

describe('explain: names that are no target', () => {
  test('a group lists its targets and suggests explaining one', async () => {
    const run = await runCli(['explain', 'c1'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^c1 is a group \(the cuda "c1", matrix\/values\.toml:1:\d+\) of 2 targets:$/m);
    assert.match(run.stdout, /^ {2}one-c1-app\n {2}two-c1-app$/m);
    assert.match(run.stdout, /bake-matrix explain one-c1-app/);
    const json = JSON.parse((await runCli(['explain', 'c1', '--json'], root)).stdout) as GroupExplanation;
    assert.deepEqual([json.kind, json.targets], ['group', ['one-c1-app', 'two-c1-app']]);
  });

  test('an unknown target exits 2 and suggests close names', async () => {
    const run = await runCli(['explain', 'one-c3-app'], root);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /no target or group "one-c3-app"\. Did you mean "one-c1-app" or "one-c2-app"/);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'no stack trace');
    const json = await runCli(['explain', 'one-c3-app', '--json'], root);
    assert.equal(json.code, 2);
    const problems = (JSON.parse(json.stdout) as { problems: { code: string; suggestions: string[] }[] }).problems;
    assert.equal(problems[0]?.code, 'unknown-target');
    assert.ok(problems[0]?.suggestions.includes('one-c2-app'));
  });

  test('no name is a usage error', async () => {
    const run = await runCli(['explain'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /explain needs a target or group name/);
  });
});

describe('explain: a per-platform target', () => {
  test('names its platform and target, has no tags (pushed by digest), and links the same platform', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = await runCli(['explain', 'vllm-cu129-runtime-arm64', '--json'], root);
    assert.equal(run.code, 0, run.stderr);
    const e = JSON.parse(run.stdout);
    assert.deepEqual(e.platformOf, { target: 'vllm-cu129-runtime', platform: 'linux/arm64' });
    assert.deepEqual(e.tags, []);
    assert.deepEqual(e.platforms, ['linux/arm64']);
    assert.ok(e.contexts.every((c: { value: string }) => c.value.endsWith('-arm64')), JSON.stringify(e.contexts));
    assert.ok(e.groups.includes('vllm-cu129-arm64'));
  });
});
