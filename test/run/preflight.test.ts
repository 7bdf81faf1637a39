// What stops `run` before buildx starts: one message, exit code 2, no bake call.
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from './fake-docker.ts';

interface Case {
  name: string;
  settings: Record<string, string>;
  onPath?: boolean;
  argv: string[];
  /** The first line of stderr. */
  message: RegExp;
  hint?: RegExp;
  /** How many times docker was called before the stop (the version and the builder are asked together). */
  calls: number;
}

const cases: Case[] = [
  {
    name: 'no docker on PATH',
    settings: {},
    onPath: false,
    argv: ['vllm-cu129'],
    message: /^bake-matrix run: docker is not on PATH \(.*node-bin\)\.$/,
    calls: 0,
  },
  {
    name: 'docker without the buildx plugin',
    settings: { FAKE_DOCKER_MODE: 'no-buildx' },
    argv: ['vllm-cu129'],
    message: /^bake-matrix run: docker has no working buildx plugin: `docker buildx version` failed: docker: unknown command: docker buildx\.$/,
    calls: 2,
  },
  {
    name: 'buildx older than 0.10',
    settings: { FAKE_DOCKER_BUILDX_VERSION: 'v0.9.1' },
    argv: ['vllm-cu129'],
    message: /^bake-matrix run: buildx v0\.9\.1 is too old: the generated bake file needs buildx 0\.10\.0 or newer\.$/,
    calls: 2,
  },
  {
    name: 'a flag this buildx does not know yet',
    settings: { FAKE_DOCKER_BUILDX_VERSION: 'v0.10.4' },
    argv: ['vllm-cu129', '--call', 'check'],
    message: /^bake-matrix run: --call needs buildx 0\.16\.0 or newer; this one is v0\.10\.4\.$/,
    calls: 2,
  },
  {
    name: 'the default builder cannot reach its daemon (buildx exits 0 and prints Error:)',
    settings: { FAKE_DOCKER_MODE: 'no-builder' },
    argv: ['vllm-cu129'],
    message: /^bake-matrix run: The builder "default" is not reachable: Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?$/,
    calls: 2,
  },
  {
    name: 'a builder named by --builder does not exist',
    settings: { FAKE_DOCKER_MODE: 'no-builder' },
    argv: ['vllm-cu129', '--builder', 'nope'],
    message: /^bake-matrix run: The builder "nope" is not reachable: no builder "nope" found\.$/,
    calls: 2,
  },
  {
    name: 'a builder named by BUILDX_BUILDER does not exist',
    settings: { FAKE_DOCKER_MODE: 'no-builder', BUILDX_BUILDER: 'ci-builder' },
    argv: ['vllm-cu129'],
    message: /^bake-matrix run: The builder "ci-builder" is not reachable: no builder "ci-builder" found\.$/,
    calls: 2,
  },
  {
    name: 'a platform the builder lacks',
    settings: { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/amd64/v2,linux/386' },
    argv: ['vllm-cu129'],
    message: /^bake-matrix run: The builder "fake" cannot build linux\/arm64, which vllm-cu129-runtime, vllm-cu129-dev, base-cu129 need; it offers linux\/amd64, linux\/amd64\/v2, linux\/386\.$/,
    calls: 2,
  },
  {
    name: 'a platform only a linked target needs (base-cu130 is built for arm64 too)',
    settings: { FAKE_DOCKER_PLATFORMS: 'linux/amd64' },
    argv: ['trtllm-cu130'],
    message: /^bake-matrix run: The builder "fake" cannot build linux\/arm64, which base-cu130 needs; it offers linux\/amd64\.$/,
    calls: 2,
  },
  {
    name: 'an unknown name, even with no docker: did you mean',
    settings: {},
    onPath: false,
    argv: ['vllm-cu12'],
    message: /^bake-matrix run: "vllm-cu12" is no target or group of bake\/docker-bake\.json\. Did you mean "vllm-cu129" or .*\?$/,
    calls: 0,
  },
  {
    name: 'the hidden _common target',
    settings: {},
    argv: ['_common'],
    message: /^bake-matrix run: "_common" is no target or group of bake\/docker-bake\.json\./,
    calls: 0,
  },
  {
    name: 'the value of an unknown flag taken for a name',
    settings: {},
    argv: ['vllm-cu129', '--future', 'value'],
    message: /^bake-matrix run: "value" is no target or group/,
    hint: /If "value" is the value of --future, write --future=value\./,
    calls: 0,
  },
];

describe('preflight failures exit 2 with one message and run no bake', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const docker = fakeDocker(c.settings, { onPath: c.onPath !== false });
      const r = await runCli(['run', ...c.argv], stackDir(), docker.env);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.split('\n');
      assert.match(lines[0]!, c.message);
      assert.match(lines[1]!, /^ {2}hint: \S/);
      if (c.hint) assert.match(lines[1]!, c.hint);
      assert.equal(lines.length, 3, `one message and its hint:\n${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(docker.calls().length, c.calls, JSON.stringify(docker.calls()));
      assert.equal(docker.bakeCall(), undefined);
    });
  }
});

describe('what needs no builder', () => {
  test('--dry-run with no docker anywhere on PATH prints the command and the targets, exit 0', async () => {
    const docker = fakeDocker({}, { onPath: false });
    const cwd = stackDir();
    const r = await runCli(['run', '--dry-run', 'vllm-cu129', '--set', '*.platform=linux/amd64', '--push'], cwd, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const [command, ...rest] = r.stdout.split('\n');
    const file = /^BUILDX_NO_DEFAULT_LOAD=1 docker buildx bake -f (bake\/\.bake-matrix\/run-[0-9a-f]{16}\.json) vllm-cu129 --set '\*\.platform=linux\/amd64' --push$/.exec(command!)?.[1];
    assert.ok(file, `the command hands buildx the closure file: ${command}`);
    assert.equal(rest.join('\n'), [
      '',
      'Would build 2 targets, and 1 linked target (built for their consumers, not exported):',
      '  * vllm-cu129-runtime  linux/amd64  from vllm-cu129',
      '  * vllm-cu129-dev      linux/amd64  from vllm-cu129',
      // base hands its ARG to the runtime FROM it: it stays linked (test/run/inline-links.test.ts).
      '  + base-cu129          linux/amd64  linked by vllm-cu129-runtime, vllm-cu129-dev (target: context)',
      '',
      'Nothing was run (--dry-run).',
      '',
    ].join('\n'));
    assert.ok(existsSync(join(cwd, file)), 'the printed command can be pasted: its -f file exists');
  });

  test('--dry-run --json gives the argv and the targets as data', async () => {
    const docker = fakeDocker({}, { onPath: false });
    const dir = stackDir();
    const r = await runCli(['run', '--dry-run', '--json', 'trtllm'], dir, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout) as { command: string[]; display: string };
    const file = data.command[4]!;
    assert.match(file, /^bake\/\.bake-matrix\/run-[0-9a-f]{16}\.json$/);
    assert.deepEqual(data, {
      command: ['docker', 'buildx', 'bake', '-f', file, 'trtllm'],
      cwd: realpathSync(dir),
      display: `docker buildx bake -f ${file} trtllm`,
      targets: [
        { name: 'trtllm-cu130-runtime', platforms: ['linux/amd64'], requestedAs: ['trtllm'] },
        { name: 'trtllm-cu130-dev', platforms: ['linux/amd64'], requestedAs: ['trtllm'] },
      ],
      linked: [{ name: 'base-cu130', platforms: ['linux/amd64', 'linux/arm64'], linkedBy: ['trtllm-cu130-runtime', 'trtllm-cu130-dev'] }],
      // base-cu130 builds two platforms, its consumers one: it stays a build of its own.
      inlined: [],
    });
  });

  test('--set *.platform narrows what the builder must offer', async () => {
    const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64' });
    const r = await runCli(['run', 'vllm-cu129', '--set=*.platform=linux/amd64'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(docker.bakeCall());
  });

  test('an unknown name is left to buildx when an overlay (-f) may define it (a missing overlay: the whole file, buildx reports it)', async () => {
    const docker = fakeDocker({ FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' });
    const r = await runCli(['run', 'from-overlay', '-f', 'ci.json'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(docker.bakeCall()!.slice(0, 7), ['buildx', 'bake', '-f', 'bake/docker-bake.json', '-f', 'ci.json', 'from-overlay']);
  });
});

describe('usage errors', () => {
  test('an option of ours without its value', async () => {
    const r = await runCli(['run', 'vllm-cu129', '--matrix'], stackDir(), fakeDocker().env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /The option --matrix needs a value\./);
  });
  test('a buildx option without its value', async () => {
    const r = await runCli(['run', 'vllm-cu129', '--set'], stackDir(), fakeDocker().env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /The option --set needs a value\./);
  });
});
