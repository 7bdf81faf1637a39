// bake takes variables from the environment; in a cache or output entry their
// value lands in buildx's comma-separated options. `run` refuses a value that
// would add an option, before buildx starts, and lets every tag-safe one pass.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unsafeVariableValues } from '../../src/run/variable-values.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker } from './fake-docker.ts';

const bake: BakeFile = {
  target: {
    app: {
      tags: ['${REGISTRY}/app:${VERSION}'],
      'cache-from': ['type=registry,ref=${REGISTRY}/cache:app-${CACHE_BRANCH}', '${CACHE_PR_BASE == "" ? "" : "type=registry,ref=${REGISTRY}/cache:app-${CACHE_PR_BASE}"}'],
      'cache-to': ['type=registry,ref=${REGISTRY}/cache:app-${CACHE_BRANCH},mode=max'],
      output: ['type=image,name=${OUT_NAME}/app,push=true'],
    },
    other: { 'cache-to': ['type=registry,ref=literal/$${NOT_A_VAR}'] },
  },
  variable: { REGISTRY: { default: 'r.test' }, VERSION: { default: 'dev' }, CACHE_BRANCH: { default: 'main' }, CACHE_PR_BASE: { default: '' }, OUT_NAME: { default: 'r.test' }, NOT_A_VAR: { default: '' } },
} as unknown as BakeFile;

describe('unsafeVariableValues', () => {
  const cases: { name: string; env: Record<string, string>; codes: string[]; mentions?: RegExp }[] = [
    { name: 'tag-safe values everywhere', env: { REGISTRY: 'localhost:5000/team', CACHE_BRANCH: 'feature-x.1', CACHE_PR_BASE: 'main', OUT_NAME: 'ghcr.io/o/r', VERSION: '1.0+cu129' }, codes: [] },
    { name: 'unset and empty values', env: { CACHE_PR_BASE: '' }, codes: [] },
    { name: 'a comma in the branch: a second cache exporter', env: { CACHE_BRANCH: 'main,type=local,dest=/home/runner' }, codes: ['unsafe-variable-value'], mentions: /^The environment variable CACHE_BRANCH="main,type=local,dest=\/home\/runner" is used in the cache-from of target "app", .* its ",", "=" characters would/ },
    { name: 'a variable only in a conditional entry', env: { CACHE_PR_BASE: 'x,mode=max' }, codes: ['unsafe-variable-value'], mentions: /CACHE_PR_BASE/ },
    { name: 'a quote in an output name', env: { OUT_NAME: 'r"x' }, codes: ['unsafe-variable-value'], mentions: /OUT_NAME.*output of target "app"/ },
    { name: 'a newline in the registry', env: { REGISTRY: 'r.test\nx' }, codes: ['unsafe-variable-value'], mentions: /"\\n" character/ },
    { name: 'a variable used only in tags is not an option value', env: { VERSION: 'a,b' }, codes: [] },
    { name: 'an escaped $${ is literal text, not a variable', env: { NOT_A_VAR: 'a,b' }, codes: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const problems = unsafeVariableValues(bake, ['app', 'other'], c.env);
      assert.deepEqual(problems.map((p) => p.code), c.codes);
      if (c.mentions) assert.match(problems[0]!.message, c.mentions);
    });
  }
});

describe('run with an unsafe variable value', () => {
  test('exit 2 naming the variable, buildx not started; a safe value builds', async () => {
    const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64', CACHE_BRANCH: 'main,type=local,dest=/tmp/x' });
    const cwd = testdir({
      'bake-matrix.yaml': [
        'name: v',
        'registry: r.test/v',
        'platforms: [linux/amd64]',
        'variables:',
        '  branch: { env: CACHE_BRANCH, default: main }',
        'cache: { ref: "{registry}/cache:{target}-{branch}" }',
        'stages:',
        '  app: { tags: ["{registry}/app:1"] }',
        '',
      ].join('\n'),
      Dockerfile: 'FROM scratch\nCOPY Dockerfile /\n',
    });
    const r = await runCli(['run', 'app'], cwd, docker.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /The environment variable CACHE_BRANCH="main,type=local,dest=\/tmp\/x" is used in the cache-from of target "app", where buildx reads comma-separated options: its ",", "=" characters would change those options\./);
    assert.equal(docker.bakeCall(), undefined);
    const safe = await runCli(['run', 'app'], cwd, { ...docker.env, CACHE_BRANCH: 'feature-1.2' });
    assert.equal(safe.code, 0, safe.stderr);
  });
});
