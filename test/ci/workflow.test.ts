// The GitHub Actions workflows of the example stack (.github/workflows/):
// valid for @action-validator/cli (GitHub's workflow schema), in step with
// what `bake-matrix ci --format github` prints, and hardened: every action
// pinned by commit SHA with its version in a comment, permissions per job,
// a timeout on every job, nothing pushed or cache written from a pull request.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { fakeDocker, REPO } from '../run/fake-docker.ts';
import { CI_DOCKERFILE, CI_STACK } from './stack.ts';

const VALIDATOR = join(REPO, 'node_modules/@action-validator/cli/cli.mjs');
const WORKFLOWS = ['images.yml', 'bake-stage.yml'].map((f) => join(REPO, '.github/workflows', f));
/** The repository's workflows, and the ones `bake-matrix init --ci github` writes into a project. */
const ALL = ['.github/workflows', 'templates/github'].flatMap((dir) => readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.yml')).map((f) => join(REPO, dir, f)));

/** Every `uses:` of a workflow's text that is not pinned: a local ./ path, or owner/repo[/path]@<40 hex> # v<version>. */
export function unpinned(text: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), at: i + 1 }))
    .filter(({ line }) => /^(- )?uses:/.test(line))
    .filter(({ line }) => !/^(- )?uses: (\.\/\S+|[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+){0,2})$/.test(line))
    .map(({ line, at }) => `${at}: ${line}`);
}

const validate = (file: string) => execa(process.execPath, [VALIDATOR, file], { reject: false, cwd: REPO });

interface Workflow {
  jobs: Record<string, { needs?: string | string[]; uses?: string; if?: string; with?: Record<string, string>; steps?: { run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }[]; strategy?: { matrix: string }; 'runs-on'?: string }>;
}

describe('the GitHub Actions workflow', () => {
  for (const file of ALL) {
    test(`${file.slice(REPO.length + 1)} passes @action-validator/cli`, async () => {
      const result = await validate(file);
      assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    });
  }

  test('the validator fails a broken workflow (so the test above can fail)', async () => {
    const broken = join(testdir({}), 'images.yml');
    writeFileSync(broken, readFileSync(WORKFLOWS[0]!, 'utf8').replace('    runs-on: ubuntu-24.04\n', '    run-on: ubuntu-24.04\n'));
    const result = await validate(broken);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Additional property 'run-on' is not allowed/);
  });

  test('one stage job per stage the example needs, each after the one before, and --max-stages says how many', async () => {
    const images = parse(readFileSync(WORKFLOWS[0]!, 'utf8')) as Workflow;
    const stages = Object.keys(images.jobs).filter((j) => /^stage-\d+$/.test(j));
    const plan = images.jobs.plan!.steps!.find((s) => s.run?.includes('bake-matrix.js ci'))!.run!;
    const max = Number(/--max-stages (\d+)/.exec(plan)![1]);
    assert.equal(stages.length, max);
    stages.forEach((name, i) => {
      const job = images.jobs[name]!;
      assert.equal(job.uses, './.github/workflows/bake-stage.yml');
      assert.ok(job.with!.matrix!.includes(`.stages[${i}]`), `${name} runs stage ${i}`);
      if (i > 0) assert.ok([job.needs].flat().includes(`stage-${i - 1}`), `${name} needs stage-${i - 1}`);
    });
    assert.deepEqual([images.jobs.manifest!.needs].flat(), ['plan', ...stages]);
    const run = await runCli(['ci', 'default', '--format', 'github', '--max-stages', String(max)], REPO);
    assert.equal(run.code, 0, run.stderr);
  });

  for (const file of [WORKFLOWS[0]!, join(REPO, 'templates/github/bake.yml')]) {
    test(`${file.slice(REPO.length + 1)}: stage i runs only when the plan has more than i stages (ci --skip-built may leave none)`, async () => {
      const workflow = parse(readFileSync(file, 'utf8')) as Workflow;
      const stages = Object.keys(workflow.jobs).filter((j) => /^stage-\d+$/.test(j));
      assert.ok(stages.length > 0);
      stages.forEach((name, i) => assert.equal(workflow.jobs[name]!.if, `fromJSON(needs.plan.outputs.ci).count > ${i}`, name));
      // What the guard reads: `count` is the number of stages, 0 when every image exists.
      const cwd = testdir({ 'matrix/stack.yaml': CI_STACK, Dockerfile: CI_DOCKERFILE, '.dockerignore': 'bake/\n' });
      const docker = fakeDocker();
      const all = await runCli(['ci', 'default', '--format', 'github', '--skip-built'], cwd, docker.env);
      assert.equal(all.code, 0, all.stderr);
      const planned = JSON.parse(all.stdout) as { count: number; stages: unknown[] };
      assert.ok(planned.count > 0);
      assert.equal(planned.count, planned.stages.length);
      const tags = (JSON.parse((await runCli(['hash', 'default', '--json'], cwd)).stdout) as { targets: { contentTag?: string }[] }).targets.flatMap((t) => (t.contentTag ? [t.contentTag] : []));
      const built = fakeDocker({ FAKE_DOCKER_IMAGES: tags.join(',') });
      const none = await runCli(['ci', 'default', '--format', 'github', '--skip-built'], cwd, built.env);
      assert.equal(none.code, 0, none.stderr);
      const empty = JSON.parse(none.stdout) as { count: number; stages: unknown[] };
      assert.deepEqual({ count: empty.count, stages: empty.stages }, { count: 0, stages: [] });
    });
  }

  test('a stage job runs each matrix entry on its runner with `bake-matrix run <bake>` and uploads metadata under its id', async () => {
    const stage = parse(readFileSync(WORKFLOWS[1]!, 'utf8')) as Workflow;
    const job = stage.jobs.publish!;
    assert.equal(job['runs-on'], '${{ matrix.runner }}');
    const bake = job.steps!.find((s) => s.run?.includes('node bin/bake-matrix.js run $BAKE'))!;
    assert.equal(bake.env!.BAKE, '${{ matrix.bake }}');
    assert.match(bake.run!, /--push --progress=plain --metadata-file metadata.json/);
    assert.equal(job.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.name, 'metadata-${{ matrix.id }}');
    const ci = JSON.parse((await runCli(['ci', 'default', '--format', 'github'], REPO)).stdout) as { stages: { include: Record<string, unknown>[] }[] };
    for (const entry of ci.stages.flatMap((s) => s.include)) for (const key of ['runner', 'bake', 'id', 'name']) assert.ok(key in entry, key);
  });

  test('the stage jobs expose the Actions cache token to buildx when the job uses a gha cache (matrix.gha) or BAKE_GHA_CACHE is set', () => {
    for (const file of ALL.filter((f) => f.endsWith('bake-stage.yml'))) {
      const stage = parse(readFileSync(file, 'utf8')) as Workflow;
      for (const [name, job] of [['publish', stage.jobs.publish!], ['verify', stage.jobs.verify!]] as const) {
        const steps = job.steps!;
        const expose = steps.findIndex((s) => s.uses?.startsWith('crazy-max/ghaction-github-runtime@'));
        assert.ok(expose >= 0, `${file} ${name}`);
        assert.equal((steps[expose] as { if?: string }).if, "vars.BAKE_GHA_CACHE == 'true' || matrix.gha == 'true'", `${file} ${name}`);
        assert.ok(expose < steps.findIndex((s) => /bake-matrix(\.js)? run \$BAKE/.test(s.run ?? '')), `${file} ${name}: the token must be exposed before the bake step`);
      }
    }
  });

  test('the manifest job downloads the metadata outside the checkout and passes that absolute folder to `bake-matrix manifest`', async () => {
    const images = parse(readFileSync(WORKFLOWS[0]!, 'utf8')) as Workflow;
    const steps = images.jobs.manifest!.steps!;
    assert.equal(steps.find((s) => s.uses?.startsWith('actions/download-artifact') && s.with?.pattern)!.with!.path, '${{ runner.temp }}/metadata');
    const manifest = steps.find((s) => s.run?.includes('bake-matrix.js manifest'))!.run!;
    assert.match(manifest, /^node bin\/bake-matrix\.js manifest default --metadata "\$RUNNER_TEMP\/metadata" --scope tag$/);
    // The command as the runner expands it: an absolute folder outside the working directory.
    const runnerTemp = testdir({});
    const metadata = join(runnerTemp, 'metadata');
    mkdirSync(join(metadata, 'metadata-1-x'), { recursive: true });
    writeFileSync(join(metadata, 'metadata-1-x', 'metadata.json'), '{}');
    const argv = manifest.replace(/^node bin\/bake-matrix\.js /, '').replace('"$RUNNER_TEMP/metadata"', metadata).split(' ');
    const run = await runCli([...argv, '--dry-run'], REPO);
    assert.doesNotMatch(run.stderr, /does not exist/);
    assert.match(run.stderr, /error missing-platform/);
  });

  test('every action is pinned by commit SHA with its version in a comment', () => {
    for (const file of ALL) assert.deepEqual(unpinned(readFileSync(file, 'utf8')), [], file);
  });

  test('the pin check refuses a tag, a branch, a short SHA, and a SHA without its version', () => {
    const text = [
      '      - uses: actions/checkout@v4',
      '      - uses: actions/checkout@main',
      '        uses: docker/login-action@4907a6d # v4.1.0',
      '      - uses: docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121',
      '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
      '    uses: ./.github/workflows/bake-stage.yml',
    ].join('\n');
    assert.deepEqual(unpinned(text).map((l) => Number(l.split(':')[0])), [1, 2, 3, 4]);
  });

  test('least privilege: nothing at the top, permissions and a timeout on every job, buildx pinned', () => {
    for (const file of ALL) {
      const workflow = parse(readFileSync(file, 'utf8')) as { permissions?: unknown; jobs: Record<string, { permissions?: unknown; 'timeout-minutes'?: number; uses?: string; steps?: { uses?: string; with?: Record<string, string> }[] }> };
      assert.deepEqual(workflow.permissions, {}, `${file}: top-level permissions`);
      for (const [name, job] of Object.entries(workflow.jobs)) {
        assert.ok(job.permissions && typeof job.permissions === 'object', `${file}: job ${name} has no permissions of its own`);
        // A job that calls a reusable workflow takes no timeout: the called jobs have theirs.
        if (!job.uses) assert.ok(typeof job['timeout-minutes'] === 'number', `${file}: job ${name} has no timeout-minutes`);
        for (const step of job.steps ?? []) if (step.uses?.startsWith('docker/setup-buildx-action@')) assert.match(step.with?.version ?? '', /^v\d+\.\d+\.\d+$/, `${file}: job ${name} does not pin buildx`);
      }
    }
  });

  test('a pull request (a fork\'s too) builds without pushing, reads the cache and writes none, with a read-only token', () => {
    const images = parse(readFileSync(WORKFLOWS[0]!, 'utf8')) as Workflow & { concurrency: { 'cancel-in-progress': string } };
    const vars = images.jobs.plan!.steps!.find((s) => s.run?.includes('push=false'))!.run!;
    assert.match(vars, /"\$GITHUB_EVENT_NAME" != pull_request && \( "\$GITHUB_REF" == "refs\/heads\/\$DEFAULT_BRANCH" \|\| "\$GITHUB_REF" == refs\/tags\/v\* \)/);
    assert.match(images.jobs.manifest!.if!, /needs\.plan\.outputs\.push == 'true'/);
    assert.equal(images.concurrency['cancel-in-progress'], "${{ github.event_name == 'pull_request' }}");
    const stage = parse(readFileSync(WORKFLOWS[1]!, 'utf8')) as { jobs: Record<string, { if: string; permissions: Record<string, string>; steps: { run?: string; with?: Record<string, string> }[] }> };
    const verify = stage.jobs.verify!;
    assert.equal(verify.if, '${{ !inputs.push }}');
    assert.deepEqual(verify.permissions, { contents: 'read', packages: 'read' });
    const run = verify.steps.map((s) => s.run ?? '').join('\n');
    assert.doesNotMatch(run, /--push/);
    assert.match(run, /--set "\*\.cache-to=" --set "\*\.output=type=cacheonly"/);
    assert.doesNotMatch(JSON.stringify(verify), /secrets\./);
    assert.equal(stage.jobs.publish!.if, 'inputs.push');
  });
});
