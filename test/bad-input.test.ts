// The catalogue of bad input (test/bad-input/<case>/): every case folder is a
// small project (matrix files, a Dockerfile when needed) and `expected.txt`,
// the normalised stderr of `bake-matrix generate` there. A new case is a new
// folder; BAKE_MATRIX_UPDATE_GOLDEN=1 rewrites the expected files. See
// test/bad-input/README.md.
//
// Whatever the golden says, each case must also: exit 2, print nothing on
// stdout, show no stack trace, name a file:line:col and a key path for every
// error (checked on the --json output, which prints nothing on stderr), and
// leave the previous bake file and its folder exactly as they were.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { caseFolders, makeLinks, normalise, readGolden, render, type Golden } from './helpers/golden-case.ts';
import { testdir } from './helpers/testdir.ts';

const CATALOGUE = fileURLToPath(new URL('./bad-input/', import.meta.url));
const UPDATE = process.env.BAKE_MATRIX_UPDATE_GOLDEN === '1';
const SENTINEL = '{"sentinel": "the previous bake file: generate must leave it byte for byte"}\n';

const cases = caseFolders(CATALOGUE);

describe('bad input never hurts', () => {
  test('the catalogue has cases', () => assert.ok(cases.length > 10, `only ${cases.length} cases in ${CATALOGUE}`));

  for (const name of cases) {
    test(name, async () => {
      const source = join(CATALOGUE, name);
      const golden = readGolden(source);
      const root = testdir({});
      cpSync(source, root, { recursive: true, filter: (from) => !from.endsWith('expected.txt') && !from.endsWith('links.txt') });
      makeLinks(source, root);
      const bakeFile = join(root, 'bake/docker-bake.json');
      if (!existsSync(bakeFile)) {
        mkdirSync(join(root, 'bake'), { recursive: true });
        writeFileSync(bakeFile, SENTINEL);
      }
      const before = snapshot(join(root, 'bake'));

      const run = await runCli(golden.argv, root, golden.env);
      const actual = render(golden, run.code, normalise(run.stderr, root));
      if (UPDATE) writeFileSync(join(source, 'expected.txt'), actual);

      assert.equal(run.code, 2, `bad input must exit 2; stderr:\n${run.stderr}`);
      assert.equal(run.stdout, '', 'problems go to stderr; nothing on stdout without --json');
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace for a user error');
      assert.deepEqual(snapshot(join(root, 'bake')), before, 'the bake folder must be left byte for byte (and no temp file behind)');
      if (!UPDATE) assert.equal(actual, golden.text, `stderr differs from ${name}/expected.txt (BAKE_MATRIX_UPDATE_GOLDEN=1 rewrites it)`);

      await assertJsonProblems(golden, root);
      assert.deepEqual(snapshot(join(root, 'bake')), before, 'the --json run must not write either');
    });
  }
});

/** File name -> bytes of a folder (not recursive: bake files are flat). */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .map((entry) => [entry.name, entry.isFile() ? readFileSync(join(dir, entry.name), 'base64') : '(folder)'] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

interface JsonProblem {
  severity: string;
  code: string;
  message: string;
  file?: string;
  pointer?: string;
  line?: number;
  column?: number;
}

/** With --json, stdout holds the problems as data: each error with a file, a line and a column inside that file. */
async function assertJsonProblems(golden: Golden, root: string): Promise<void> {
  const run = await runCli([...golden.argv, '--json'], root, golden.env);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr, '', 'with --json the problems are printed once, as JSON on stdout');
  let parsed: { problems?: JsonProblem[] };
  try {
    parsed = JSON.parse(run.stdout) as { problems?: JsonProblem[] };
  } catch {
    assert.fail(`--json must print the problems as JSON on stdout, got:\n${run.stdout}`);
  }
  const errors = (parsed.problems ?? []).filter((p) => p.severity === 'error');
  assert.ok(errors.length > 0, 'at least one error');
  for (const p of errors) {
    const what = `${p.code}: ${p.message}`;
    assert.ok(p.file, `${what}: names no file`);
    assert.ok(Number.isInteger(p.line) && Number.isInteger(p.column), `${what}: has no line and column`);
    // Problems about the file as a whole (syntax, encoding, line endings, size, a second document) have a position only.
    assert.ok(p.pointer !== undefined || /syntax|duplicate-key|file-encoding|line-ending|second-document|limit-exceeded/.test(p.code), `${what}: names no key path`);
    // TypeScript also ends a line at a lone CR, U+2028 and U+2029, and positions in a .ts file count them so.
    const lines = readFileSync(join(root, p.file!), 'utf8').split(p.file!.endsWith('.ts') ? /\r\n?|[\n\u2028\u2029]/ : '\n').length;
    assert.ok(p.line! >= 1 && p.line! <= lines, `${what}: line ${p.line} is outside ${p.file}`);
    assert.ok(p.message.length > 20, `${what}: says too little`);
  }
}
