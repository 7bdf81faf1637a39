// `bake-matrix run` against the stand-in docker: the exact bake argv, flags
// passing through, exit codes, metadata and the summary.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveTarget } from '../../src/inspect/resolve-target.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { runCli } from '../helpers/cli.ts';
import { fakeDocker, stackDir } from './fake-docker.ts';

/** The digest the stand-in docker reports for a target. */
const digest = (target: string) => `sha256:${createHash('sha256').update(target).digest('hex')}`;
const PLATFORMS = { FAKE_DOCKER_PLATFORMS: 'linux/amd64,linux/arm64' };

async function run(argv: string[], settings: Record<string, string> = {}) {
  const docker = fakeDocker({ ...PLATFORMS, ...settings });
  const cwd = stackDir();
  const result = await runCli(['run', ...argv], cwd, docker.env);
  /** The file handed to buildx: the closure of the names, beside the generated file. */
  const bakeFile = docker.bakeCall()?.[3] ?? '(no bake call)';
  return { ...result, docker, cwd, bakeFile };
}

const CLOSURE_FILE = /^bake\/\.bake-matrix\/run-[0-9a-f]{16}\.json$/;
const targetsIn = (cwd: string, file: string) => Object.keys((JSON.parse(readFileSync(join(cwd, file), 'utf8')) as BakeFile).target);

describe('the bake call', () => {
  test('is `docker buildx bake -f <generated> <names> <flags> --metadata-file <temp>`, after version and inspect', async () => {
    const r = await run(['vllm-cu129']);
    assert.equal(r.code, 0, r.stderr);
    const calls = r.docker.calls();
    assert.deepEqual(calls.slice(0, 2).sort(), [['buildx', 'inspect', '--bootstrap'], ['buildx', 'version']], 'asked together, in either order');
    const bake = r.docker.bakeCall()!;
    assert.deepEqual(bake.slice(0, 5), ['buildx', 'bake', '-f', r.bakeFile, 'vllm-cu129']);
    assert.match(r.bakeFile, CLOSURE_FILE);
    assert.equal(bake[5], '--metadata-file');
    assert.match(bake[6]!, /bake-matrix-run-.*metadata\.json$/);
    assert.equal(bake.length, 7);
    assert.equal(existsSync(bake[6]!), false, 'the temp metadata file is removed after the run');
    assert.ok(existsSync(join(r.cwd, 'bake/docker-bake.json')), 'the bake file was regenerated');
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
    assert.ok(r.docker.calls().slice(0, 2).some((c) => c.join(' ') === 'buildx inspect --builder ci --bootstrap'));
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

describe('a new generation', () => {
  test('is written before buildx starts, and also when the run stops before docker (an unknown name)', async () => {
    const built = await run(['vllm-cu129']);
    assert.equal(built.code, 0, built.stderr);
    const file = join(built.cwd, 'bake/docker-bake.json');
    assert.ok(existsSync(file));
    const generated = readFileSync(file, 'utf8');
    assert.ok(readFileSync(join(built.cwd, built.bakeFile), 'utf8').length > 0, 'the closure file is there too');

    const docker = fakeDocker(PLATFORMS);
    const cwd = stackDir();
    const refused = await runCli(['run', 'vllm-cu12'], cwd, docker.env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /"vllm-cu12" is no target or group/);
    assert.deepEqual(docker.calls(), [], 'no docker for a refused name');
    assert.equal(readFileSync(join(cwd, 'bake/docker-bake.json'), 'utf8'), generated, 'the bake file is written all the same');
  });
});

describe('the closure file', () => {
  test('holds the names\' groups, targets and linked targets, and nothing else', async () => {
    const r = await run(['vllm-cu129', '--keep-links']);
    assert.equal(r.code, 0, r.stderr);
    const file = JSON.parse(readFileSync(join(r.cwd, r.bakeFile), 'utf8')) as BakeFile;
    assert.deepEqual(Object.keys(file.group), ['vllm-cu129']);
    assert.deepEqual(Object.keys(file.target).sort(), ['_common', 'base-cu129', 'vllm-cu129-dev', 'vllm-cu129-runtime']);
    assert.deepEqual(Object.keys(file.variable ?? {}), ['REGISTRY']);
    const full = JSON.parse(readFileSync(join(r.cwd, 'bake/docker-bake.json'), 'utf8')) as BakeFile;
    for (const [name, target] of Object.entries(file.target)) assert.deepEqual(target, full.target[name], `${name} as generated`);
    assert.equal(readFileSync(join(r.cwd, 'bake/.bake-matrix/.gitignore'), 'utf8').split('\n').at(-2), '*', 'the folder ignores itself in git');
  });

  test('builds an unrequested link inside its consumers when they build the same stages', async () => {
    // The stack's base hands CUDA_VERSION to a runtime FROM it, so it stays linked (test/run/inline-links.test.ts);
    // a runtime that copies from base instead builds it itself.
    const docker = fakeDocker(PLATFORMS);
    const cwd = stackDir();
    const dockerfile = readFileSync(join(cwd, 'Dockerfile'), 'utf8');
    writeFileSync(join(cwd, 'Dockerfile'), dockerfile.replace('FROM base AS runtime', 'FROM busybox AS runtime\nCOPY --from=base /cuda /cuda'));
    const linked = await runCli(['run', 'vllm-cu129', '--dry-run'], stackDir(), docker.env);
    assert.match(linked.stdout, /\+ base-cu129 +linux\/amd64, linux\/arm64 +linked by vllm-cu129-runtime, vllm-cu129-dev \(target: context\)/);
    const result = await runCli(['run', 'vllm-cu129'], cwd, docker.env);
    const r = { ...result, cwd, bakeFile: docker.bakeCall()?.[3] ?? '(no bake call)' };
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^bake-matrix: built inside the targets that link them \(same stages, args and platforms; --keep-links to build them on their own\): base-cu129$/m);
    const file = JSON.parse(readFileSync(join(r.cwd, r.bakeFile), 'utf8')) as BakeFile;
    const full = JSON.parse(readFileSync(join(r.cwd, 'bake/docker-bake.json'), 'utf8')) as BakeFile;
    // No block links base-cu129 any more; the requested runtime stays dev's link (cache-from: test/run/inline-links.test.ts).
    const rest = (bake: BakeFile, name: string) => {
      const { contexts: _c, 'cache-from': _f, ...others } = resolveTarget(bake, name);
      return JSON.parse(JSON.stringify(others, (k, v) => (k === 'from' ? undefined : v))) as unknown;
    };
    for (const name of ['vllm-cu129-runtime', 'vllm-cu129-dev']) {
      assert.ok(!Object.values(resolveTarget(file, name).contexts).some((c) => c.value === 'target:base-cu129'), `${name} still links base-cu129`);
      assert.deepEqual(rest(file, name), rest(full, name), `${name}: only contexts and cache-from change`);
    }
    assert.equal(file.target['vllm-cu129-dev']!.contexts?.runtime, 'target:vllm-cu129-runtime');
  });

  test('is reused for the same request, another for another; files unused for a day are removed', async () => {
    const docker = fakeDocker(PLATFORMS);
    const cwd = stackDir();
    const handed = async (argv: string[]) => {
      assert.equal((await runCli(['run', ...argv], cwd, docker.env)).code, 0);
      return docker.calls().filter((c) => c[1] === 'bake').at(-1)![3]!;
    };
    const first = await handed(['vllm-cu129']);
    const old = join(cwd, 'bake/.bake-matrix/run-0000000000000000.json');
    writeFileSync(old, '{}');
    utimesSync(old, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    const recent = join(cwd, 'bake/.bake-matrix/run-1111111111111111.json');
    writeFileSync(recent, '{}');
    assert.equal(await handed(['vllm-cu129', '--push']), first, 'the same names and --set values: the same file');
    assert.notEqual(await handed(['trtllm-cu130']), first);
    assert.equal(existsSync(old), false, 'a file unused for two days is removed');
    assert.ok(existsSync(recent), 'a recent one stays (another run may be using it)');
    assert.ok(existsSync(join(cwd, first)));
  });

  test('an overlay that links a target outside the names brings it along', async () => {
    const docker = fakeDocker(PLATFORMS);
    const cwd = stackDir();
    writeFileSync(join(cwd, 'ci.hcl'), 'target "vllm-cu129-dev" {\n  contexts = { extra = "target:base-cu130" }\n}\n');
    assert.equal((await runCli(['run', 'vllm-cu129', '-f', 'ci.hcl'], cwd, docker.env)).code, 0);
    const argv = docker.bakeCall()!;
    assert.deepEqual(argv.slice(4, 7), ['-f', 'ci.hcl', 'vllm-cu129']);
    assert.ok(targetsIn(cwd, argv[3]!).includes('base-cu130'));
  });

  test('an overlay read from stdin: the whole file, since the overlay cannot be read first', async () => {
    const r = await run(['vllm-cu129', '-f', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.bakeFile, 'bake/docker-bake.json');
  });

  test('--set on a target outside the names: that target comes along, so buildx finds it', async () => {
    const r = await run(['vllm-cu129', '--set', 'trtllm-cu130-runtime.args.X=1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(targetsIn(r.cwd, r.bakeFile).includes('trtllm-cu130-runtime'));
  });

  const wholeFile: { name: string; argv: string[]; settings: Record<string, string> }[] = [
    { name: '--full-file', argv: ['vllm-cu129', '--full-file'], settings: {} },
    { name: '--list-targets (every name)', argv: ['--list-targets'], settings: { FAKE_DOCKER_BUILDX_VERSION: 'v0.16.0' } },
  ];
  for (const c of wholeFile) {
    test(`${c.name}: buildx gets the whole generated file`, async () => {
      const r = await run(c.argv, c.settings);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.bakeFile, 'bake/docker-bake.json');
      assert.ok(!r.docker.bakeCall()!.includes('--full-file'), 'our own flag is not passed on');
    });
  }
});

describe('the whole file, when buildx gets it, has no cache-from entry buildx v0.20+ would leak', () => {
  /** The stack with a registry cache whose fallbacks repeat the own ref on main and are empty outside pull requests. */
  const cached = () => {
    const cwd = stackDir();
    const matrix = join(cwd, 'matrix/stack.yaml');
    writeFileSync(
      matrix,
      readFileSync(matrix, 'utf8').replace('platforms:', 'variables:\n  cache_branch: { env: CACHE_BRANCH, default: main }\n  pr_base: { env: CACHE_PR_BASE, default: "" }\nplatforms:') +
        'cache:\n  ref: "{registry}/cache:{target}-{cache_branch}"\n  fallback: ["{registry}/cache:{target}-{pr_base}", "{registry}/cache:{target}-main"]\n',
    );
    return cwd;
  };
  const read = (cwd: string, file: string) => JSON.parse(readFileSync(join(cwd, file), 'utf8')) as BakeFile;
  for (const c of [
    { name: '--full-file', argv: ['vllm-cu129', '--full-file'] },
    { name: 'an overlay read from stdin', argv: ['vllm-cu129', '-f', '-'] },
    { name: 'an overlay that cannot be read here', argv: ['vllm-cu129', '-f', 'missing.hcl'] },
  ]) {
    test(`${c.name}: every target of the generated file, its cache-from without the empty and repeated entries`, async () => {
      const docker = fakeDocker(PLATFORMS);
      const cwd = cached();
      const r = await runCli(['run', ...c.argv], cwd, docker.env);
      assert.equal(r.code, 0, r.stderr);
      const handed = docker.bakeCall()![3]!;
      assert.match(handed, CLOSURE_FILE);
      const whole = read(cwd, 'bake/docker-bake.json');
      const got = read(cwd, handed);
      assert.deepEqual(Object.keys(got.target), Object.keys(whole.target), 'the whole file, not the closure of the names');
      assert.deepEqual(got.group, whole.group);
      assert.equal(whole.target['base-cu129']!['cache-from']!.length, 3, 'the generated file has the own ref, the pull-request base and main');
      for (const [name, target] of Object.entries(got.target)) {
        const own = whole.target[name]!['cache-from'];
        if (!own) continue;
        // On main outside a pull request: the own ref only (the -main fallback repeats it, the other is empty).
        assert.deepEqual(target['cache-from'], own.slice(0, 1), name);
        assert.deepEqual({ ...target, 'cache-from': own }, whole.target[name], `${name}: nothing else differs`);
      }
    });
  }
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
    assert.doesNotMatch(r.stderr.slice(r.stderr.indexOf('succeeded')), /base-cu129/, 'linked targets are not exported, so not summarised');
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
