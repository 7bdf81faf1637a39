// `bake-matrix report`: build time and cache hits per target, from captured
// --progress=plain logs and metadata files (test/fixtures/progress/README.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { progressReport } from '../../src/run/progress-report.ts';
import { readMetadata } from '../../src/run/metadata.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { REPO } from './fake-docker.ts';

const FIXTURES = join(REPO, 'test/fixtures/progress');
const read = (name: string) => ({ log: readFileSync(join(FIXTURES, `${name}.log`), 'utf8'), metadata: readMetadata(join(FIXTURES, `${name}.metadata.json`)) });

describe('progress report', () => {
  test('a level-1 job: the linked base is a cache hit, its own step ran; cache import misses are no failure', () => {
    const { log, metadata } = read('level1-vllm-runtime-amd64');
    const report = progressReport(log, metadata);
    assert.equal(report.failed, false);
    assert.deepEqual({ steps: report.steps, cached: report.cached }, { steps: 2, cached: 1 });
    const runtime = report.targets.find((t) => t.target === 'vllm-runtime-amd64')!;
    assert.deepEqual({ steps: runtime.steps, cached: runtime.cached, ran: runtime.ran, failed: runtime.failed }, { steps: 2, cached: 1, ran: 1, failed: false });
    assert.equal(runtime.digest, 'sha256:759287e3eac43ace9361168bf71459a9a81600a509d40cde48f0ade168f99f34');
    assert.ok(runtime.seconds > 10, `${runtime.seconds}s: the pull of the cached base layers and the export count`);
  });

  test('a bake of one target: steps without a target prefix are its own', () => {
    const { log, metadata } = read('level0-base-amd64');
    const report = progressReport(log, metadata);
    assert.deepEqual(report.targets.map((t) => [t.target, t.steps, t.cached, t.ran]), [['base-amd64', 1, 1, 0]]);
  });

  test('a failed RUN marks its target failed', () => {
    const log = '#1 [app-amd64 app 1/1] RUN false\n#1 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1\n#2 [base-amd64 base 1/1] RUN true\n#2 DONE 0.3s\n';
    const report = progressReport(log, undefined);
    assert.equal(report.failed, true);
    assert.deepEqual(report.targets.map((t) => [t.target, t.failed, t.ran]), [['app-amd64', true, 0], ['base-amd64', false, 1]]);
  });

  test('the command prints Markdown and appends it to $GITHUB_STEP_SUMMARY', async () => {
    const dir = testdir({});
    const summary = join(dir, 'summary.md');
    const run = await runCli(['report', '--log', join(FIXTURES, 'level1-vllm-runtime-amd64.log'), '--metadata-file', join(FIXTURES, 'level1-vllm-runtime-amd64.metadata.json'), '--title', 'vllm-runtime (linux/amd64)'], dir, { GITHUB_STEP_SUMMARY: summary });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^### vllm-runtime \(linux\/amd64\)\n\nCache hits: 1 of 2 Dockerfile steps \(50%\)\./);
    assert.match(run.stdout, /\| `vllm-runtime-amd64` \| 2 \| 1 \(50%\) \| 1 \| \d+s \| `sha256:759287e3eac4…` \|/);
    assert.equal(readFileSync(summary, 'utf8'), run.stdout);
  });

  test('exit 2 without a log', async () => {
    const run = await runCli(['report', '--log', 'nowhere.log'], testdir({}));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Cannot read the log nowhere.log/);
  });
});
