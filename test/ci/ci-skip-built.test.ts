// `bake-matrix ci --skip-built` against the stand-in docker: jobs whose images
// all exist (by content tag) are left out, the others run `bake --skip-built`,
// and the stages close up.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker } from '../run/fake-docker.ts';
import { CI_DOCKERFILE, CI_STACK } from './stack.ts';

interface Ci {
  levels: number;
  stages: number;
  jobs: { id: string; level: number; stage: number; targets: string[]; bake: string[] }[];
}

async function setup() {
  const dir = testdir({ 'matrix/stack.yaml': CI_STACK, Dockerfile: CI_DOCKERFILE, '.dockerignore': 'bake/\n' });
  const r = await runCli(['hash', 'default', '--json'], dir, {});
  assert.equal(r.code, 0, r.stderr);
  const tags = Object.fromEntries((JSON.parse(r.stdout) as { targets: { name: string; contentTag?: string }[] }).targets.map((t) => [t.name, t.contentTag!]));
  return { dir, tags };
}

async function ci(dir: string, images: string[], extra: string[] = []) {
  const docker = fakeDocker({ FAKE_DOCKER_IMAGES: images.join(',') });
  const r = await runCli(['ci', 'default', '--skip-built', ...extra], dir, docker.env);
  assert.equal(r.code, 0, r.stderr);
  return { r, docker, plan: JSON.parse(r.stdout) as Ci };
}

describe('ci --skip-built', () => {
  test('nothing exists: every job, each with --skip-built', async () => {
    const { dir } = await setup();
    const all = JSON.parse((await runCli(['ci', 'default'], dir, {})).stdout) as Ci;
    const { plan, docker } = await ci(dir, []);
    assert.deepEqual(plan.jobs.map((j) => j.id), all.jobs.map((j) => j.id));
    for (const job of plan.jobs) assert.equal(job.bake.at(-1), '--skip-built');
    assert.equal(docker.calls().filter((c) => c[2] === 'inspect').length, 4, 'one look-up per image (not per platform)');
  });

  test('everything exists: no job at all', async () => {
    const { dir, tags } = await setup();
    const { plan, r } = await ci(dir, Object.values(tags));
    assert.deepEqual(plan.jobs, []);
    assert.equal(plan.stages, 0);
    assert.match(r.stderr, /0 to build/);
  });

  test('everything exists but one image: its jobs (and the bases it needs) only, levels closed up', async () => {
    const { dir, tags } = await setup();
    const { plan } = await ci(dir, Object.entries(tags).filter(([n]) => n !== 'vllm-cu129-runtime').map(([, t]) => t));
    const targets = plan.jobs.flatMap((j) => j.targets).sort();
    assert.deepEqual(targets, ['base-cu129-amd64', 'base-cu129-arm64', 'vllm-cu129-runtime-amd64', 'vllm-cu129-runtime-arm64']);
    assert.deepEqual([...new Set(plan.jobs.map((j) => j.level))].sort(), [0, 1]);
  });

  test('github format with no job: count 0', async () => {
    const { dir, tags } = await setup();
    const docker = fakeDocker({ FAKE_DOCKER_IMAGES: Object.values(tags).join(',') });
    const r = await runCli(['ci', 'default', '--skip-built', '--format', 'github'], dir, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).count, 0);
  });
});

describe('manifest --skip-built', () => {
  test('every image exists: its final tags come from the content tag\'s digest, with no metadata', async () => {
    const { dir, tags } = await setup();
    const digest = `sha256:${'c'.repeat(64)}`;
    const docker = fakeDocker({ FAKE_DOCKER_IMAGES: Object.values(tags).map((t) => `${t}=${digest}`).join(',') });
    const r = await runCli(['manifest', 'default', '--skip-built', '--dry-run', '--json'], dir, docker.env);
    assert.equal(r.code, 0, r.stderr);
    const commands = (JSON.parse(r.stdout) as { commands: string[][] }).commands;
    assert.equal(commands.length, 4);
    for (const c of commands) {
      assert.deepEqual(c.slice(0, 4), ['docker', 'buildx', 'imagetools', 'create']);
      assert.equal(c.length, 7, 'one final tag, one source');
      assert.match(c.at(-1)!, new RegExp(`^localhost:5000/ci/(vllm|sglang)@${digest}$`));
    }
  });
  test('an image that does not exist needs its per-platform digests, and gets its content tag', async () => {
    const { dir, tags } = await setup();
    const docker = fakeDocker({ FAKE_DOCKER_IMAGES: Object.entries(tags).filter(([n]) => n !== 'vllm-cu129-runtime').map(([, t]) => t).join(',') });
    const r = await runCli(['manifest', 'default', '--skip-built', '--dry-run', '--json'], dir, docker.env);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /vllm-cu129-runtime: linux\/amd64 \(vllm-cu129-runtime-amd64\)/);
  });
  test('--pin-bases: the content tags looked up are those of hash --pin-bases (the build jobs\' tags), not the unpinned ones', async () => {
    const { dir, tags } = await setup();
    const bases = CI_DOCKERFILE.match(/^FROM (\S+)/m)![1]!;
    const images = `${bases}=sha256:${'1'.repeat(64)}`;
    const pinned = await runCli(['hash', 'default', '--pin-bases', '--json'], dir, fakeDocker({ FAKE_DOCKER_IMAGES: images }).env);
    assert.equal(pinned.code, 0, pinned.stderr);
    const pinnedTags = (JSON.parse(pinned.stdout) as { targets: { contentTag?: string }[] }).targets.map((t) => t.contentTag!).filter(Boolean);
    assert.notDeepEqual(pinnedTags.sort(), Object.values(tags).sort(), 'pinning changes the tags');
    const digest = `sha256:${'c'.repeat(64)}`;
    const docker = fakeDocker({ FAKE_DOCKER_IMAGES: [images, ...pinnedTags.map((t) => `${t}=${digest}`)].join(',') });
    const r = await runCli(['manifest', 'default', '--skip-built', '--pin-bases', '--dry-run', '--json'], dir, docker.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { commands: string[][] }).commands.length, 4, 'every image found under its pinned content tag');
  });
});
