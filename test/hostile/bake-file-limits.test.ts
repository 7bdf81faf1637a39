// Bake files a command reads (diff's OLD.json and NEW.json, or the one at a git revision)
// come from pull requests: their size and nesting are bounded before they are parsed,
// with the error naming the file, the limit and the variable that raises it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';

const bake = (target: object) => JSON.stringify({ group: { default: { targets: ['a'] } }, target: { a: target } }, null, 2) + '\n';
/** `args` nested `levels` deep in lists, on one line of its own. */
const nested = (levels: number) => `{\n  "target": {\n    "a": {\n      "args": ${'['.repeat(levels)}${']'.repeat(levels)}\n    }\n  }\n}\n`;

interface Case {
  name: string;
  files: Record<string, string>;
  argv: string[];
  env?: Record<string, string>;
  /** A named pipe to create in the project (reading it would block forever). */
  fifo?: string;
  code: number;
  /** The whole stderr, or what it must match. */
  stderr: string | RegExp;
}

const cases: Case[] = [
  {
    name: 'a bake file nested deeper than the depth limit: exit 2 at the bracket that goes past it, not a stack overflow',
    files: { 'old.json': nested(100_000), 'new.json': bake({ target: 'runtime' }) },
    argv: ['diff', 'old.json', 'new.json'],
    code: 2,
    stderr: [
      'old.json:4:76: error limit-exceeded',
      '  The nesting of mappings and lists is limited to 64 levels; here it goes deeper.',
      '  hint: If this is intended, raise the limit: BAKE_MATRIX_MAX_DEPTH=256 bake-matrix ... (see "Limits" in docs/errors.md).',
      '',
      '1 error',
      '',
    ].join('\n'),
  },
  {
    name: 'the depth limit is the matrix one, raised by the same variable',
    files: { 'old.json': nested(70), 'new.json': nested(70) },
    argv: ['diff', 'old.json', 'new.json'],
    env: { BAKE_MATRIX_MAX_DEPTH: '100' },
    code: 0,
    stderr: '',
  },
  {
    name: 'brackets inside strings are text, not nesting',
    files: { 'old.json': bake({ args: { A: '['.repeat(1000) + '\\"{{{' } }), 'new.json': bake({ args: { A: '{'.repeat(1000) } }) },
    argv: ['diff', 'old.json', 'new.json'],
    code: 0,
    stderr: '',
  },
  {
    name: 'a bake file over the size limit: exit 2 naming the file, before it is read',
    files: { 'old.json': bake({ args: { A: 'x'.repeat(5000) } }), 'new.json': bake({}) },
    argv: ['diff', 'old.json', 'new.json'],
    env: { BAKE_MATRIX_MAX_BAKE_FILE_SIZE: '4K' },
    code: 2,
    stderr: /^old\.json: error limit-exceeded\n {2}The size of a bake file read by a command \(diff, check\) is limited to 4 KiB; old\.json is \d+\.\d+ KiB \([\d,]+ bytes\)\.\n {2}hint: If this is intended, raise the limit: BAKE_MATRIX_MAX_BAKE_FILE_SIZE=16K bake-matrix/,
  },
  {
    name: 'a group member or variable default that is an object whose toString is no function (found by the fuzzer: exit 70) is shown as JSON',
    files: {
      'old.json': JSON.stringify({ group: { g: { targets: ['a', { toString: 1 }] } }, variable: { V: { default: { toString: 1 } } }, target: {} }),
      'new.json': JSON.stringify({ group: { g: { targets: ['a'] } }, variable: { V: { default: 'x' } }, target: {} }),
    },
    argv: ['diff', 'old.json', 'new.json'],
    code: 0,
    stderr: '',
  },
  {
    name: 'a malformed limit variable is a usage error',
    files: { 'old.json': bake({}), 'new.json': bake({}) },
    argv: ['diff', 'old.json', 'new.json'],
    env: { BAKE_MATRIX_MAX_BAKE_FILE_SIZE: 'lots' },
    code: 2,
    stderr: /BAKE_MATRIX_MAX_BAKE_FILE_SIZE="lots" is not a positive whole number of bytes/,
  },
  {
    name: 'a named pipe given to diff: exit 2 at once, not a hang',
    files: { 'new.json': bake({}) },
    fifo: 'old.json',
    argv: ['diff', 'old.json', 'new.json'],
    code: 2,
    stderr: /^old\.json: error file-not-found\n {2}Cannot read old\.json: it is a named pipe \(FIFO\), not a regular file\./,
  },
  {
    name: 'a committed bake file that is a named pipe: check says stale and why, at once',
    files: { 'bake-matrix.yaml': 'stages:\n  app: {}\n', Dockerfile: 'FROM scratch\n' },
    fifo: 'bake/docker-bake.json',
    argv: ['check'],
    code: 1,
    stderr: /^bake\/docker-bake\.json is a named pipe \(FIFO\), not a regular file\.\nbake\/docker-bake\.json is stale/,
  },
];

describe('bake files read by commands are bounded', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const root = testdir(Object.fromEntries(Object.entries(c.files).map(([path, text]) => [join('project', path), text])));
      if (c.fifo) {
        mkdirSync(dirname(join(root, 'project', c.fifo)), { recursive: true });
        execFileSync('mkfifo', [join(root, 'project', c.fifo)]);
      }
      const before = snapshotTree(root);
      const run = await runCli(c.argv, join(root, 'project'), c.env);
      if (typeof c.stderr === 'string') assert.equal(run.stderr, c.stderr);
      else assert.match(run.stderr, c.stderr);
      assert.equal(run.code, c.code, run.stderr);
      if (c.code === 2) assert.equal(run.stdout, '');
      assert.deepEqual(treeChanges(before, snapshotTree(root)), []);
    });
  }
});
