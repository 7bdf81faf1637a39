// A short run of the mutation fuzzer (scripts/fuzz.ts): mutants of the example
// stack and the bad-input cases must exit 0 or 2, never 70 or a signal, within
// the time bound. `npm run fuzz -- --runs 10000` is the long run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSummary, fuzz } from '../scripts/fuzz.ts';
import { testdir } from './helpers/testdir.ts';

const RUNS = Number(process.env.BAKE_MATRIX_FUZZ_RUNS ?? 80);
const SEED = Number(process.env.BAKE_MATRIX_FUZZ_SEED ?? 20261111);

test(`fuzz: ${RUNS} mutants in-process, no internal error, no overrun`, async () => {
  const options = { runs: RUNS, seed: SEED, workers: 2, timeoutMs: 30_000, out: testdir({}), spawn: false };
  const summary = await fuzz(options);
  assert.deepEqual(summary.failures, [], formatSummary(summary, options));
  // The fuzzer reaches both ends: valid mutants generate, broken ones are refused.
  assert.ok((summary.outcomes['generate exit 0'] ?? 0) > 0 && (summary.outcomes['generate exit 2'] ?? 0) > 0, formatSummary(summary, options));
  assert.equal(summary.outcomes['check exit 0'], summary.outcomes['generate exit 0'], 'check after generate finds the files current');
});

test('fuzz --spawn: a few mutants through the real CLI', async () => {
  const options = { runs: 2, seed: SEED, workers: 1, timeoutMs: 60_000, out: testdir({}), spawn: true };
  const summary = await fuzz(options);
  assert.deepEqual(summary.failures, [], formatSummary(summary, options));
  assert.equal(Object.values(summary.outcomes).reduce((a, b) => a + b, 0) >= 2, true);
});
