// `bake-matrix init` on Dockerfiles shaped like real ones (a single unnamed
// stage as official images have; many stages with ARGs before the first FROM
// as buildx's and vLLM's have; a named context and RUN --mount): what it
// writes generates, and `check` passes at once. It never overwrites a file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';

const SINGLE = ['FROM debian:bookworm-slim', 'ENV APP_VERSION=1.6', 'RUN apt-get update && apt-get install -y curl', 'CMD ["app"]', ''].join('\n');

const MULTI = [
  '# syntax=docker/dockerfile:1',
  'ARG GO_VERSION=1.26',
  'ARG ALPINE_VERSION="3.23"',
  'ARG DOCKER_VERSION=29.6',
  'ARG DOCKER_CLI_VERSION=${DOCKER_VERSION}',
  'ARG MIRROR_URL',
  'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS golatest',
  'FROM docker:$DOCKER_CLI_VERSION AS docker-cli',
  'FROM golatest AS gobase',
  'ARG TARGETPLATFORM',
  'ENV CGO_ENABLED=0',
  'FROM gobase AS version',
  'RUN --mount=type=bind,target=. echo 1 > /version',
  'FROM gobase AS build',
  'ARG GO_EXTRA_FLAGS',
  "ARG LDFLAGS='-s -w'",
  'RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=version,source=/version,target=/version go build',
  'FROM scratch AS binaries',
  'ARG BUILDKIT_SBOM_SCAN_STAGE=true',
  'COPY --link --from=build /usr/bin/app /app',
  'COPY --from=docker-cli /usr/local/bin/docker /docker',
  'FROM binaries',
  '',
].join('\n');

const NAMED_CONTEXT = [
  '# syntax=docker/dockerfile:1.7',
  'ARG BASE_IMAGE=ros:jazzy',
  'ARG RUNTIME_IMAGE=${BASE_IMAGE}',
  'FROM ${BASE_IMAGE} AS builder',
  'ARG APP_WS=/opt/app_ws',
  'COPY --from=app_src / ${APP_WS}/src/',
  'RUN --mount=type=cache,target=/root/.cache/colcon colcon build',
  'FROM ${RUNTIME_IMAGE} AS runtime',
  'ARG APP_WS=/opt/app_ws',
  'COPY --from=builder ${APP_WS}/install ${APP_WS}/install',
  '',
].join('\n');

// ARGs without a default that the build uses, the lines that matter of two public Dockerfiles:
// VirtusLab/git-machete ci/tox/Dockerfile (one unnamed stage: a global ARG in the FROM line,
// stage ARGs in RUN, one only in ${x:-0} and ENV) and vLLM's docker/Dockerfile (a global ARG
// without a default redeclared in two stages that test it in RUN; USE_SCCACHE in one stage).
const TOX = [
  'ARG python_version',
  'FROM python:${python_version}-alpine',
  'ARG git_version',
  'RUN wget -q https://github.com/git/git/archive/v$git_version.tar.gz',
  'ARG python_version',
  'ENV PYTHON=python${python_version}',
  'ARG user_id',
  'ARG group_id',
  'RUN [ ${user_id:-0} -ne 0 ] && (getent group $group_id || addgroup --gid=${group_id} ci-user) && adduser --uid=${user_id} ci-user',
  'ARG pip_extra_args',
  'RUN $PYTHON -m pip install --user tox ${pip_extra_args:-}',
  '',
].join('\n');

const VLLM_BARE = [
  'ARG CUDA_VERSION=12.8.1',
  'ARG PYTHON_VERSION=3.12',
  'ARG BUILD_BASE_IMAGE=nvidia/cuda:${CUDA_VERSION}-devel-ubuntu20.04',
  'ARG DEADSNAKES_MIRROR_URL',
  'ARG PIP_INDEX_URL',
  'FROM ${BUILD_BASE_IMAGE} AS base',
  'ARG CUDA_VERSION',
  'ARG PYTHON_VERSION',
  'ARG DEADSNAKES_MIRROR_URL',
  'RUN if [ ! -z ${DEADSNAKES_MIRROR_URL} ] ; then echo mirror ; fi && apt-get install -y python${PYTHON_VERSION}',
  'ARG PIP_INDEX_URL',
  'FROM base AS build',
  'ARG USE_SCCACHE',
  'ARG SCCACHE_ENDPOINT',
  'RUN if [ "$USE_SCCACHE" = "1" ]; then echo sccache; fi',
  'FROM base AS vllm-base',
  'ARG DEADSNAKES_MIRROR_URL',
  'RUN if [ ! -z ${DEADSNAKES_MIRROR_URL} ] ; then echo mirror ; fi',
  'COPY --from=build /workspace/dist /dist',
  '',
].join('\n');

async function init(files: Record<string, string>, argv: string[] = []) {
  const dir = testdir(files);
  const run = await runCli(['init', ...argv], dir);
  return { dir, run, matrix: () => readFileSync(join(dir, 'bake-matrix.yaml'), 'utf8') };
}

describe('bake-matrix init', () => {
  const cases: { name: string; files: Record<string, string>; argv: string[]; lines: string[]; absent: string[]; targets: string[]; notes?: string[] }[] = [
    {
      name: 'a single unnamed stage (official images)',
      files: { Dockerfile: SINGLE, 'package.json': '{"name":"app","version":"1.0.0"}\n' },
      argv: [],
      lines: ['name: app', 'dockerfile: "Dockerfile"', 'stages:', '  image:', '    axes: [variant]', '    tags: ["{registry}/app:{version}{-variant}"]'],
      absent: ['args:', '    target:'],
      targets: ['image'],
    },
    {
      name: 'many stages, ARGs before FROM, --mount from= and an unnamed last stage (buildx, vLLM)',
      files: { 'docker/Dockerfile': MULTI },
      argv: ['--dockerfile', 'docker/Dockerfile', '--name', 'tool'],
      lines: [
        'args:',
        '  GO_VERSION: "1.26"',
        '  ALPINE_VERSION: "3.23"',
        '  DOCKER_VERSION: "29.6"',
        '# Left to the Dockerfile (their defaults use other ARGs): DOCKER_CLI_VERSION',
        '# Declared without a default (set them in args: to pass a value): MIRROR_URL',
        '  gobase:\n    target: gobase\n    from: golatest',
        '  build:\n    target: build\n    from: gobase\n    args:\n      LDFLAGS: "-s -w"\n    # Declared without a default (set them in args: to pass a value): GO_EXTRA_FLAGS',
        '  binaries:\n    target: binaries\n    axes: [variant]',
        '    tags: ["{registry}/tool:{version}{-variant}"]',
      ],
      absent: ['TARGETPLATFORM', 'BUILDKIT_SBOM_SCAN_STAGE', 'unnamed stage'],
      targets: ['golatest', 'docker-cli', 'gobase', 'version', 'build', 'binaries'],
    },
    {
      name: 'a named context and RUN --mount=type=cache (a COPY --from that is no stage)',
      files: { 'Dockerfile': NAMED_CONTEXT, 'package.json': '{\n    "name": "ros-app",\n    "scripts": { "bake": "make image" }\n}\n' },
      argv: ['--name', 'ros-app'],
      lines: [
        '  BASE_IMAGE: "ros:jazzy"',
        '# Left to the Dockerfile (their defaults use other ARGs): RUNTIME_IMAGE',
        '  builder:\n    target: builder\n    args:\n      APP_WS: "/opt/app_ws"\n    # Reads "app_src" (COPY --from / RUN --mount from=), which is no stage',
        '  runtime:\n    target: runtime\n    axes: [variant]',
      ],
      absent: ['from: builder'],
      targets: ['builder', 'runtime'],
    },
    {
      name: 'a global ARG without a default in the FROM line, stage ARGs without one in RUN (git-machete\'s tox image)',
      files: { Dockerfile: TOX },
      argv: ['--name', 'tox'],
      lines: [
        'args:\n  python_version: "" # set it: this ARG (Dockerfile:1) has no default and the build uses it (Dockerfile:2)',
        '  image:\n    # the Dockerfile\'s last stage',
        '    args:\n      git_version: "" # set it: this ARG (Dockerfile:3) has no default and the build uses it (Dockerfile:4)\n      user_id: "" # set it: this ARG (Dockerfile:7) has no default and the build uses it (Dockerfile:9)\n      group_id: "" # set it: this ARG (Dockerfile:8) has no default and the build uses it (Dockerfile:9)\n',
        '    # Declared without a default (set them in args: to pass a value): pip_extra_args',
      ],
      absent: ['python_version: ""\n      '],
      targets: ['image'],
      notes: ['note: 4 ARGs have no default in Dockerfile and the build uses them: python_version, git_version, user_id, group_id. bake-matrix.yaml sets them to "" (what the build gets without a value, and an empty python_version makes an invalid image reference in its FROM line); set their values there.'],
    },
    {
      name: 'a global ARG without a default that stages redeclare and test in RUN, a stage ARG in one (vLLM)',
      files: { Dockerfile: VLLM_BARE },
      argv: ['--name', 'vllm'],
      lines: [
        'args:\n  CUDA_VERSION: "12.8.1"\n  PYTHON_VERSION: "3.12"\n  DEADSNAKES_MIRROR_URL: "" # set it: this ARG (Dockerfile:4) has no default and the build uses it (Dockerfile:10)\n',
        '# Declared without a default (set them in args: to pass a value): PIP_INDEX_URL',
        '  build:\n    target: build\n    from: base\n    args:\n      USE_SCCACHE: "" # set it: this ARG (Dockerfile:13) has no default and the build uses it (Dockerfile:15)\n    # Declared without a default (set them in args: to pass a value): SCCACHE_ENDPOINT\n',
      ],
      absent: ['      DEADSNAKES_MIRROR_URL'],
      targets: ['base', 'build', 'vllm-base'],
      notes: ['note: 2 ARGs have no default in Dockerfile and the build uses them: DEADSNAKES_MIRROR_URL, USE_SCCACHE. bake-matrix.yaml sets them to "" (what the build gets without a value); set their values there.'],
    },
  ];
  for (const c of cases) {
    test(`${c.name}: a matrix that generates and passes check at once`, async () => {
      const { dir, run, matrix } = await init(c.files, c.argv);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.match(run.stdout, /^wrote bake-matrix\.yaml \(/);
      for (const note of c.notes ?? []) assert.ok(run.stdout.includes(`${note}\n`), `missing:\n${note}\nin:\n${run.stdout}`);
      if (!c.notes) assert.doesNotMatch(run.stdout, /have no default/);
      const text = matrix();
      for (const line of c.lines) assert.ok(text.includes(line), `missing:\n${line}\nin:\n${text}`);
      for (const word of c.absent) assert.ok(!text.includes(word), `unexpected ${word} in:\n${text}`);
      const check = await runCli(['check'], dir);
      assert.equal(check.code, 0, check.stderr);
      const bake = JSON.parse(readFileSync(join(dir, 'bake/docker-bake.json'), 'utf8')) as { target: Record<string, unknown> };
      for (const target of c.targets) assert.ok(bake.target[target], `no target ${target} in ${Object.keys(bake.target).join(', ')}`);
      // The hint builds a tagged target for one platform (a per-platform target has no tag: --load would leave it unnamed).
      const hint = /build one for this machine's platform: `npx bake-matrix run (\S+) --load --set '\*\.platform=linux\/[a-z0-9/]+'`/.exec(run.stdout);
      assert.ok(hint, run.stdout);
      assert.ok(((bake.target[hint[1]!] as { tags?: string[] } | undefined)?.tags ?? []).length > 0, `${hint[1]} has no tag of its own`);
    });
  }

  test('an ARG init set to "" and the user removes is refused by generate as before (arg-without-value)', async () => {
    const { dir, run, matrix } = await init({ Dockerfile: TOX }, ['--name', 'tox']);
    assert.equal(run.code, 0, run.stderr);
    const edited = matrix().replace(/\nargs:\n  python_version: "".*/, '');
    assert.notEqual(edited, matrix());
    writeFileSync(join(dir, 'bake-matrix.yaml'), edited);
    const generate = await runCli(['generate'], dir);
    assert.equal(generate.code, 2, generate.stderr);
    assert.match(generate.stderr, /error arg-without-value[\s\S]*uses \$\{python_version\} in its FROM line \(Dockerfile:2\)/);
  });

  test('package.json gets the scripts it has no name for; its own are kept, its indentation too', async () => {
    const { dir, run } = await init(cases[2]!.files, ['--name', 'ros-app']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      readFileSync(join(dir, 'package.json'), 'utf8'),
      '{\n    "name": "ros-app",\n    "scripts": {\n        "bake": "make image",\n        "bake:generate": "bake-matrix generate",\n        "bake:check": "bake-matrix check"\n    }\n}\n',
    );
    assert.match(run.stdout, /note: package\.json has a script of its own named bake: left as it is\./);
  });

  for (const existing of <Record<string, string>[]>[{ 'bake-matrix.yaml': 'name: x\n' }, { 'matrix/stack.yaml': 'name: x\n' }, { 'bake-matrix.toml': 'name = "x"\n' }]) {
    test(`refuses when ${Object.keys(existing)[0]} exists, and writes nothing`, async () => {
      const dir = testdir({ Dockerfile: SINGLE, 'package.json': '{}\n', ...existing });
      const before = snapshotTree(dir);
      const run = await runCli(['init'], dir);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /error init-exists/);
      assert.deepEqual(treeChanges(before, snapshotTree(dir)), []);
    });
  }

  test('refuses a package.json that is a symlink, and writes nothing', async () => {
    const dir = testdir({ Dockerfile: SINGLE, 'elsewhere.json': '{}\n' });
    symlinkSync(join(dir, 'elsewhere.json'), join(dir, 'package.json'));
    const before = snapshotTree(dir);
    const run = await runCli(['init'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error init-not-a-file/);
    assert.deepEqual(treeChanges(before, snapshotTree(dir)), []);
  });

  test('no Dockerfile, a Dockerfile outside the project, or no FROM: exit 2 and a hint, nothing written', async () => {
    for (const [files, argv, message] of [
      [{}, [], /error dockerfile-not-found[\s\S]*--dockerfile PATH/],
      [{ Dockerfile: SINGLE }, ['--dockerfile', '../Dockerfile'], /error init-outside/],
      [{ Dockerfile: '# nothing\n' }, [], /error init-no-stage/],
    ] as const) {
      const dir = testdir(files);
      const run = await runCli(['init', ...argv], dir);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(existsSync(join(dir, 'bake-matrix.yaml')), false);
    }
  });

  test('--ci github: the workflows of templates/github/, and a registry cache fed by the variables they set', async () => {
    const { dir, run, matrix } = await init({ Dockerfile: MULTI, 'package.json': '{"name":"tool"}\n' }, ['--ci', 'github']);
    assert.equal(run.code, 0, run.stderr);
    for (const file of ['bake.yml', 'bake-stage.yml']) {
      assert.equal(readFileSync(join(dir, '.github/workflows', file), 'utf8'), readFileSync(new URL(`../../templates/github/${file}`, import.meta.url), 'utf8'));
      assert.match(run.stdout, new RegExp(`wrote \\.github/workflows/${file.replace('.', '\\.')}\n`));
    }
    assert.match(matrix(), /  cache_branch:\n    env: CACHE_BRANCH\n/);
    assert.match(matrix(), /cache:\n  ref: "\{registry\}\/cache:\{target\}-\{cache_branch\}"/);
    assert.equal((await runCli(['check'], dir)).code, 0);
    const ci = await runCli(['ci', 'default', '--format', 'github', '--max-stages', '3'], dir);
    assert.equal(ci.code, 0, ci.stderr);
  });

  const otherCis = [
    { ci: 'gitlab', files: { '.gitlab-ci.yml': '.gitlab-ci.yml', '.gitlab/bake-jobs.yml': 'bake-jobs.yml' }, executable: [] as string[], runner: /    linux\/amd64: amd64\n/, sets: '.gitlab-ci.yml' },
    { ci: 'buildkite', files: { '.buildkite/pipeline.yml': 'pipeline.yml', '.buildkite/env.sh': 'env.sh', '.buildkite/bake-job.sh': 'bake-job.sh' }, executable: ['.buildkite/bake-job.sh'], runner: /    linux\/amd64: linux-amd64\n/, sets: '.buildkite/env.sh' },
  ];
  for (const c of otherCis) {
    test(`--ci ${c.ci}: the pipeline of templates/${c.ci}/ where its header says, the cache, its runners, and \`ci --format ${c.ci}\` works`, async () => {
      const { dir, run, matrix } = await init({ Dockerfile: MULTI, 'package.json': '{"name":"tool"}\n' }, ['--ci', c.ci]);
      assert.equal(run.code, 0, run.stderr);
      for (const [path, template] of Object.entries(c.files)) {
        const text = readFileSync(new URL(`../../templates/${c.ci}/${template}`, import.meta.url), 'utf8');
        assert.equal(readFileSync(join(dir, path), 'utf8'), text);
        assert.match(text, new RegExp(`copy to ${path.replace(/\./g, '\\.')}`), `the template's header names ${path}`);
        assert.match(run.stdout, new RegExp(`wrote ${path.replace(/\./g, '\\.')}\n`));
        assert.equal((statSync(join(dir, path)).mode & 0o111) !== 0, c.executable.includes(path), `${path} executable`);
      }
      assert.match(matrix(), new RegExp(`# Set by the CI pipeline \\(${c.sets.replace(/\./g, '\\.')}\\)`));
      assert.match(matrix(), /cache:\n  ref: "\{registry\}\/cache:\{target\}-\{cache_branch\}"/);
      assert.match(matrix(), c.runner);
      assert.equal((await runCli(['check'], dir)).code, 0);
      const ci = await runCli(['ci', 'default', '--format', c.ci], dir);
      assert.equal(ci.code, 0, ci.stderr);
    });
  }

  test('--ci github refuses when a workflow it would write exists, and writes nothing', async () => {
    const dir = testdir({ Dockerfile: SINGLE, '.github/workflows/bake.yml': 'name: mine\n' });
    const before = snapshotTree(dir);
    const run = await runCli(['init', '--ci', 'github'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\.github\/workflows\/bake\.yml exists: bake-matrix init never overwrites a file/);
    assert.deepEqual(treeChanges(before, snapshotTree(dir)), []);
  });
});
