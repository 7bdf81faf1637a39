// Packages load when a command needs them, not at start-up: `--help` loads
// none of the heavy ones, a YAML-only matrix never loads the TOML parser.
// Read from require's cache of a real CLI process at exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testdir } from '../helpers/testdir.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['ajv', 'yaml', 'toml-eslint-parser', 'dockerfile-ast'];

/** The packages of PACKAGES that `bake-matrix ...args` loaded. */
function loaded(args: string[], cwd: string): string[] {
  const dir = testdir({ 'report.cjs': "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_REPORT, Object.keys(require.cache).join('\\n')));\n" });
  const report = join(dir, 'loaded.txt');
  const r = spawnSync(process.execPath, ['--require', join(dir, 'report.cjs'), join(REPO, 'bin/bake-matrix.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, LOADED_REPORT: report } });
  assert.equal(r.status, 0, r.stderr);
  const files = readFileSync(report, 'utf8');
  return PACKAGES.filter((p) => files.includes(`/node_modules/${p}/`));
}

test('--help loads none of the heavy packages', () => {
  assert.deepEqual(loaded(['--help'], REPO), []);
});

test('generate loads what its input needs: a YAML-only matrix never loads the TOML parser', () => {
  const dir = testdir({ 'matrix.yaml': 'stages:\n  base: { target: base }\n', Dockerfile: 'FROM scratch AS base\n' });
  assert.deepEqual(loaded(['generate', '--matrix', 'matrix.yaml'], dir), ['ajv', 'yaml', 'dockerfile-ast']);
});

test('a TOML matrix loads the TOML parser (and no YAML)', () => {
  const dir = testdir({ 'matrix.toml': '[stages.base]\ntarget = "base"\n', Dockerfile: 'FROM scratch AS base\n' });
  assert.deepEqual(loaded(['generate', '--matrix', 'matrix.toml'], dir), ['ajv', 'toml-eslint-parser', 'dockerfile-ast']);
});
