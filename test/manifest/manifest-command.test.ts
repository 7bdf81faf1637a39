// `bake-matrix manifest`: one `imagetools create` per image with every final
// tag and one digest per platform, from the per-platform builds' metadata
// files; run through the stand-in docker, which records argv.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker } from '../run/fake-docker.ts';
import { CI_DOCKERFILE, CI_STACK, SHARED_TAG_STACK } from '../ci/stack.ts';

const digestOf = (target: string) => 'sha256:' + createHash('sha256').update(target).digest('hex');

/** A metadata file as buildx v0.10.4 writes it for a push by digest (captured, digests made up). */
function writeMetadata(dir: string, file: string, targets: Record<string, string>): void {
  const doc: Record<string, unknown> = { 'buildx.build.warnings': [] };
  for (const [target, repository] of Object.entries(targets)) {
    doc[target] = {
      'buildx.build.ref': `bm-v010/bm-v0100/${target}`,
      'containerimage.descriptor': { mediaType: 'application/vnd.oci.image.index.v1+json', digest: digestOf(target), size: 855 },
      'containerimage.digest': digestOf(target),
      'image.name': repository,
    };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify(doc, null, 2));
}

/** The metadata of the CI jobs of CI_STACK: one file per (framework x cuda, platform) job, as downloaded artifacts. */
function ciMetadata(root: string, skip: string[] = []): string {
  const dir = join(root, 'metadata');
  for (const framework of ['vllm', 'sglang']) {
    for (const cuda of ['cu129', 'cu130']) {
      for (const arch of ['amd64', 'arm64']) {
        const target = `${framework}-${cuda}-runtime-${arch}`;
        if (skip.includes(target)) continue;
        writeMetadata(join(dir, `metadata-1-${target}`), 'metadata.json', { [`base-${cuda}-${arch}`]: '', [target]: `localhost:5000/ci/${framework}` });
      }
    }
  }
  return dir;
}

const create = (tags: string[], targets: string[], repository: string) => ['docker', 'buildx', 'imagetools', 'create', ...tags.flatMap((t) => ['-t', t]), ...targets.map((t) => `${repository}@${digestOf(t)}`)];

describe('bake-matrix manifest', () => {
  const root = testdir({ 'matrix/stack.yaml': CI_STACK, Dockerfile: CI_DOCKERFILE });
  ciMetadata(root);

  test('--dry-run prints one imagetools create per image: every final tag, one digest per platform', async () => {
    const run = await runCli(['manifest', 'vllm-cu129', 'sglang', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      create(['localhost:5000/ci/vllm:dev-cu129'], ['vllm-cu129-runtime-amd64', 'vllm-cu129-runtime-arm64'], 'localhost:5000/ci/vllm').join(' '),
      create(['localhost:5000/ci/sglang:dev-cu129'], ['sglang-cu129-runtime-amd64', 'sglang-cu129-runtime-arm64'], 'localhost:5000/ci/sglang').join(' '),
      create(['localhost:5000/ci/sglang:dev-cu130'], ['sglang-cu130-runtime-amd64', 'sglang-cu130-runtime-arm64'], 'localhost:5000/ci/sglang').join(' '),
    ]);
    assert.match(run.stdout, /3 manifest lists; nothing was run \(--dry-run\)/);
  });

  test('the tags are computed from the environment, as bake computes them: release tags only with RELEASE_VERSION', async () => {
    // The build jobs ran with the same REGISTRY: they pushed to ghcr.io/acme/vllm.
    for (const arch of ['amd64', 'arm64']) writeMetadata(join(root, 'acme'), `${arch}.json`, { [`vllm-cu130-runtime-${arch}`]: 'ghcr.io/acme/vllm' });
    const run = await runCli(['manifest', 'vllm-cu130', '--metadata', 'acme', '--dry-run'], root, { REGISTRY: 'ghcr.io/acme', VERSION: 'main', RELEASE_VERSION: '1.4.0' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split('\n')[0], create(['ghcr.io/acme/vllm:main-cu130', 'ghcr.io/acme/vllm:1.4.0-cu130'], ['vllm-cu130-runtime-amd64', 'vllm-cu130-runtime-arm64'], 'ghcr.io/acme/vllm').join(' '));
  });

  test('a missing platform is an error naming it, before anything runs (exit 2)', async () => {
    const dir = testdir({ 'matrix/stack.yaml': CI_STACK, Dockerfile: CI_DOCKERFILE });
    ciMetadata(dir, ['vllm-cu130-runtime-arm64']);
    const docker = fakeDocker();
    const run = await runCli(['manifest', 'default', '--metadata', 'metadata'], dir, docker.env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No digest for 1 image platform: vllm-cu130-runtime: linux\/arm64 \(vllm-cu130-runtime-arm64\)\./);
    assert.match(run.stderr, /Read from: metadata\/metadata-1-sglang-cu129-runtime-amd64\/metadata.json, /);
    assert.deepEqual(docker.calls(), []);
  });

  test('runs the commands through docker, argv only, and summarises', async () => {
    const docker = fakeDocker();
    const summary = join(docker.dir, 'summary.md');
    const run = await runCli(['manifest', 'vllm', '--metadata', 'metadata'], root, { ...docker.env, GITHUB_STEP_SUMMARY: summary });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(docker.calls(), [
      ['buildx', 'version'],
      create(['localhost:5000/ci/vllm:dev-cu129'], ['vllm-cu129-runtime-amd64', 'vllm-cu129-runtime-arm64'], 'localhost:5000/ci/vllm').slice(1),
      create(['localhost:5000/ci/vllm:dev-cu130'], ['vllm-cu130-runtime-amd64', 'vllm-cu130-runtime-arm64'], 'localhost:5000/ci/vllm').slice(1),
    ]);
    assert.match(run.stderr, /bake-matrix manifest: 2 of 2 manifest lists created/);
    assert.match(readFileSync(summary, 'utf8'), /\| `vllm-cu129-runtime` \| `localhost:5000\/ci\/vllm:dev-cu129` \| linux\/amd64 `sha256:/);
  });

  test('a failed imagetools create fails the command (exit 1) after the others ran', async () => {
    const docker = fakeDocker({ FAKE_DOCKER_IMAGETOOLS_FAIL: 'localhost:5000/ci/vllm:dev-cu129' });
    const run = await runCli(['manifest', 'vllm', '--metadata', 'metadata'], root, docker.env);
    assert.equal(run.code, 1);
    assert.equal(docker.calls().length, 3);
    assert.match(run.stderr, /1 of 2 manifest lists created/);
    assert.match(run.stderr, /failed \(exit 1\)  vllm-cu129-runtime/);
  });

  test('metadata files may be named one by one', async () => {
    const run = await runCli(['manifest', 'vllm-cu129', '--dry-run', '--metadata', 'metadata/metadata-1-vllm-cu129-runtime-amd64/metadata.json', '--metadata-file', 'metadata/metadata-1-vllm-cu129-runtime-arm64/metadata.json'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split('\n')[0], create(['localhost:5000/ci/vllm:dev-cu129'], ['vllm-cu129-runtime-amd64', 'vllm-cu129-runtime-arm64'], 'localhost:5000/ci/vllm').join(' '));
  });

  // CI passes $RUNNER_TEMP/...: every path option takes an absolute path as well as one relative to the working directory.
  const paths = [
    { name: '--metadata <relative folder>', args: () => ['--metadata', 'metadata'] },
    { name: '--metadata <absolute folder>', args: () => ['--metadata', join(root, 'metadata')] },
    { name: '--metadata-file <relative file>', args: () => ['--metadata-file', 'metadata/metadata-1-vllm-cu129-runtime-amd64/metadata.json', '--metadata-file', 'metadata/metadata-1-vllm-cu129-runtime-arm64/metadata.json'] },
    { name: '--metadata-file <absolute file>', args: () => ['--metadata-file', join(root, 'metadata/metadata-1-vllm-cu129-runtime-amd64/metadata.json'), '--metadata', join(root, 'metadata/metadata-1-vllm-cu129-runtime-arm64/metadata.json')] },
    { name: '--matrix <relative folder>', args: () => ['--matrix', 'matrix', '--metadata', 'metadata'] },
    { name: '--matrix <absolute folder>', args: () => ['--matrix', join(root, 'matrix'), '--metadata', 'metadata'] },
  ];
  for (const p of paths) {
    test(`path option: ${p.name}`, async () => {
      const run = await runCli(['manifest', 'vllm-cu129', '--dry-run', ...p.args()], root);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.split('\n')[0], create(['localhost:5000/ci/vllm:dev-cu129'], ['vllm-cu129-runtime-amd64', 'vllm-cu129-runtime-arm64'], 'localhost:5000/ci/vllm').join(' '));
    });
  }

  test('an absolute --metadata folder from another working directory; a missing platform names its files by their absolute paths', async () => {
    const elsewhere = testdir({ 'matrix/stack.yaml': CI_STACK, Dockerfile: CI_DOCKERFILE });
    const runnerTemp = testdir({});
    ciMetadata(runnerTemp, ['sglang-cu130-runtime-arm64']);
    const ok = await runCli(['manifest', 'vllm', '--dry-run', '--metadata', join(runnerTemp, 'metadata')], elsewhere);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /2 manifest lists; nothing was run/);
    const missing = await runCli(['manifest', 'sglang', '--dry-run', '--metadata', join(runnerTemp, 'metadata')], elsewhere);
    assert.equal(missing.code, 2);
    assert.ok(missing.stderr.includes(`Read from: ${join(runnerTemp, 'metadata/metadata-1-sglang-cu129-runtime-amd64/metadata.json')}, `), missing.stderr);
  });

  const usage = [
    { name: 'no metadata', args: ['manifest', 'default', '--dry-run'], message: /--metadata <file\|folder>/ },
    { name: 'a metadata folder that does not exist', args: ['manifest', '--metadata', 'nowhere', '--dry-run'], message: /nowhere does not exist/ },
    { name: 'a per-platform name', args: ['manifest', 'vllm-cu129-runtime-arm64', '--metadata', 'metadata', '--dry-run'], message: /"vllm-cu129-runtime-arm64" is a per-platform name; `bake-matrix manifest` takes "vllm-cu129-runtime"/ },
  ];
  for (const u of usage) {
    test(`exit 2: ${u.name}`, async () => {
      const run = await runCli(u.args, root);
      assert.equal(run.code, 2);
      assert.match(run.stderr, u.message);
    });
  }
});

describe('bake-matrix manifest: shared tags', () => {
  // One image per platform behind one tag: flavor x86 is amd64 only, arm is arm64 only.
  const SHARED = SHARED_TAG_STACK;
  const root = testdir({ 'matrix/stack.yaml': SHARED, Dockerfile: CI_DOCKERFILE });
  writeMetadata(join(root, 'metadata'), 'x86.json', { 'x86-runtime-amd64': 'localhost:5000/sh/app' });
  writeMetadata(join(root, 'metadata'), 'arm.json', { 'arm-runtime-arm64': 'localhost:5000/sh/app' });

  test('a shared tag becomes one manifest list from the digests of every image that carries it', async () => {
    const run = await runCli(['manifest', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(0, 3), [
      create(['localhost:5000/sh/app:dev-x86'], ['x86-runtime-amd64'], 'localhost:5000/sh/app').join(' '),
      create(['localhost:5000/sh/app:dev-arm'], ['arm-runtime-arm64'], 'localhost:5000/sh/app').join(' '),
      create(['localhost:5000/sh/app:dev'], ['x86-runtime-amd64', 'arm-runtime-arm64'], 'localhost:5000/sh/app').join(' '),
    ]);
  });

  test('a shared tag whose other images are not named is an error', async () => {
    const run = await runCli(['manifest', 'x86-runtime', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /The shared tag "localhost:5000\/sh\/app:dev" also stands for arm-runtime, which is not among the names/);
  });

  test('a shared tag is judged by its own entry, also after a release-only shared tag left out', async () => {
    const withRelease = SHARED.replace('stages:', 'variables: { release: { env: RELEASE_VERSION } }\nstages:').replace(
      '{ tag: "{registry}/app:{version}", shared: true }',
      '{ tag: "{registry}/app:{release}", shared: true, if: release }, { tag: "{registry}/app:{version}", shared: true }',
    );
    const dir = testdir({ 'matrix/stack.yaml': withRelease, Dockerfile: CI_DOCKERFILE });
    writeMetadata(join(dir, 'metadata'), 'x86.json', { 'x86-runtime-amd64': 'localhost:5000/sh/app' });
    const run = await runCli(['manifest', 'x86-runtime', '--metadata', 'metadata', '--dry-run'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error shared-tag-incomplete {2}\(stages\.runtime\.tags\.2\.tag\)\n {2}The shared tag "localhost:5000\/sh\/app:dev" also stands for arm-runtime/);
  });

  test('a shared tag over two images of one platform is an error, already at generate time', async () => {
    const both = testdir({ 'matrix/stack.yaml': SHARED.replace('x86: { platforms: [linux/amd64],', 'x86: {').replace('arm: { platforms: [linux/arm64],', 'arm: {'), Dockerfile: CI_DOCKERFILE });
    for (const flavor of ['x86', 'arm']) for (const arch of ['amd64', 'arm64']) writeMetadata(join(both, 'metadata'), `${flavor}-${arch}.json`, { [`${flavor}-runtime-${arch}`]: 'localhost:5000/sh/app' });
    const run = await runCli(['manifest', '--metadata', 'metadata', '--dry-run'], both);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error shared-tag-platform {2}\(stages\.runtime\.tags\.1\.tag\)\n {2}The shared tag "localhost:5000\/sh\/app:dev" would hold two linux\/amd64 images, of "x86-runtime" and of "arm-runtime"/);
    assert.equal((await runCli(['generate'], both)).code, 2, 'generate refuses it too');
    rmSync(join(both, 'metadata'), { recursive: true });
  });
});

describe('bake-matrix manifest: Windows images told apart by os.version', () => {
  // A Linux image and two windows/amd64 images (Server 2022 and 2025) under one shared tag.
  const STACK = `registry: localhost:5000/win
platforms: [linux/amd64, windows/amd64]
axes:
  os:
    linux: { platforms: [linux/amd64] }
    ltsc2022: { platforms: [windows/amd64], os_version: 10.0.20348 }
    ltsc2025: { platforms: [windows/amd64], os_version: 10.0.26100 }
stages:
  app:
    target: app
    axes: [os]
    tags: ["{registry}/app:{version}-{os}", { tag: "{registry}/app:{version}", shared: true }]
ci: { runners: { linux/amd64: ubuntu-24.04, windows/amd64: windows-2022 } }
`;
  const DOCKERFILE = 'FROM scratch AS app\n';
  const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
  /** Metadata as a build without attestations writes it: the descriptor of one image manifest. */
  const write = (dir: string, target: string, mediaType = MANIFEST) => {
    mkdirSync(join(dir, 'metadata'), { recursive: true });
    writeFileSync(join(dir, 'metadata', `${target}.json`), JSON.stringify({ [target]: { 'containerimage.descriptor': { mediaType, digest: digestOf(target), size: 417 }, 'containerimage.digest': digestOf(target), 'image.name': 'localhost:5000/win/app' } }));
  };
  const targets = ['linux-app-amd64', 'ltsc2022-app-windows-amd64', 'ltsc2025-app-windows-amd64'];

  test('the shared tag is one list: the Linux image by digest, each Windows one as a descriptor carrying its os.version', async () => {
    const root = testdir({ 'matrix/stack.yaml': STACK, Dockerfile: DOCKERFILE });
    const listed = await runCli(['list', '--json'], root);
    assert.equal(listed.code, 0, listed.stderr);
    for (const t of targets) write(root, t);
    const run = await runCli(['manifest', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 0, run.stderr);
    const shared = run.stdout.split('\n').find((l) => l.includes(' -t localhost:5000/win/app:dev '))!;
    const descriptor = (t: string, osVersion: string) => JSON.stringify({ mediaType: MANIFEST, digest: digestOf(t), size: 417, platform: { architecture: 'amd64', os: 'windows', 'os.version': osVersion } });
    assert.ok(shared.includes(`localhost:5000/win/app@${digestOf(targets[0]!)}`), shared);
    for (const [t, v] of [[targets[1]!, '10.0.20348'], [targets[2]!, '10.0.26100']] as const) assert.ok(shared.includes(`'${descriptor(t, v)}'`), `${t}: ${shared}`);
  });

  test('without os_version the two Windows images make the shared tag ambiguous: generate refuses it', async () => {
    const root = testdir({ 'matrix/stack.yaml': STACK.replaceAll(/, os_version: [0-9.]+/g, ''), Dockerfile: DOCKERFILE });
    const run = await runCli(['generate'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /The shared tag "localhost:5000\/win\/app:dev" would hold two windows\/amd64 images, of "ltsc2022-app" and of "ltsc2025-app"/);
    assert.match(run.stderr, /set `os_version` on the values that pick the version/);
  });

  test('a Windows image pushed as an index cannot carry its os.version: an error naming the metadata', async () => {
    const root = testdir({ 'matrix/stack.yaml': STACK, Dockerfile: DOCKERFILE });
    for (const t of targets) write(root, t, t === targets[1] ? 'application/vnd.oci.image.index.v1+json' : MANIFEST);
    const run = await runCli(['manifest', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error os-version-not-settable/);
    assert.match(run.stderr, /ltsc2022-app-windows-amd64 is a windows\/amd64 image with os_version 10\.0\.20348, but metadata\/ltsc2022-app-windows-amd64\.json says it pushed an index/);
  });
});

describe('bake-matrix manifest: a shared tag entry that renders differently per image', () => {
  // Two frameworks, each one image per platform; `{framework}-solo:{version}` is one tag entry but two tags.
  const SOLO = `registry: localhost:5000/so
platforms: [linux/amd64, linux/arm64]
args: { CUDA_VERSION: "12.9.1" }
axes:
  framework:
    a: { args: { ENGINE: a } }
    b: { args: { ENGINE: b } }
  arch:
    x86: { platforms: [linux/amd64] }
    arm: { platforms: [linux/arm64] }
stages:
  base: { target: base, name: base }
  runtime:
    target: runtime
    from: base
    axes: [framework, arch]
    tags: ["{registry}/{framework}:{version}-{arch}", { tag: "{registry}/{framework}-solo:{version}", shared: true }]
ci: { runners: { linux/amd64: a, linux/arm64: b } }
`;
  const root = testdir({ 'matrix/stack.yaml': SOLO, Dockerfile: CI_DOCKERFILE });
  for (const framework of ['a', 'b']) {
    writeMetadata(join(root, 'metadata'), `${framework}-x86.json`, { [`${framework}-x86-runtime-amd64`]: `localhost:5000/so/${framework}` });
    writeMetadata(join(root, 'metadata'), `${framework}-arm.json`, { [`${framework}-arm-runtime-arm64`]: `localhost:5000/so/${framework}` });
  }

  test('its carriers are the images with the same rendered tag: one framework alone makes its own', async () => {
    const run = await runCli(['manifest', 'a', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(0, 3), [
      create(['localhost:5000/so/a:dev-x86'], ['a-x86-runtime-amd64'], 'localhost:5000/so/a').join(' '),
      create(['localhost:5000/so/a:dev-arm'], ['a-arm-runtime-arm64'], 'localhost:5000/so/a').join(' '),
      create(['localhost:5000/so/a-solo:dev'], ['a-x86-runtime-amd64', 'a-arm-runtime-arm64'], 'localhost:5000/so/a').join(' '),
    ]);
  });

  test('an image with the same rendered tag left out is still an error, naming only that image', async () => {
    const run = await runCli(['manifest', 'a-x86-runtime', 'b', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /The shared tag "localhost:5000\/so\/a-solo:dev" also stands for a-arm-runtime, which is not among the names/);
    assert.doesNotMatch(run.stderr, /b-solo/);
  });
});

describe('bake-matrix manifest --scope: what one problem keeps from being made', () => {
  const root = testdir({ 'matrix/stack.yaml': CI_STACK, Dockerfile: CI_DOCKERFILE });
  ciMetadata(root, ['vllm-cu130-runtime-arm64']);
  const vllm129 = create(['localhost:5000/ci/vllm:dev-cu129'], ['vllm-cu129-runtime-amd64', 'vllm-cu129-runtime-arm64'], 'localhost:5000/ci/vllm');
  const sglang = ['cu129', 'cu130'].map((cuda) => create([`localhost:5000/ci/sglang:dev-${cuda}`], [`sglang-${cuda}-runtime-amd64`, `sglang-${cuda}-runtime-arm64`], 'localhost:5000/ci/sglang'));

  const cases = [
    { scope: 'all', made: [], notMade: [] },
    { scope: 'group', made: sglang, notMade: ['not made  vllm-cu129-runtime: localhost:5000/ci/vllm:dev-cu129 (vllm holds a manifest list with a problem)', 'not made  vllm-cu130-runtime: localhost:5000/ci/vllm:dev-cu130 (missing-platform)'] },
    { scope: 'tag', made: [vllm129, ...sglang], notMade: ['not made  vllm-cu130-runtime: localhost:5000/ci/vllm:dev-cu130 (missing-platform)'] },
  ];
  for (const c of cases) {
    test(`--scope ${c.scope}: the problem is printed first, ${c.made.length} manifest lists made, exit 2`, async () => {
      const docker = fakeDocker();
      const summary = join(docker.dir, 'summary.md');
      const run = await runCli(['manifest', 'vllm', 'sglang', '--metadata', 'metadata', '--scope', c.scope], root, { ...docker.env, GITHUB_STEP_SUMMARY: summary });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^bake-matrix: error missing-platform\n {2}No digest for 1 image platform: vllm-cu130-runtime: linux\/arm64 \(vllm-cu130-runtime-arm64\)\./);
      const made = docker.calls().filter((argv) => argv[1] === 'imagetools');
      assert.deepEqual(made, c.made.map((argv) => argv.slice(1)));
      for (const line of c.notMade) assert.ok(run.stderr.includes(`\n  ${line}\n`), `"${line}" in:\n${run.stderr}`);
      if (c.scope === 'all') assert.match(run.stderr, /nothing was made\. --scope group or --scope tag makes the manifest lists these problems do not concern/);
      else {
        assert.match(run.stderr, new RegExp(`${c.made.length} of ${c.made.length} manifest lists created\\n.*\\n*bake-matrix manifest: ${c.notMade.length} manifest lists? (was|were) not made \\(--scope ${c.scope}\\):`, 's'));
        assert.match(readFileSync(summary, 'utf8'), /\| `vllm-cu130-runtime` \| `localhost:5000\/ci\/vllm:dev-cu130` \| \| not made \(missing-platform\) \|/);
      }
    });
  }

  test('--json --dry-run lists the manifest lists not made and the problems', async () => {
    const run = await runCli(['manifest', 'vllm', 'sglang', '--metadata', 'metadata', '--scope', 'tag', '--dry-run', '--json'], root);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, '');
    const out = JSON.parse(run.stdout) as { commands: string[][]; notMade: unknown[]; problems: { code: string }[] };
    assert.equal(out.commands.length, 3);
    assert.deepEqual(out.notMade, [{ what: 'vllm-cu130-runtime', tags: ['localhost:5000/ci/vllm:dev-cu130'], because: ['missing-platform'] }]);
    assert.deepEqual(out.problems.map((p) => p.code), ['missing-platform']);
  });

  test('a problem of the input as a whole still makes nothing: an unknown scope, an unknown name', async () => {
    const scope = await runCli(['manifest', 'vllm', '--metadata', 'metadata', '--scope', 'groups', '--dry-run'], root);
    assert.equal(scope.code, 2);
    assert.match(scope.stderr, /Option --scope: "groups" is not a scope; use one of all, group, tag\. Did you mean "group"\?/);
    const name = await runCli(['manifest', 'vlm', 'sglang', '--metadata', 'metadata', '--scope', 'tag', '--dry-run'], root);
    assert.equal(name.code, 2);
    assert.equal(name.stdout, '');
  });
});

describe('bake-matrix manifest: problems in text name file:line:col', () => {
  test('a shared tag left incomplete points at its tag entry with a code frame', async () => {
    const SHARED = SHARED_TAG_STACK;
    const root = testdir({ 'matrix/stack.yaml': SHARED, Dockerfile: CI_DOCKERFILE });
    writeMetadata(join(root, 'metadata'), 'x86.json', { 'x86-runtime-amd64': 'localhost:5000/sh/app' });
    const run = await runCli(['manifest', 'x86-runtime', '--metadata', 'metadata', '--dry-run'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^matrix\/stack\.yaml:14:56: error shared-tag-incomplete {2}\(stages\.runtime\.tags\.1\.tag\)\n.*\n {2}14 \| {5}tags: \[/m);
  });
});

describe('manifest --skip-built: a shared tag over an image that exists already', () => {
  // x86 builds both platforms, arm only arm64. Their shared tags differ at the defaults (so generate
  // accepts them) and meet under REL_VERSION=dev: one tag over two linux/arm64 images.
  const STACK = SHARED_TAG_STACK.replace('x86: { platforms: [linux/amd64],', 'x86: {')
    .replace('stages:', 'variables: { rel: { env: REL_VERSION, default: "other" } }\nstages:')
    .replace('ci: {', 'overrides:\n  - when: { flavor: arm }\n    stages: [runtime]\n    replace_tags: true\n    tags: ["{registry}/app:{version}-{flavor}", { tag: "{registry}/app:{rel}", shared: true }]\nci: {');

  test('counts each platform of the existing image: two linux/arm64 images under one tag are refused', async () => {
    const dir = testdir({ 'matrix/stack.yaml': STACK, Dockerfile: CI_DOCKERFILE, '.dockerignore': 'bake/\nmetadata/\n' });
    assert.equal((await runCli(['generate'], dir)).code, 0, 'the tags differ at the defaults');
    const env = { REL_VERSION: 'dev' };
    const hashed = await runCli(['hash', 'default', '--json'], dir, env);
    assert.equal(hashed.code, 0, hashed.stderr);
    const x86 = (JSON.parse(hashed.stdout) as { targets: { name: string; contentTag: string }[] }).targets.find((t) => t.name === 'x86-runtime')!.contentTag;
    writeMetadata(join(dir, 'metadata'), 'arm.json', { 'arm-runtime-arm64': 'localhost:5000/sh/app' });
    const docker = fakeDocker({ FAKE_DOCKER_IMAGES: `${x86}=sha256:${'c'.repeat(64)}` });
    const run = await runCli(['manifest', 'default', '--skip-built', '--metadata', 'metadata', '--dry-run'], dir, { ...docker.env, ...env });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /error shared-tag-platform .*\n {2}The shared tag "localhost:5000\/sh\/app:dev" would hold two linux\/arm64 images, of x86-runtime and of arm-runtime-arm64/);
    // Without the clash (another REL_VERSION), the same run merges.
    const apart = await runCli(['manifest', 'default', '--skip-built', '--metadata', 'metadata', '--dry-run'], dir, { ...docker.env, REL_VERSION: 'rc1' });
    assert.doesNotMatch(apart.stderr, /shared-tag-platform/);
    assert.equal(apart.code, 0, apart.stderr);
    // The existing image's source is its content tag's repository (a registry with a port) at the digest found.
    assert.ok(apart.stdout.includes(`-t localhost:5000/sh/app:dev-x86 localhost:5000/sh/app@sha256:${'c'.repeat(64)}\n`), apart.stdout);
  });
});
