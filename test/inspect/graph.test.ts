// `bake-matrix graph`: the example stack's build as a picture, and `ci` writing
// it into the GitHub step summary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('bake-matrix graph', () => {
  test('mermaid: the targets of a group, direct target: links only, layers rounded, images marked, one CI level', async () => {
    const run = await runCli(['graph', 'vllm-cu129'], ROOT);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        'flowchart LR',
        '  subgraph level0["CI level 0"]',
        '    t_base_cu129["base-cu129"]',
        '    t_torch_cu129(["torch-cu129"])',
        '    t_vllm_cu129_engine(["vllm-cu129-engine"])',
        '    t_vllm_cu129_framework["vllm-cu129-framework"]',
        '    t_vllm_cu129_runtime["vllm-cu129-runtime<br/>2 tags"]:::image',
        '    t_vllm_cu129_dev["vllm-cu129-dev<br/>2 tags"]:::image',
        '  end',
        '  t_base_cu129 -->|build-base| t_torch_cu129',
        '  t_base_cu129 -->|build-base| t_vllm_cu129_engine',
        '  t_torch_cu129 -->|deps-torch| t_vllm_cu129_framework',
        '  t_vllm_cu129_engine -->|deps-engine| t_vllm_cu129_framework',
        '  t_vllm_cu129_framework -->|framework| t_vllm_cu129_runtime',
        '  t_vllm_cu129_runtime -->|runtime| t_vllm_cu129_dev',
        '  classDef image stroke-width:3px',
        '',
      ].join('\n'),
    );
  });

  test('a base two groups share is a level before them', async () => {
    const run = await runCli(['graph', 'cu129'], ROOT);
    assert.equal(run.code, 0, run.stderr);
    const level0 = run.stdout.slice(run.stdout.indexOf('level0'), run.stdout.indexOf('level1'));
    const level1 = run.stdout.slice(run.stdout.indexOf('level1'));
    assert.match(level0, /t_base_cu129\["base-cu129"\]/);
    assert.match(level0, /t_torch_cu129\(\["torch-cu129"\]\)/);
    assert.match(level1, /t_vllm_cu129_runtime/);
    assert.match(level1, /t_sglang_cu129_runtime/);
  });

  test('dot: the same graph for Graphviz, tags as a tooltip', async () => {
    const run = await runCli(['graph', 'vllm-cu129', '--format', 'dot'], ROOT);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^digraph "serving-stack" \{\n  rankdir=LR;\n  subgraph cluster_level0 \{\n    label="CI level 0";\n/);
    assert.match(run.stdout, /"torch-cu129" \[shape=ellipse\];/);
    assert.match(run.stdout, /"vllm-cu129-runtime" \[shape=box, peripheries=2, tooltip="\$\{REGISTRY\}\/vllm:\$\{VERSION\}\\n/);
    assert.match(run.stdout, /"vllm-cu129-framework" -> "vllm-cu129-runtime" \[label="framework"\];/);
    assert.doesNotMatch(run.stdout, /"base-cu129" -> "vllm-cu129-runtime"/);
    assert.ok(run.stdout.endsWith('}\n'));
  });

  test('an unknown name or format: exit 2 with a suggestion', async () => {
    const name = await runCli(['graph', 'vllm-cu12'], ROOT);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /vllm-cu12/);
    const format = await runCli(['graph', '--format', 'svg'], ROOT);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /"svg" is not a graph format; use one of mermaid, dot/);
  });
});

describe('ci writes the graph into the step summary', () => {
  test('with GITHUB_STEP_SUMMARY set: a mermaid block of the group', async () => {
    const dir = testdir({});
    const summary = join(dir, 'summary.md');
    const run = await runCli(['ci', 'vllm-cu129'], ROOT, { GITHUB_STEP_SUMMARY: summary });
    assert.equal(run.code, 0, run.stderr);
    const text = readFileSync(summary, 'utf8');
    assert.match(text, /^### The build of vllm-cu129\n\n```mermaid\nflowchart LR\n/);
    assert.match(text, /t_vllm_cu129_framework -->\|framework\| t_vllm_cu129_runtime\n/);
    assert.ok(text.endsWith('```\n\n'));
  });
});
