// {inputs} and {inputs|short} in tags: content tags that stay out of the
// committed bake file, that `hash` and `list` show, and that `run
// --skip-built` pushes and looks up instead of the default inputs-<12 hex>.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { BakeFile } from '../../src/types/bake.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker, STACK } from '../run/fake-docker.ts';

const PLATFORMS = { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' };
const PLAIN = 'tags: ["{registry}/{framework}:{cuda}"]';

/** The run stack with the runtime stage's tags replaced by `tags`. */
function stack(tags: string): string {
  const matrix = STACK['matrix/stack.yaml'];
  assert.ok(matrix.includes(PLAIN));
  return testdir({ ...STACK, 'matrix/stack.yaml': matrix.replace(PLAIN, `tags: ${tags}`) });
}

const WITH_CONTENT = '["{registry}/{framework}:{cuda}", "{registry}/{framework}:{cuda}-{inputs|short}", "{registry}/{framework}:sha-{inputs}"]';

async function hashes(cwd: string, names: string[], env: NodeJS.ProcessEnv = {}) {
  assert.equal((await runCli(['generate'], cwd, env)).code, 0);
  const r = await runCli(['hash', ...names, '--json'], cwd, env);
  assert.equal(r.code, 0, r.stderr);
  return new Map((JSON.parse(r.stdout) as { targets: { name: string; digest: string; contentTag?: string; contentTags?: string[] }[] }).targets.map((t) => [t.name, t]));
}

describe('{inputs} content tags', () => {
  test('the committed bake file holds the other tags only, and no trace of {inputs}', async () => {
    const cwd = stack(WITH_CONTENT);
    assert.equal((await runCli(['generate'], cwd)).code, 0);
    const text = readFileSync(join(cwd, 'bake/docker-bake.json'), 'utf8');
    assert.ok(!/inputs/i.test(text), 'no {inputs}, no BAKE_MATRIX_INPUTS');
    const bake = JSON.parse(text) as BakeFile;
    assert.deepEqual(bake.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:cu129']);
    assert.deepEqual(bake.target['vllm-cu129-dev']!.tags, ['${REGISTRY}/vllm:cu129-dev']);
  });

  test('the bake file does not change when a context file does (the digest does)', async () => {
    const cwd = stack(WITH_CONTENT);
    const before = (await hashes(cwd, ['vllm-cu129-runtime'])).get('vllm-cu129-runtime')!;
    const file = readFileSync(join(cwd, 'bake/docker-bake.json'), 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cwd, 'Dockerfile'), STACK.Dockerfile.replace('echo $ENGINE', 'echo engine=$ENGINE'));
    const after = (await hashes(cwd, ['vllm-cu129-runtime'])).get('vllm-cu129-runtime')!;
    assert.equal(readFileSync(join(cwd, 'bake/docker-bake.json'), 'utf8'), file);
    assert.notEqual(after.digest, before.digest);
    assert.notEqual(after.contentTag, before.contentTag);
  });

  const cases = [
    { name: '{inputs|short}: the first 12 hex digits', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:{cuda}-{inputs|short}"]', tag: (hex: string) => `ghcr.io/example/vllm:cu129-${hex.slice(0, 12)}` },
    { name: '{inputs|short:20}: the first 20', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:{inputs|short:20}"]', tag: (hex: string) => `ghcr.io/example/vllm:${hex.slice(0, 20)}` },
    { name: '{inputs}: all 64', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:sha-{inputs}"]', tag: (hex: string) => `ghcr.io/example/vllm:sha-${hex}` },
    { name: 'a run-time variable in it takes its run-time value', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:{version}-{inputs|short}"]', tag: (hex: string) => `other.test/x/vllm:v9-${hex.slice(0, 12)}`, env: { REGISTRY: 'other.test/x', VERSION: 'v9' } },
    { name: 'an `if:` tag whose variable is empty is left out: the default content tag', tags: '["{registry}/{framework}:{cuda}", { tag: "{registry}/{framework}:rel-{inputs|short}", if: git_sha }]', tag: (hex: string) => `ghcr.io/example/vllm:inputs-${hex.slice(0, 12)}` },
    { name: 'an `if:` tag whose variable is set', tags: '["{registry}/{framework}:{cuda}", { tag: "{registry}/{framework}:rel-{inputs|short}", if: git_sha }]', tag: (hex: string) => `ghcr.io/example/vllm:rel-${hex.slice(0, 12)}`, env: { GIT_SHA: 'abc' } },
  ];
  for (const c of cases) {
    test(`hash: ${c.name}`, async () => {
      const cwd = stack(c.tags);
      const found = await hashes(cwd, ['vllm-cu129'], c.env ?? {});
      const runtime = found.get('vllm-cu129-runtime')!;
      assert.equal(runtime.contentTag, c.tag(runtime.digest.slice('sha256:'.length)));
      const dev = found.get('vllm-cu129-dev')!;
      assert.equal(dev.contentTag, `${c.env?.REGISTRY ?? 'ghcr.io/example'}/vllm:inputs-${dev.digest.slice(7, 19)}`, 'a stage without {inputs} tags keeps the default');
    });
  }

  test('hash --json lists every content tag when there are several; the first is the one looked up', async () => {
    const cwd = stack(WITH_CONTENT);
    const runtime = (await hashes(cwd, ['vllm-cu129-runtime'])).get('vllm-cu129-runtime')!;
    const hex = runtime.digest.slice(7);
    assert.deepEqual(runtime.contentTags, [`ghcr.io/example/vllm:cu129-${hex.slice(0, 12)}`, `ghcr.io/example/vllm:sha-${hex}`]);
    assert.equal(runtime.contentTag, runtime.contentTags![0]);
  });

  test('list shows them with {inputs} as written, marked (content)', async () => {
    const cwd = stack(WITH_CONTENT);
    const r = await runCli(['list', '--where', 'framework=vllm', '--where', 'cuda=cu129'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ghcr\.io\/example\/vllm:cu129, ghcr\.io\/example\/vllm:cu129-\{inputs\|short\} \(content\), ghcr\.io\/example\/vllm:sha-\{inputs\} \(content\)/);
    const json = await runCli(['list', '--where', 'framework=vllm', '--json'], cwd);
    const runtime = (JSON.parse(json.stdout) as { targets: { name: string; tags: { preview: string }[]; contentTags?: string[] }[] }).targets.find((t) => t.name === 'vllm-cu129-runtime')!;
    assert.deepEqual(runtime.tags.map((t) => t.preview), ['ghcr.io/example/vllm:cu129']);
    assert.deepEqual(runtime.contentTags, ['ghcr.io/example/vllm:cu129-{inputs|short}', 'ghcr.io/example/vllm:sha-{inputs}']);
  });

  test('run --skip-built looks the {inputs} tag up and pushes every content tag, not the default one', async () => {
    const cwd = stack(WITH_CONTENT);
    const found = await hashes(cwd, ['vllm-cu129']);
    const runtime = found.get('vllm-cu129-runtime')!;
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129', '--skip-built'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const inspects = docker.calls().filter((c) => c[1] === 'imagetools' && c[2] === 'inspect').map((c) => c[3]).sort();
    assert.deepEqual(inspects, [runtime.contentTag!, found.get('vllm-cu129-dev')!.contentTag!].sort());
    const bake = docker.bakeCall()!;
    const closure = JSON.parse(readFileSync(join(cwd, bake[3]!), 'utf8')) as BakeFile;
    assert.deepEqual(closure.target['vllm-cu129-runtime']!.tags, ['${REGISTRY}/vllm:cu129', ...runtime.contentTags!]);
    assert.ok(!closure.target['vllm-cu129-runtime']!.tags!.some((t) => t.includes(':inputs-')), 'the default content tag is replaced');
    assert.ok(closure.target['vllm-cu129-dev']!.tags!.includes(found.get('vllm-cu129-dev')!.contentTag!));
  });

  test('run --skip-built skips an image whose {inputs} tag exists, also when run reuses the last generation', async () => {
    const cwd = stack(WITH_CONTENT);
    const found = await hashes(cwd, ['vllm-cu129-runtime']);
    const docker = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: found.get('vllm-cu129-runtime')!.contentTag! });
    for (let round = 0; round < 2; round++) {
      const r = await runCli(['run', 'vllm-cu129-runtime', '--skip-built'], cwd, docker.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /skip {3}vllm-cu129-runtime: ghcr\.io\/example\/vllm:cu129-[0-9a-f]{12} exists/);
    }
    assert.equal(docker.bakeCall(), undefined);
  });

  test('with --push, a skipped image gets its other content tags from the digest of the first', async () => {
    const cwd = stack(WITH_CONTENT);
    const runtime = (await hashes(cwd, ['vllm-cu129-runtime'])).get('vllm-cu129-runtime')!;
    const digest = `sha256:${'c'.repeat(64)}`;
    const docker = fakeDocker({ ...PLATFORMS, FAKE_DOCKER_IMAGES: `${runtime.contentTag}=${digest},ghcr.io/example/vllm:cu129=${digest}` });
    const r = await runCli(['run', 'vllm-cu129-runtime', '--skip-built', '--push'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const creates = docker.calls().filter((c) => c[1] === 'imagetools' && c[2] === 'create');
    assert.deepEqual(creates, [['buildx', 'imagetools', 'create', '-t', runtime.contentTags![1]!, `ghcr.io/example/vllm@${digest}`]]);
  });
});

describe('{inputs} misused', () => {
  const cases = [
    { name: 'a filter other than short', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:{inputs|upper}"]', code: 'bad-inputs-placeholder', says: /takes only the filter "short"/ },
    { name: 'an attribute', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:{inputs.x}"]', code: 'bad-inputs-placeholder', says: /has no attributes/ },
    { name: 'an optional segment', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}:x{-inputs}"]', code: 'bad-inputs-placeholder', says: /cannot be an optional segment/ },
    { name: 'shared', tags: '["{registry}/{framework}:{cuda}", { tag: "{registry}/all:{inputs|short}", shared: true }]', code: 'bad-content-tag', says: /cannot be `shared`/ },
    { name: 'no ":" before it', tags: '["{registry}/{framework}:{cuda}", "{registry}/{framework}{inputs|short}"]', code: 'bad-content-tag', says: /must be in the tag/ },
    { name: 'too long a tag', tags: `["{registry}/{framework}:{cuda}", "{registry}/{framework}:${'x'.repeat(70)}{inputs}"]`, code: 'bad-tag', says: /valid image reference/ },
    { name: 'in a name template', tags: '["{registry}/{framework}:{cuda}"]\n    name: "{framework}-{inputs|short}"', code: 'inputs-not-in-tag', says: /can be used in a tag only/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const cwd = stack(c.tags);
      const r = await runCli(['generate', '--json'], cwd);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const problems = (JSON.parse(r.stdout) as { problems: { code: string; message: string }[] }).problems;
      const found = problems.find((p) => p.code === c.code);
      assert.ok(found, JSON.stringify(problems));
      assert.match(found.message, c.says);
    });
  }
});
