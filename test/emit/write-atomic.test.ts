// The bake files are written as one set, by one writer per folder: a journal
// left by a kill is finished on the next run, temp files of dead runs are
// removed, a stale lock is taken over, a live one waited for, and failed
// writes are explained in words.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { JOURNAL_FILE, sha256, tempName, writeDurably, writeJournal } from '../../src/emit/output-journal.ts';
import { LOCK_FILE } from '../../src/emit/output-lock.ts';
import { isBakeFileName } from '../../src/emit/emit-bake.ts';
import { stringSource } from '../../src/emit/byte-writer.ts';
import { repairOutputFolder, writeFilesAtomic } from '../../src/emit/write-atomic.ts';
import { writeProblem } from '../../src/emit/write-error.ts';
import { UserError } from '../../src/problems/problem.ts';
import { runCli } from '../helpers/cli.ts';
import { snapshotTree, treeChanges } from '../helpers/tree-snapshot.ts';
import { testdir } from '../helpers/testdir.ts';

const files = (dir: string, json: string, hcl: string) => [
  { path: join(dir, 'docker-bake.json'), text: json, shown: 'bake/docker-bake.json' },
  { path: join(dir, 'docker-bake.hcl'), text: hcl, shown: 'bake/docker-bake.hcl' },
];
const read = (dir: string) => ({ json: readFileSync(join(dir, 'docker-bake.json'), 'utf8'), hcl: readFileSync(join(dir, 'docker-bake.hcl'), 'utf8') });
const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.'));

/** The state a SIGKILL between the two renames leaves: new JSON, old HCL, the journal and the HCL's temp file. */
function killedBetweenRenames(dir: string): void {
  writeFilesAtomic(files(dir, 'old json\n', 'old hcl\n'));
  const entries = [
    { file: 'docker-bake.json', temp: tempName(), sha256: sha256('new json\n') },
    { file: 'docker-bake.hcl', temp: tempName(), sha256: sha256('new hcl\n') },
  ];
  writeDurably(join(dir, entries[0]!.temp), 'new json\n');
  writeDurably(join(dir, entries[1]!.temp), 'new hcl\n');
  writeJournal(dir, entries);
  renameSync(join(dir, entries[0]!.temp), join(dir, 'docker-bake.json'));
}

test('a big file is written in chunks with the same bytes, a surrogate pair across a chunk boundary included, and its hash returned', () => {
  const dir = testdir({});
  const text = 'a'.repeat((1 << 20) - 1) + '\u{1F600}' + 'é\n'.repeat(700_000);
  const hash = writeDurably(join(dir, 'big'), text);
  const bytes = readFileSync(join(dir, 'big'));
  assert.ok(bytes.equals(Buffer.from(text)));
  assert.equal(hash, sha256(bytes));
});

test('a streamed file is written as its source makes it, with the bytes and hash of the whole text', () => {
  const dir = testdir({});
  const text = 'target "a" {}\n'.repeat(50_000) + 'é😀\n';
  const hashes = writeFilesAtomic([{ path: join(dir, 'docker-bake.hcl'), text: stringSource(text) }], { owns: isBakeFileName });
  const bytes = readFileSync(join(dir, 'docker-bake.hcl'));
  assert.ok(bytes.equals(Buffer.from(text)));
  assert.deepEqual({ ...hashes }, { 'docker-bake.hcl': sha256(bytes) });
});

for (const [kind, boom] of [
  ['a plain Error', new Error('emitHcl: invalid target name')],
  // Node's own errors carry a code too: still a bug of the source, not a failed write.
  ['an error with a code', Object.assign(new TypeError('The "chunk" argument must be of type string'), { code: 'ERR_INVALID_ARG_TYPE' })],
  ['an errno-like error', Object.assign(new Error('ENOENT: no such file or directory, open template'), { code: 'ENOENT' })],
] as const) {
  test(`a source that fails half way (a bug in making the text, ${kind}) leaves the previous files byte for byte, no temp file, and throws its own error`, () => {
    const dir = testdir({});
    writeFilesAtomic(files(dir, 'old json\n', 'old hcl\n'));
    const failing = (write: (bytes: Uint8Array) => void) => {
      write(Buffer.from('new hcl, a first chunk\n'.repeat(10_000)));
      throw boom;
    };
    assert.throws(
      () => writeFilesAtomic([{ path: join(dir, 'docker-bake.json'), text: 'new json\n' }, { path: join(dir, 'docker-bake.hcl'), text: failing }]),
      (e) => e === boom,
      'the source\'s own error, not a UserError about writing',
    );
    assert.deepEqual(read(dir), { json: 'old json\n', hcl: 'old hcl\n' });
    assert.deepEqual(leftovers(dir), []);
  });
}

test('a journal that cannot be put in place leaves no temp file behind (the error is thrown)', () => {
  const dir = testdir({});
  // A folder where the journal goes: the rename of its temp file over it fails.
  mkdirSync(join(dir, JOURNAL_FILE, 'x'), { recursive: true });
  assert.throws(() => writeJournal(dir, [{ file: 'docker-bake.json' }]), (e) => typeof (e as NodeJS.ErrnoException).code === 'string');
  assert.deepEqual(leftovers(dir), [JOURNAL_FILE]);
});

describe('writes survive a kill', () => {
  test('a journal left between the renames is finished: the pair is the new one, with nothing left behind', () => {
    const dir = join(testdir({}), 'bake');
    mkdirSync(dir);
    killedBetweenRenames(dir);
    assert.deepEqual(read(dir), { json: 'new json\n', hcl: 'old hcl\n' }, 'the state of a kill between renames: mixed');
    assert.deepEqual(repairOutputFolder(dir, 'bake', isBakeFileName), ['docker-bake.json', 'docker-bake.hcl']);
    assert.deepEqual(read(dir), { json: 'new json\n', hcl: 'new hcl\n' });
    assert.deepEqual(leftovers(dir), []);
  });

  test('the next write finishes the journal first, then writes its own pair', () => {
    const dir = join(testdir({}), 'bake');
    mkdirSync(dir);
    killedBetweenRenames(dir);
    writeFilesAtomic(files(dir, 'third json\n', 'third hcl\n'));
    assert.deepEqual(read(dir), { json: 'third json\n', hcl: 'third hcl\n' });
    assert.deepEqual(leftovers(dir), []);
  });

  test('check reports a half-replaced pair as stale and writes nothing; the next generate finishes it', async () => {
    const root = testdir({ Dockerfile: 'FROM scratch AS base\n', 'matrix/m.yaml': 'stages:\n  base: { target: base }\n' });
    assert.equal((await runCli(['generate', '--format', 'both'], root)).code, 0);
    const dir = join(root, 'bake');
    const generated = read(dir);
    // A kill after the JSON was renamed: the HCL is still an older one.
    const entries = [{ file: 'docker-bake.hcl', temp: tempName(), sha256: sha256(generated.hcl) }];
    writeDurably(join(dir, entries[0]!.temp), generated.hcl);
    writeFileSync(join(dir, 'docker-bake.hcl'), '# an older generation\n');
    writeJournal(dir, entries);
    const before = snapshotTree(root);
    const run = await runCli(['check', '--format', 'both'], root);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /bake\/docker-bake\.hcl is stale[\s\S]*bake\/\.bake-matrix\.journal: a killed bake-matrix left bake\/docker-bake\.hcl half replaced; generate finishes that \(check only reads\)\./);
    assert.deepEqual(treeChanges(before, snapshotTree(root)), [], 'check wrote nothing');
    const json = await runCli(['check', '--format', 'both', '--json'], root);
    assert.deepEqual(JSON.parse(json.stdout), { upToDate: false, stale: ['bake/docker-bake.hcl'], unfinishedWrite: 'bake/.bake-matrix.journal' });
    assert.equal((await runCli(['generate', '--format', 'both'], root)).code, 0);
    assert.deepEqual(read(dir), generated);
    assert.deepEqual(leftovers(dir), []);
    assert.equal((await runCli(['check', '--format', 'both'], root)).code, 0);
  });

  test('temp files of dead runs (and of earlier versions) are removed by the next write; other files stay', () => {
    const dir = join(testdir({}), 'bake');
    mkdirSync(dir);
    for (const name of ['.bake-matrix.4242.abc123.tmp', '.4242.zz9.tmp', 'notes.tmp', '.keep']) writeFileSync(join(dir, name), 'x');
    writeFilesAtomic(files(dir, 'j\n', 'h\n'));
    assert.deepEqual(readdirSync(dir).sort(), ['.keep', 'docker-bake.hcl', 'docker-bake.json', 'notes.tmp']);
  });
});

describe('one writer per folder', () => {
  test('a lock left by a dead process is taken over', () => {
    const dir = join(testdir({}), 'bake');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: Date.now() }));
    writeFilesAtomic(files(dir, 'j\n', 'h\n'));
    assert.deepEqual(read(dir), { json: 'j\n', hcl: 'h\n' });
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });

  test('a lock held by a live process is waited for, then reported with its pid and the way out', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      const root = testdir({ Dockerfile: 'FROM scratch AS base\n', 'matrix/m.yaml': 'stages:\n  base: { target: base }\n' });
      mkdirSync(join(root, 'bake'));
      writeFileSync(join(root, 'bake', LOCK_FILE), JSON.stringify({ pid: sleeper.pid, host: hostname(), started: Date.now() }));
      const started = Date.now();
      const run = await runCli(['generate'], root, { BAKE_MATRIX_LOCK_TIMEOUT: '0.3' });
      assert.equal(run.code, 2, run.stderr);
      assert.ok(Date.now() - started >= 300, 'it waited');
      assert.match(run.stderr, new RegExp(`error output-locked[\\s\\S]*Another bake-matrix \\(pid ${sleeper.pid}, since .+\\) is writing the bake files in bake; waited 0\\.3 s`));
      assert.match(run.stderr, /If no such process runs, remove .*bake\/\.bake-matrix\.lock/);
      assert.deepEqual(readdirSync(join(root, 'bake')), [LOCK_FILE], 'nothing written');
    } finally {
      sleeper.kill();
    }
  });

  test('the lock is released after a failed write too', () => {
    const dir = join(testdir({}), 'bake');
    mkdirSync(join(dir, 'docker-bake.hcl', 'in-the-way'), { recursive: true });
    assert.throws(() => writeFilesAtomic(files(dir, 'j\n', 'h\n')), UserError);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    assert.deepEqual(leftovers(dir), []);
  });
});

describe('failed writes in words', () => {
  const CASES: { code: string; words: RegExp }[] = [
    { code: 'EROFS', words: /the file system is read-only \(EROFS\)[\s\S]*--out DIR/ },
    { code: 'ENOSPC', words: /the disk is full/ },
    { code: 'EACCES', words: /permission denied/ },
    { code: 'EISDIR', words: /a folder is in the way/ },
    { code: 'ENOTDIR', words: /part of the path is a file, not a folder/ },
  ];
  for (const c of CASES) {
    test(`${c.code} is explained, with the path`, () => {
      const p = writeProblem(Object.assign(new Error(`${c.code}: raw`), { code: c.code }), 'bake/docker-bake.json', true);
      assert.match(`${p.message}\n${p.hint}`, c.words);
      assert.match(p.message, /^Could not write bake\/docker-bake\.json: .*No bake file was changed\.$/);
    });
  }

  test('--out naming a file: the path and why, in words', async () => {
    const root = testdir({ Dockerfile: 'FROM scratch AS base\n', 'matrix/m.yaml': 'stages:\n  base: { target: base }\n', 'out.txt': 'a file\n' });
    const run = await runCli(['generate', '--out', 'out.txt'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Could not write out\.txt: a file is in the way, where a folder should go \(EEXIST\)\. No bake file was changed\.\n {2}hint: --out must name a folder/);
  });
});
