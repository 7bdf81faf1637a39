// BUILDX_NO_DEFAULT_LOAD=1 in buildx's environment when every requested target
// has an output (--push, --load), so that buildx < 0.16 with the docker driver
// does not export each linked, untagged target into the image store: set for
// the build, shown with the command, never over the user's own value.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildxEnv } from '../../src/run/default-load.ts';
import { parseRunArgs } from '../../src/run/run-args.ts';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from './fake-docker.ts';

describe('buildxEnv', () => {
  const cases: { name: string; argv: string[]; env?: NodeJS.ProcessEnv; want: Record<string, string> }[] = [
    { name: '--push', argv: ['x', '--push'], want: { BUILDX_NO_DEFAULT_LOAD: '1' } },
    { name: '--push=true', argv: ['x', '--push=true'], want: { BUILDX_NO_DEFAULT_LOAD: '1' } },
    { name: '--load', argv: ['x', '--load'], want: { BUILDX_NO_DEFAULT_LOAD: '1' } },
    { name: 'neither: a requested target without an output is still loaded by default', argv: ['x'], want: {} },
    { name: '--push=false', argv: ['x', '--push=false'], want: {} },
    { name: '--set *.output=... alone (the outputs the user chose decide)', argv: ['x', '--set', '*.output=type=cacheonly'], want: {} },
    { name: "the user's own value, 0 included, is left as it is", argv: ['x', '--push'], env: { BUILDX_NO_DEFAULT_LOAD: '0' }, want: {} },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(buildxEnv(parseRunArgs(c.argv, 'usage'), c.env ?? {}), c.want);
    });
  }
});

describe('run hands it to buildx and shows it', () => {
  const PLATFORMS = { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' };
  const bakeEvent = (docker: ReturnType<typeof fakeDocker>) => docker.events().find((e) => e.event === 'start' && e.argv?.[1] === 'bake');

  test('run --push: buildx runs with BUILDX_NO_DEFAULT_LOAD=1, and the printed command says so', async () => {
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129', '--push'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(bakeEvent(docker)?.noDefaultLoad, '1');
    assert.match(r.stderr, /^bake-matrix: BUILDX_NO_DEFAULT_LOAD=1 docker buildx bake -f \S+ vllm-cu129 --push --metadata-file /m);
    assert.deepEqual(docker.calls().filter((c) => c[1] !== 'bake').map((c) => c[1]).sort(), ['inspect', 'version']);
    assert.equal(docker.events().filter((e) => e.event === 'start' && e.argv?.[1] !== 'bake').some((e) => e.noDefaultLoad !== null), false, 'the preflight queries run in the environment as given');
  });

  test('run without --push or --load: the environment as given', async () => {
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(bakeEvent(docker)?.noDefaultLoad, null);
    assert.match(r.stderr, /^bake-matrix: docker buildx bake /m);
  });

  test('--print --push builds nothing: not set', async () => {
    const docker = fakeDocker(PLATFORMS);
    const r = await runCli(['run', 'vllm-cu129', '--print', '--push'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(bakeEvent(docker)?.noDefaultLoad, null);
  });

  test('--dry-run --json lists it apart from the argv', async () => {
    const docker = fakeDocker({}, { onPath: false });
    const r = await runCli(['run', '--dry-run', '--json', 'vllm-cu129', '--push'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout) as { command: string[]; env?: Record<string, string>; display: string };
    assert.deepEqual(data.env, { BUILDX_NO_DEFAULT_LOAD: '1' });
    assert.equal(data.command[0], 'docker');
    assert.match(data.display, /^BUILDX_NO_DEFAULT_LOAD=1 docker buildx bake /);
  });

  test('BUILDX_NO_DEFAULT_LOAD=0 set by the user reaches buildx unchanged', async () => {
    const docker = fakeDocker({ ...PLATFORMS, BUILDX_NO_DEFAULT_LOAD: '0' });
    const r = await runCli(['run', 'vllm-cu129', '--push'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(bakeEvent(docker)?.noDefaultLoad, '0');
    assert.match(r.stderr, /^bake-matrix: docker buildx bake /m);
  });
});
