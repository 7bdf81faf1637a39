// The catalogue of accepted input (test/accepted-input/<case>/): matrices that
// `bake-matrix generate` must accept, with what it says about them: nothing,
// or warnings. Each case folder is a small project and `expected.txt`, the
// command, its exit code and its normalised stderr (test/helpers/golden-case.ts).
// A new case is a new folder; BAKE_MATRIX_UPDATE_GOLDEN=1 rewrites the expected
// files. See test/accepted-input/README.md.
//
// Whatever the golden says, each case must also: exit 0, write the bake files,
// and with --json print its warnings in the JSON on stdout (each with a file,
// a line and column inside it, and a key path) and nothing on stderr.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { caseFolders, makeLinks, normalise, readGolden, render } from './helpers/golden-case.ts';
import { testdir } from './helpers/testdir.ts';

const CATALOGUE = fileURLToPath(new URL('./accepted-input/', import.meta.url));
const UPDATE = process.env.BAKE_MATRIX_UPDATE_GOLDEN === '1';

interface JsonWarning {
  severity: string;
  code: string;
  message: string;
  file?: string;
  pointer?: string;
  line?: number;
  column?: number;
}

describe('accepted input is accepted, with what the golden says', () => {
  for (const name of caseFolders(CATALOGUE)) {
    test(name, async () => {
      const source = join(CATALOGUE, name);
      const golden = readGolden(source);
      const root = testdir({});
      cpSync(source, root, { recursive: true, filter: (from) => !from.endsWith('expected.txt') && !from.endsWith('links.txt') });
      makeLinks(source, root);

      const run = await runCli(golden.argv, root, golden.env);
      const actual = render(golden, run.code, normalise(run.stderr, root));
      if (UPDATE) writeFileSync(join(source, 'expected.txt'), actual);

      assert.equal(run.code, 0, `accepted input must exit 0; stderr:\n${run.stderr}`);
      assert.doesNotMatch(run.stderr, /\berror\b/, 'no error');
      assert.ok(existsSync(join(root, 'bake/docker-bake.json')), 'the bake file is written');
      if (!UPDATE) assert.equal(actual, golden.text, `stderr differs from ${name}/expected.txt (BAKE_MATRIX_UPDATE_GOLDEN=1 rewrites it)`);

      const json = await runCli([...golden.argv, '--json'], root, golden.env);
      assert.equal(json.code, 0, json.stderr);
      assert.equal(json.stderr, '', 'with --json the warnings are printed once, as JSON on stdout');
      const warnings = (JSON.parse(json.stdout) as { warnings?: JsonWarning[] }).warnings ?? [];
      assert.equal(warnings.length, (run.stderr.match(/: warning /g) ?? []).length, 'the same warnings as the text form');
      for (const w of warnings) {
        const what = `${w.code}: ${w.message}`;
        assert.equal(w.severity, 'warning', what);
        assert.ok(w.file && w.pointer !== undefined, `${what}: names no file or key path`);
        const lines = readFileSync(join(root, w.file), 'utf8').split('\n').length;
        assert.ok(Number.isInteger(w.line) && w.line! >= 1 && w.line! <= lines, `${what}: line ${w.line} is outside ${w.file}`);
      }
    });
  }
});
