// Runs every test/**/*.test.ts with node:test through tsx (Node 20 does not expand globs),
// with a short report (scripts/test-reporter.js: failures first, then the closing line
// "N passed, N failed, N skipped"; BAKE_MATRIX_TEST_REPORTER=spec or tap for node's own).
// The tests get a temp folder of their own (TMPDIR), removed afterwards, so the system temp
// folder stays clean: what a test left there is listed, and a folder of a test's fails the run.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** What bake-matrix itself keeps in the temp folder on purpose: the record of the last generation per project (src/run/generation-record.ts). */
const KEPT = /^bake-matrix-generations(-\d+)?$/;

const files = process.argv.length > 2 ? process.argv.slice(2) : find('test').sort();
const reporter = process.env.BAKE_MATRIX_TEST_REPORTER || new URL('./test-reporter.js', import.meta.url).href;
const temp = mkdtempSync(join(tmpdir(), 'bake-matrix-tests-'));
// tsx keeps its compile cache in <temp>/tsx-<uid>: linked to the system one, so it stays warm between runs.
const tsxCache = `tsx-${process.getuid?.() ?? 0}`;
mkdirSync(join(tmpdir(), tsxCache), { recursive: true, mode: 0o700 });
symlinkSync(join(tmpdir(), tsxCache), join(temp, tsxCache));
let status;
try {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, ...files], { stdio: 'inherit', env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp } });
  status = result.status ?? 1;
  const left = readdirSync(temp).filter((name) => !KEPT.test(name) && name !== tsxCache);
  // Ours (a test's folder, bake-matrix's own) fail the run; what docker or buildx left is only named.
  const ours = left.filter((name) => /^(bake-matrix|outside|tmp)-/.test(name) || !name.includes('-'));
  if (left.length) {
    process.stdout.write(`\n${ours.length ? '✖' : 'note:'} the tests left ${left.length} folder(s) or file(s) in their temp folder (removed now; use test/helpers/testdir.ts): ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', ...' : ''}\n`);
    if (ours.length) status = status || 1;
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(status);
