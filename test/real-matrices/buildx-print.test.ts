// The oracle of real-matrices.test.ts (test/helpers/bake-print.ts) against the
// real thing: for every golden case, `docker buildx bake --print default` on the
// generated file, with the case's run-time variables in the environment, must
// resolve every target exactly as the oracle does. Runs only where
// `docker buildx version` works (no builder needed); skips, saying why, elsewhere.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { generate } from '../../src/generate.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { bakePrint, type PrintedTarget } from '../helpers/bake-print.ts';
import { noEngine } from '../helpers/buildx.ts';
import { CASES, FIXTURES } from './cases.ts';

const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(process.env.DOCKER_CONFIG ? { DOCKER_CONFIG: process.env.DOCKER_CONFIG } : {}) };

/** What buildx prints of a target, in the oracle's shape (buildx leaves out what is empty). */
function fromBuildx(t: Record<string, unknown>): PrintedTarget {
  const list = (v: unknown) => (v as string[] | undefined) ?? [];
  const map = (v: unknown) => Object.fromEntries(Object.entries((v as Record<string, string> | undefined) ?? {}).map(([k, x]) => [k, x ?? '']));
  return {
    context: (t.context as string | undefined) ?? '.',
    dockerfile: (t.dockerfile as string | undefined) ?? 'Dockerfile',
    ...(t.target !== undefined ? { target: t.target as string } : {}),
    platforms: list(t.platforms),
    args: map(t.args),
    labels: map(t.labels),
    contexts: map(t.contexts),
    tags: list(t.tags),
    'cache-from': list(t['cache-from']).map(csv),
    'cache-to': list(t['cache-to']).map(csv),
    ...(t.output !== undefined ? { output: (t.output as unknown[]).map(csv) } : {}),
    annotations: list(t.annotations),
  };
}

/**
 * An output or cache entry as buildx before v0.20 prints it (a CSV string), or the object later ones
 * print (keys sorted), as CSV: type first, then the options in their order.
 */
function csv(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  const { type, ...options } = entry as Record<string, unknown>;
  return [`type=${String(type)}`, ...Object.entries(options).map(([k, v]) => `${k}=${String(v)}`)].join(',');
}

/** Output and cache entries with their options sorted: buildx from v0.20 on prints them as objects with sorted keys. */
function optionsSorted(t: PrintedTarget): PrintedTarget {
  const sorted = (entry: string) => {
    const [type, ...options] = entry.split(',');
    return [type, ...options.sort()].join(',');
  };
  return { ...t, 'cache-from': t['cache-from'].map(sorted), 'cache-to': t['cache-to'].map(sorted), ...(t.output ? { output: t.output.map(sorted) } : {}) };
}

test('buildx bake --print resolves every golden case as the test oracle does', { concurrency: true }, async (t) => {
  const version = await execa('docker', ['buildx', 'version'], { env: baseEnv, extendEnv: false, reject: false, stdin: 'ignore' });
  if (version.exitCode !== 0) {
    const reason = `docker buildx is not available (\`docker buildx version\`: ${(version.stderr || version.shortMessage || '').split('\n')[0]})`;
    noEngine(t, 'the buildx --print check of the golden cases', reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-real-'));
  try {
    const cases = CASES.map((c) =>
      t.test(c.name, async () => {
        const folder = join(FIXTURES, c.name);
        const result = generate('matrix', folder);
        assert.ok(result.ok, 'the matrix generates');
        const file = join(dir, `${c.name}.json`);
        writeFileSync(file, result.value.outputs['docker-bake.json']!);
        const printed = await execa('docker', ['buildx', 'bake', '-f', file, '--print', 'default'], { cwd: folder, env: { ...baseEnv, ...c.values }, extendEnv: false, reject: false, stdin: 'ignore' });
        assert.equal(printed.exitCode, 0, `buildx bake --print failed: ${printed.stderr}`);
        const buildx = JSON.parse(printed.stdout) as { target: Record<string, Record<string, unknown>> };
        const oracle = bakePrint(JSON.parse(result.value.outputs['docker-bake.json']!) as BakeFile, ['default'], c.values);
        assert.deepEqual(Object.keys(buildx.target).sort(), [...oracle.keys()].sort(), 'the same targets');
        for (const [name, target] of oracle) assert.deepEqual(optionsSorted(fromBuildx(buildx.target[name]!)), optionsSorted(target), `target "${name}"`);
      }),
    );
    await Promise.all(cases);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
