// run's closure file holds no cache-from entry that is empty or repeats one the target has under the
// run's variables (src/run/cache-from-repeats.ts): buildx v0.20+ would shorten such a list in place
// and leak entries between sibling targets. With a buildx on the machine (no builder needed), --print
// of the closure gives every target exactly its own lists; skips, saying why, without one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { emitJson } from '../../src/emit/json.ts';
import { generate } from '../../src/generate.ts';
import { withoutRepeatedCacheFrom } from '../../src/run/cache-from-repeats.ts';
import { requestClosure } from '../../src/run/closure.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { bakePrint } from '../helpers/bake-print.ts';
import { noEngine } from '../helpers/buildx.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ref = (name: string, suffix: string) => `type=registry,ref=\${REGISTRY}/cache:${name}-${suffix}`;
const own = (name: string) => [ref(name, '${CACHE_BRANCH}'), `\${CACHE_PR_BASE == "" ? "" : "${ref(name, '${CACHE_PR_BASE}').replace(/"/g, '\\"')}"}`, ref(name, 'main')];

const BAKE = (): BakeFile => ({
  variable: { REGISTRY: { default: 'r.test' }, CACHE_BRANCH: { default: 'main' }, CACHE_PR_BASE: { default: '' } },
  group: {},
  target: {
    base: { 'cache-from': own('base') },
    framework: { inherits: ['base'], 'cache-from': [...own('framework'), ref('base', 'main')] },
    runtime: { inherits: ['framework'], 'cache-from': own('runtime') },
    dev: { inherits: ['framework'], 'cache-from': own('dev') },
  },
});

describe('cache-from entries a target already has are left out of the closure', () => {
  const cases = [
    { env: {}, base: [ref('base', '${CACHE_BRANCH}')], why: 'on main: the -main fallback repeats the own ref, the pull-request one is empty' },
    { env: { CACHE_BRANCH: 'feat' }, base: [ref('base', '${CACHE_BRANCH}'), ref('base', 'main')], why: 'on a branch: the empty pull-request entry only' },
    { env: { CACHE_BRANCH: 'feat', CACHE_PR_BASE: 'main' }, base: [ref('base', '${CACHE_BRANCH}'), own('base')[1]!], why: 'in a pull request to main: the -main fallback repeats the base branch' },
    { env: { CACHE_BRANCH: 'feat', CACHE_PR_BASE: 'dev' }, base: own('base'), why: 'in a pull request to dev: nothing repeats' },
  ];
  for (const c of cases) {
    test(c.why, () => {
      const out = withoutRepeatedCacheFrom(BAKE(), c.env);
      assert.deepEqual(out.target.base!['cache-from'], c.base);
      // An entry the target inherits is not repeated either.
      assert.ok(!out.target.framework!['cache-from']!.includes(ref('base', 'main')));
      assert.equal(out.target.runtime!['cache-from']!.length, c.base.length);
    });
  }
  test('a file with nothing to leave out comes back as it is', () => {
    const bake = BAKE();
    for (const t of Object.values(bake.target)) t['cache-from'] = t['cache-from']!.slice(0, 1);
    assert.equal(withoutRepeatedCacheFrom(bake, {}), bake);
  });
});

test('buildx --print of the closure gives each target its own cache-from, with no entry of a sibling', { timeout: 5 * 60_000 }, async (t) => {
  const version = await execa('docker', ['buildx', 'version'], { reject: false, stdin: 'ignore', timeout: 60_000 });
  if (version.exitCode !== 0) {
    noEngine(t, 'the --print check of the closure\'s cache-from', `docker buildx is not available (\`docker buildx version\`: ${(version.stderr || version.shortMessage || '').split('\n')[0]})`);
    return;
  }
  t.diagnostic(version.stdout.trim());
  const generated = generate('matrix', ROOT);
  assert.ok(generated.ok);
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-cache-from-'));
  try {
    for (const env of [{}, { CACHE_BRANCH: 'feat', CACHE_PR_BASE: 'main' }] as Record<string, string>[]) {
      const closure = withoutRepeatedCacheFrom(requestClosure(generated.value.plan.bake, { names: ['default'], sets: [], overlays: [] }), env);
      const file = join(dir, 'closure.json');
      writeFileSync(file, emitJson(closure));
      const printed = await execa('docker', ['buildx', 'bake', '-f', file, '--print', 'default'], { cwd: ROOT, env: { ...env }, reject: false, stdin: 'ignore', timeout: 120_000 });
      assert.equal(printed.exitCode, 0, printed.stderr);
      const targets = (JSON.parse(printed.stdout) as { target: Record<string, { 'cache-from'?: (string | { ref: string; type: string })[] }> }).target;
      const oracle = bakePrint(closure, ['default'], env);
      for (const [name, expected] of oracle) {
        const got = (targets[name]!['cache-from'] ?? []).map((e) => (typeof e === 'string' ? e : `type=${e.type},ref=${e.ref}`));
        // buildx drops empty entries, which the oracle keeps.
        assert.deepEqual(got, expected['cache-from'].filter((e) => e !== ''), `${name} (${JSON.stringify(env)})`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
