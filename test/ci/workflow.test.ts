// The GitHub Actions workflow of the example stack (.github/workflows/):
// valid for @action-validator/cli (GitHub's workflow schema), and in step
// with what `bake-matrix ci --format github` prints.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { REPO } from '../run/fake-docker.ts';

const VALIDATOR = join(REPO, 'node_modules/@action-validator/cli/cli.mjs');
const WORKFLOWS = ['images.yml', 'bake-stage.yml'].map((f) => join(REPO, '.github/workflows', f));

const validate = (file: string) => execa(process.execPath, [VALIDATOR, file], { reject: false, cwd: REPO });

interface Workflow {
  jobs: Record<string, { needs?: string | string[]; uses?: string; if?: string; with?: Record<string, string>; steps?: { run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }[]; strategy?: { matrix: string }; 'runs-on'?: string }>;
}

describe('the GitHub Actions workflow', () => {
  for (const file of WORKFLOWS) {
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
    const plan = images.jobs.plan!.steps!.find((s) => s.run?.includes('bake-matrix ci'))!.run!;
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

  test('a stage job runs each matrix entry on its runner with `npm run bake -- <bake>` and uploads metadata under its id', async () => {
    const stage = parse(readFileSync(WORKFLOWS[1]!, 'utf8')) as Workflow;
    const job = stage.jobs.bake!;
    assert.equal(job['runs-on'], '${{ matrix.runner }}');
    const bake = job.steps!.find((s) => s.run?.startsWith('npm run bake -- $BAKE'))!;
    assert.equal(bake.env!.BAKE, '${{ matrix.bake }}');
    assert.match(bake.run!, /--push --progress=plain --metadata-file metadata.json/);
    assert.equal(job.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.name, 'metadata-${{ matrix.id }}');
    const ci = JSON.parse((await runCli(['ci', 'default', '--format', 'github'], REPO)).stdout) as { stages: { include: Record<string, unknown>[] }[] };
    for (const entry of ci.stages.flatMap((s) => s.include)) for (const key of ['runner', 'bake', 'id', 'name']) assert.ok(key in entry, key);
  });

  test('the manifest job downloads the metadata outside the checkout and passes that absolute folder to `bake-matrix manifest`', async () => {
    const images = parse(readFileSync(WORKFLOWS[0]!, 'utf8')) as Workflow;
    const steps = images.jobs.manifest!.steps!;
    assert.equal(steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!.with!.path, '${{ runner.temp }}/metadata');
    const manifest = steps.find((s) => s.run?.includes('bake-matrix manifest'))!.run!;
    assert.match(manifest, /^npx bake-matrix manifest default --metadata "\$RUNNER_TEMP\/metadata" --scope tag$/);
    // The command as the runner expands it: an absolute folder outside the working directory.
    const runnerTemp = testdir({});
    const metadata = join(runnerTemp, 'metadata');
    mkdirSync(join(metadata, 'metadata-1-x'), { recursive: true });
    writeFileSync(join(metadata, 'metadata-1-x', 'metadata.json'), '{}');
    const argv = manifest.replace(/^npx bake-matrix /, '').replace('"$RUNNER_TEMP/metadata"', metadata).split(' ');
    const run = await runCli([...argv, '--dry-run'], REPO);
    assert.doesNotMatch(run.stderr, /does not exist/);
    assert.match(run.stderr, /error missing-platform/);
  });
});
