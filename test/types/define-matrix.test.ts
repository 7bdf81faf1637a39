// The types of defineMatrix: tsc over test/fixtures/ts-matrix-types/, with that
// folder's tsconfig (a user's, without allowImportingTsExtensions), importing
// 'bake-matrix' through package.json "exports". wrong.ts marks each mistake with
// an expect-error directive, and tsc reports a directive with no error under it:
// a clean run proves that every mistake is a type error and that the correct
// matrices (correct.ts, the example stack in TypeScript) type-check.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const fixture = fileURLToPath(new URL('../fixtures/ts-matrix-types/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('defineMatrix: undeclared values, unknown axes, stages and group members are type errors; correct matrices type-check', () => {
  const marked = readFileSync(`${fixture}wrong.ts`, 'utf8').match(/\/\/ @ts-expect-error/g) ?? [];
  assert.ok(marked.length >= 15, `wrong.ts marks ${marked.length} mistakes`);
  const run = spawnSync(process.execPath, [tsc, '-p', fixture, '--listFiles'], { encoding: 'utf8' });
  const lines = (run.stdout + run.stderr).split('\n').filter(Boolean);
  const errors = lines.filter((line) => !line.startsWith('/'));
  assert.deepEqual(errors, [], 'tsc reports no error');
  assert.equal(run.status, 0);
  for (const file of ['ts-matrix-types/correct.ts', 'ts-matrix-types/wrong.ts', 'ts-stack/matrix.ts', 'src/types/define-matrix.ts']) {
    assert.ok(lines.some((f) => f.endsWith(file)), `tsc checked ${file}`);
  }
});
