// `bake-matrix run` against the stand-in docker: the exact bake argv, flags
// passing through, exit codes, metadata and the summary.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from './fake-docker.ts';

/** The digest the stand-in docker reports for a target. */
const digest = (target: string) => `sha256:${createHash('sha256').update(target).digest('hex')}`;
const PLATFORMS = { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' };

async function run(argv: string[], settings: Record<string, string> = {}) {
  const docker = fakeDocker({ ...PLATFORMS, ...settings });
  const cwd = stackDir();
  const result = await runCli(['run', ...argv], cwd, docker.env);
  return { ...result, docker, cwd, bakeFile: 'bake/docker-bake.json' };
}

describe('the bake call', () => {
  test('is `docker buildx bake -f <generated> <names> <flags> --metadata-file <temp>`, after version and inspect', async () => {
    const r = await run(['vllm-cu129']);
    assert.equal(r.code, 0, r.stderr);
    const calls = r.docker.calls();
    assert.deepEqual(calls.slice(0, 2), [['buildx', 'version'], ['buildx', 'inspect', '--bootstrap']]);
    const bake = r.docker.bakeCall()!;
    assert.deepEqual(bake.slice(0, 5), ['buildx', 'bake', '-f', r.bakeFile, 'vllm-cu129']);
    assert.equal(bake[5], '--metadata-file');
    assert.match(bake[6]!, /bake-matrix-run-.*metadata\.json$/);
    assert.equal(bake.length, 7);
    assert.equal(existsSync(bake[6]!), false, 'the temp metadata file is removed after the run');
    assert.ok(existsSync(join(r.cwd, r.bakeFile)), 'the bake file was regenerated');
  });

  const passThrough = [
    { name: '--set with a separate value', flags: ['--set', '*.platform=linux/amd64'] },
    { name: '--set=value in one token', flags: ['--set=*.args.X=1'] },
    { name: '--progress plain', flags: ['--progress', 'plain'] },
    { name: 'boolean flags', flags: ['--push', '--no-cache', '--pull'] },
    { name: '--provenance and --sbom values', flags: ['--provenance', 'mode=max', '--sbom=true'] },
    { name: 'an unknown flag, as typed', flags: ['--future-flag'] },
  ];
  for (const c of passThrough) {
    test(`passes ${c.name} through unchanged, after the names`, async () => {
      const r = await run(['vllm-cu129', ...c.flags]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.docker.bakeCall()!.slice(0, 5 + c.flags.length), ['buildx', 'bake', '-f', r.bakeFile, 'vllm-cu129', ...c.flags]);
    });
  }

  test('flags before the names: names still come right after the -f files, flags keep their order', async () => {
    const r = await run(['--progress=plain', 'vllm-cu129', '--set', 'vllm-cu129-dev.tags=x', 'vllm-cu130', '--push']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.docker.bakeCall()!.slice(0, 10), ['buildx', 'bake', '-f', r.bakeFile, 'vllm-cu129', 'vllm-cu130', '--progress=plain', '--set', 'vllm-cu129-dev.tags=x', '--push']);
  });

  test("the user's -f files come after the generated one, so an overlay composes with it", async () => {
    const r = await run(['vllm-cu129', '-f', 'ci.hcl', '--file=more.hcl']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.docker.bakeCall()!.slice(0, 9), ['buildx', 'bake', '-f', r.bakeFile, '-f', 'ci.hcl', '-f', 'more.hcl', 'vllm-cu129']);
  });

  test('--builder goes to both inspect and bake', async () => {
    const r = await run(['vllm-cu129', '--builder', 'ci']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.docker.calls()[1], ['buildx', 'inspect', '--builder', 'ci', '--bootstrap']);
    assert.deepEqual(r.docker.bakeCall()!.slice(5, 7), ['--builder', 'ci']);
  });

  test('--print: no builder check, no metadata file, no summary; stdout is buildx\'s alone', async () => {
    const r = await run(['vllm-cu129', '--print'], { FAKE_DOCKER_MODE: 'no-builder' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.docker.calls().map((c) => c[1]), ['version', 'bake']);
    assert.deepEqual(r.docker.bakeCall(), ['buildx', 'bake', '-f', r.bakeFile, 'vllm-cu129', '--print']);
    assert.equal(r.stdout, '', 'in-process, buildx writes to the real stdout, never through io.stdout');
    assert.doesNotMatch(r.stderr, /digest/);
  });
});

describe('exit codes', () => {
  for (const code of [0, 1, 17]) {
    test(`buildx exiting ${code} makes run exit ${code}`, async () => {
      const r = await run(['vllm-cu129'], { FAKE_DOCKER_EXIT: String(code) });
      assert.equal(r.code, code);
      assert.match(r.stderr, code === 0 ? /vllm-cu129 succeeded in \d+s/ : new RegExp(`vllm-cu129 failed \\(exit ${code}\\)`));
    });
  }
});

describe('the summary', () => {
  test('names each requested target with platforms and digest, on stderr and in GITHUB_STEP_SUMMARY', async () => {
    const docker = fakeDocker(PLATFORMS);
    const summaryFile = join(docker.dir, 'step-summary.md');
    writeFileSync(summaryFile, '# earlier step\n');
    const r = await runCli(['run', 'vllm-cu129'], stackDir(), { ...docker.env, GITHUB_STEP_SUMMARY: summaryFile });
    assert.equal(r.code, 0, r.stderr);
    const runtime = digest('vllm-cu129-runtime');
    const dev = digest('vllm-cu129-dev');
    assert.match(r.stderr, new RegExp(`vllm-cu129-runtime +linux/amd64,linux/arm64 +${runtime}`));
    assert.match(r.stderr, new RegExp(`vllm-cu129-dev +linux/amd64,linux/arm64 +${dev}`));
    assert.doesNotMatch(r.stderr, /base-cu129/, 'linked targets are not exported, so not summarised');
    const md = readFileSync(summaryFile, 'utf8');
    assert.ok(md.startsWith('# earlier step\n### bake-matrix: `vllm-cu129` succeeded in '), md);
    assert.ok(md.includes(`| \`vllm-cu129-runtime\` | linux/amd64, linux/arm64 | \`${runtime}\` | \`\${REGISTRY}/vllm:cu129\` |`), md);
    assert.ok(md.includes('| `vllm-cu129-dev` |'), md);
    assert.equal(r.stdout, '', 'stdout stays clean without --json');
  });

  test("a --metadata-file of the user's own is used, read and kept", async () => {
    const docker = fakeDocker(PLATFORMS);
    const metadata = join(docker.dir, 'meta.json');
    const r = await runCli(['run', 'trtllm-cu130', '--metadata-file', metadata, '--json'], stackDir(), docker.env);
    assert.equal(r.code, 0, r.stderr);
    const bake = docker.bakeCall()!;
    assert.equal(bake.filter((a) => a === '--metadata-file').length, 1);
    assert.deepEqual(bake.slice(-2), ['--metadata-file', metadata]);
    assert.ok(existsSync(metadata));
    const summary = JSON.parse(r.stdout) as { exitCode: number; targets: { name: string; platforms: string[]; digest?: string; images: string[] }[] };
    assert.equal(summary.exitCode, 0);
    assert.deepEqual(summary.targets.map((t) => [t.name, t.platforms, t.digest?.slice(0, 7), t.images.length]), [
      ['trtllm-cu130-runtime', ['linux/amd64'], 'sha256:', 1],
      ['trtllm-cu130-dev', ['linux/amd64'], 'sha256:', 1],
    ]);
  });
});
