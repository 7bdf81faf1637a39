// Every argv bake-matrix builds from data: `ci`'s per-job bake arguments
// (target names, then --set <target>.cache-to=), `manifest`'s imagetools
// calls (run through the stand-in docker, which refuses any source that is
// not <repository>@sha256:<64 hex> of the repositories given), and the
// strict integers of `ci --max-stages`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';
import { fakeDocker } from '../run/fake-docker.ts';
import { CI_DOCKERFILE, CI_STACK } from '../ci/stack.ts';

const digestOf = (target: string) => 'sha256:' + createHash('sha256').update(target).digest('hex');
const NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_-]*$/;

function project(): { outer: string; root: string } {
  const outer = testdir({ 'project/matrix/stack.yaml': CI_STACK, 'project/Dockerfile': CI_DOCKERFILE });
  return { outer, root: join(outer, 'project') };
}

describe('ci: every job argument is a target name or --set <target>.cache-to=', () => {
  for (const format of ['json', 'github']) {
    test(`--format ${format}`, async () => {
      const { root } = project();
      const run = await runCli(['ci', 'default', '--format', format], root);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout) as { jobs?: { bake: string[] }[]; stages?: { include: { bake: string }[] }[] };
      const argvs = format === 'json' ? out.jobs!.map((j) => j.bake) : out.stages!.flatMap((s) => s.include.map((j) => j.bake.split(' ')));
      assert.ok(argvs.length > 0);
      for (const argv of argvs) {
        for (let i = 0; i < argv.length; i++) {
          if (argv[i] === '--set') {
            assert.match(argv[++i]!, /^[a-zA-Z0-9_][a-zA-Z0-9_-]*\.cache-to=$/);
            continue;
          }
          assert.match(argv[i]!, NAME, `job argument ${JSON.stringify(argv[i])}`);
        }
      }
    });
  }

  const maxStages = [
    { value: '0x10', ok: false },
    { value: '1e1', ok: false },
    { value: ' 2', ok: false },
    { value: '2.0', ok: false },
    { value: '0', ok: false },
    { value: '-1', ok: false },
    { value: '+3', ok: false },
    { value: '16', ok: true },
  ];
  for (const c of maxStages) {
    test(`--max-stages ${JSON.stringify(c.value)} is ${c.ok ? 'accepted' : 'refused (exit 2)'}`, async () => {
      const { root } = project();
      const run = await runCli(['ci', 'default', `--max-stages=${c.value}`], root);
      assert.equal(run.code, c.ok ? 0 : 2, run.stderr);
      if (!c.ok) assert.match(run.stderr, new RegExp(`Option --max-stages: "${c.value.replace(/[+.]/g, '\\$&')}" is not a positive whole number\\.`));
    });
  }
});

describe('manifest: the stand-in docker gets only <the target\'s repository>@sha256:<64 hex> sources', () => {
  /** Metadata of every (framework, cuda, platform) job of CI_STACK, pushed to `registry`. */
  function metadata(root: string, registry: string): void {
    for (const framework of ['vllm', 'sglang']) {
      for (const cuda of ['cu129', 'cu130']) {
        for (const arch of ['amd64', 'arm64']) {
          const target = `${framework}-${cuda}-runtime-${arch}`;
          mkdirSync(join(root, 'metadata'), { recursive: true });
          writeFileSync(join(root, 'metadata', `${target}.json`), JSON.stringify({ [target]: { 'containerimage.digest': digestOf(target), 'image.name': `${registry}/${framework}` } }));
        }
      }
    }
  }
  const runs: { name: string; env: Record<string, string>; registry: string }[] = [
    { name: 'the defaults', env: {}, registry: 'localhost:5000/ci' },
    { name: 'REGISTRY and a release', env: { REGISTRY: 'ghcr.io/acme', RELEASE_VERSION: '1.4.0' }, registry: 'ghcr.io/acme' },
    { name: 'a registry with a port and a path', env: { REGISTRY: 'registry.internal:8443/team/ml' }, registry: 'registry.internal:8443/team/ml' },
  ];
  for (const r of runs) {
    test(r.name, async () => {
      const { outer, root } = project();
      metadata(root, r.registry);
      const repositories = [`${r.registry}/vllm`, `${r.registry}/sglang`];
      const docker = fakeDocker({ ...r.env, FAKE_DOCKER_REPOSITORIES: repositories.join(',') });
      const before = snapshotTree(outer, ['project/bake']);
      const run = await runCli(['manifest', 'default', '--metadata', 'metadata'], root, docker.env);
      assert.equal(run.code, 0, run.stderr);
      const creates = docker.calls().filter((argv) => argv[1] === 'imagetools');
      assert.equal(creates.length, 4);
      for (const argv of creates) {
        const sources = argv.slice(3).filter((a, i, all) => a !== '-t' && all[i - 1] !== '-t');
        const tags = argv.slice(3).filter((_, i, all) => all[i - 1] === '-t');
        const repository = tags[0]!.slice(0, tags[0]!.lastIndexOf(':'));
        assert.ok(repositories.includes(repository));
        for (const source of sources) assert.match(source, new RegExp(`^${repository.replace(/[.]/g, '\\.')}@sha256:[a-f0-9]{64}$`));
      }
      assert.deepEqual(docker.violations(), []);
      assert.deepEqual(treeChanges(before, snapshotTree(outer, ['project/bake'])), []);
    });
  }

  test('REGISTRY set to an option is refused before docker runs', async () => {
    const { root } = project();
    metadata(root, 'localhost:5000/ci');
    const docker = fakeDocker({ REGISTRY: '--builder=evil' });
    const run = await runCli(['manifest', 'default', '--metadata', 'metadata'], root, docker.env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /error bad-tag[\s\S]*"--builder=evil\/vllm:dev-cu129"/);
    assert.deepEqual(docker.calls().filter((argv) => argv[1] === 'imagetools'), []);
  });
});
