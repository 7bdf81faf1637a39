// Issue 16, "writes outside the output folder": everything under bake/ may come
// from a pull request. Every file bake-matrix writes, renames or removes is an
// entry of its own folder, reached without following a symbolic link; a
// journal names only the folder's own files; check never writes; an unusable
// lock is refused at once. Each case plants its files and links, runs one
// command, and snapshots the project's parent folder before and after
// (helpers-output.ts): nothing outside project/bake changes, ever.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { JOURNAL_FILE, MAX_JOURNAL_BYTES, sha256 } from '../../src/emit/output-journal.ts';
import { LOCK_FILE } from '../../src/emit/output-lock.ts';
import { makeOld, runOutputCase, type OutputCase } from './helpers-output.ts';

const J = `project/bake/${JOURNAL_FILE}`;
const TEMP = '.bake-matrix.4242.abc123.tmp';
const journal = (...entries: object[]) => JSON.stringify({ pid: 4242, entries }) + '\n';
/** A journal a pull request could commit: remove a file of someone else's, and put a planted one in its place. */
const ESCAPING = journal({ file: '../../outside/victim.txt' }, { file: '../../outside/planted.txt', temp: TEMP, sha256: sha256('planted\n') });
const BAKE_FILES = { 'project/bake/docker-bake.json': '{"target": {"old": {}}}\n' };
const RUN = ['run', 'vllm-cu129', '--print'];

const refusedJournal = (what: RegExp): (string | RegExp)[] => [
  /error journal-refused/,
  what,
  'bake-matrix replays only a journal it wrote, naming the files of this folder. Nothing was replayed.',
  'hint: Remove bake/.bake-matrix.journal',
];

const CASES: OutputCase[] = [
  // A journal naming files outside its folder: refused by every command, replayed by none.
  ...(['check', 'generate'] as const).map(
    (command): OutputCase => ({
      name: `a committed journal naming ../../outside files: ${command} refuses it, exit 2, writes nothing`,
      files: { ...BAKE_FILES, [J]: ESCAPING, [`project/bake/${TEMP}`]: 'planted\n' },
      command: [command],
      exit: 2,
      message: refusedJournal(/bake\/\.bake-matrix\.journal entry 1 names "\.\.\/\.\.\/outside\/victim\.txt", which is not a file bake-matrix writes in this folder/),
      readOnly: true,
    }),
  ),
  {
    name: 'the same journal: run NAME --print refuses it too',
    files: { [J]: ESCAPING, [`project/bake/${TEMP}`]: 'planted\n' },
    command: RUN,
    exit: 2,
    message: refusedJournal(/entry 1 names "\.\.\/\.\.\/outside\/victim\.txt"/),
    readOnly: true,
  },
  {
    name: 'a journal naming a file of the folder that is not a bake file (the Dockerfile)',
    files: { [J]: journal({ file: 'Dockerfile' }), 'project/bake/Dockerfile': 'FROM scratch\n' },
    command: ['generate'],
    exit: 2,
    message: refusedJournal(/entry 1 names "Dockerfile", which is not a file bake-matrix writes in this folder/),
    readOnly: true,
  },
  {
    name: 'a journal whose temp file is not one of ours (a path out of the folder)',
    files: { [J]: journal({ file: 'docker-bake.json', temp: '../../outside/victim.txt', sha256: sha256("someone else's file\n") }) },
    command: ['generate'],
    exit: 2,
    message: refusedJournal(/entry 1 names the temp file "\.\.\/\.\.\/outside\/victim\.txt", which is not one of bake-matrix's/),
    readOnly: true,
  },
  {
    name: 'a journal that is a symbolic link to a file outside',
    files: { 'outside/journal.json': journal({ file: 'docker-bake.json' }) },
    links: { [J]: '../../outside/journal.json' },
    command: ['check'],
    exit: 2,
    message: refusedJournal(/bake\/\.bake-matrix\.journal is a symbolic link, not a journal file/),
    readOnly: true,
  },
  {
    name: 'a journal larger than any journal bake-matrix writes',
    files: { [J]: journal(...Array.from({ length: 3000 }, () => ({ file: 'docker-bake.json' }))) },
    command: ['generate'],
    exit: 2,
    message: refusedJournal(new RegExp(`bake/\\.bake-matrix\\.journal is \\d+ bytes, more than a journal's ${MAX_JOURNAL_BYTES}`)),
    readOnly: true,
  },
  {
    name: 'a journal that is not JSON',
    files: { [J]: 'rm -rf ../..\n' },
    command: ['generate'],
    exit: 2,
    message: refusedJournal(/bake\/\.bake-matrix\.journal is not JSON/),
    readOnly: true,
  },
  {
    name: "a journal in run's own folder naming a bake file of the folder above: run refuses it",
    files: { 'project/bake/.bake-matrix/.gitignore': '*\n', [`project/bake/.bake-matrix/${JOURNAL_FILE}`]: journal({ file: '../docker-bake.json' }) },
    command: RUN,
    exit: 2,
    message: [/error journal-refused/, /bake\/\.bake-matrix\/\.bake-matrix\.journal entry 1 names "\.\.\/docker-bake\.json", which is not a file bake-matrix writes in this folder/],
    after: (p) => assert.ok(existsSync(join(p.project, 'bake/docker-bake.json')), 'the bake file the journal named is still there'),
  },
  // The output folder and run's folder: real folders, never links.
  {
    name: 'bake a symbolic link to a folder outside: generate refuses it, naming it',
    links: { 'project/bake': '../outside' },
    command: ['generate'],
    exit: 2,
    message: [/error output-folder-link/, 'bake is a symbolic link: bake-matrix writes, renames and removes files only in a real folder, never through a link', 'hint: Replace the link bake with a folder, or write somewhere else with --out DIR.'],
    readOnly: true,
  },
  {
    name: '--out naming a symbolic link to a folder outside',
    links: { 'project/out': '../outside' },
    command: ['generate', '--out', 'out'],
    exit: 2,
    message: ['out is a symbolic link'],
    readOnly: true,
  },
  {
    name: '--out whose parent folder is a symbolic link to a folder outside: refused at the link',
    links: { 'project/build': '../outside' },
    command: ['generate', '--out', 'build/bake'],
    exit: 2,
    message: [/error output-folder-link/, 'build is a symbolic link: bake-matrix writes, renames and removes files only in a real folder', 'hint: Replace the link build with a folder'],
    readOnly: true,
  },
  {
    name: 'bake/.bake-matrix a symbolic link to a folder outside: run NAME --print writes, prunes and creates nothing there',
    links: { 'project/bake/.bake-matrix': '../../outside' },
    files: { 'outside/run-0123456789abcdef.json': '{}\n' },
    plant: (p) => makeOld(join(p.outside, 'run-0123456789abcdef.json')),
    command: RUN,
    exit: 2,
    message: [/error run-folder-refused/, 'bake/.bake-matrix is a symbolic link, not a folder', 'hint: Remove bake/.bake-matrix'],
    after: (p) => {
      assert.ok(existsSync(join(p.outside, 'run-0123456789abcdef.json')), 'the old file there is not pruned');
      assert.ok(lstatSync(join(p.project, 'bake/.bake-matrix')).isSymbolicLink());
    },
  },
  {
    name: 'a dangling .gitignore link in bake/.bake-matrix: run does not create what it points to',
    links: { 'project/bake/.bake-matrix/.gitignore': '../../../outside/created-by-run' },
    command: RUN,
    exit: 2,
    message: ['bake/.bake-matrix/.gitignore is a symbolic link, not a file'],
    after: (p) => assert.equal(existsSync(join(p.outside, 'created-by-run')), false),
  },
  {
    name: 'an old closure file that is a link to a file outside: run prunes the link (its own folder), never its target',
    files: { 'project/bake/.bake-matrix/.gitignore': '*\n' },
    links: { 'project/bake/.bake-matrix/run-fedcba9876543210.json': '../../../outside/victim.txt' },
    plant: (p) => makeOld(join(p.outside, 'victim.txt')),
    command: RUN,
    exit: 0,
    message: [],
    after: (p) => assert.equal(readFileSync(join(p.outside, 'victim.txt'), 'utf8'), "someone else's file\n"),
  },
  // Links inside the folder are replaced or removed, never written through.
  {
    name: 'bake/docker-bake.json a symbolic link to a file outside: generate replaces the link, the file stays',
    links: { 'project/bake/docker-bake.json': '../../outside/victim.txt' },
    command: ['generate'],
    exit: 0,
    message: ['wrote bake/docker-bake.json'],
    after: (p) => {
      assert.ok(lstatSync(join(p.project, 'bake/docker-bake.json')).isFile());
      assert.equal(readFileSync(join(p.outside, 'victim.txt'), 'utf8'), "someone else's file\n");
    },
  },
  {
    name: 'a temp-named link and a journal whose temp is a link to a matching file outside: removed, never renamed into place',
    files: { 'outside/bake.json': '{"target": {"planted": {}}}\n' },
    links: { [`project/bake/${TEMP}`]: '../../outside/bake.json', 'project/bake/.bake-matrix.77.zz.tmp': '../../outside/victim.txt' },
    plant: (p) => writeFileSync(join(p.project, 'bake', JOURNAL_FILE), journal({ file: 'docker-bake.json', temp: TEMP, sha256: sha256('{"target": {"planted": {}}}\n') })),
    command: ['generate'],
    exit: 0,
    message: ['wrote bake/docker-bake.json'],
    after: (p) => {
      assert.ok(lstatSync(join(p.project, 'bake/docker-bake.json')).isFile());
      assert.doesNotMatch(readFileSync(join(p.project, 'bake/docker-bake.json'), 'utf8'), /planted/);
      for (const name of [TEMP, '.bake-matrix.77.zz.tmp', JOURNAL_FILE]) assert.equal(existsSync(join(p.project, 'bake', name)), false, `${name} is gone`);
    },
  },
  // An unusable lock path: exit 2 at once, not a busy loop until the timeout.
  {
    name: 'the lock path a folder: exit 2 at once, naming it',
    files: { [`project/bake/${LOCK_FILE}/x`]: '' },
    command: ['generate'],
    env: { BAKE_MATRIX_LOCK_TIMEOUT: '20' },
    withinMs: 10_000,
    exit: 2,
    message: [/error output-lock-unusable/, 'bake/.bake-matrix.lock is a folder, not a lock file bake-matrix made', 'hint: Remove bake/.bake-matrix.lock'],
    readOnly: true,
  },
  {
    name: 'the lock path a dangling symbolic link: exit 2 at once, and what it points to is not created',
    links: { [`project/bake/${LOCK_FILE}`]: '../../outside/lock-target' },
    command: ['generate'],
    env: { BAKE_MATRIX_LOCK_TIMEOUT: '20' },
    withinMs: 10_000,
    exit: 2,
    message: ['bake/.bake-matrix.lock is a symbolic link, not a lock file bake-matrix made'],
    readOnly: true,
    after: (p) => assert.equal(existsSync(join(p.outside, 'lock-target')), false),
  },
  {
    name: 'the lock path a symbolic link to a file outside: exit 2, the file untouched',
    links: { [`project/bake/${LOCK_FILE}`]: '../../outside/victim.txt' },
    command: ['generate'],
    withinMs: 10_000,
    exit: 2,
    message: ['bake/.bake-matrix.lock is a symbolic link, not a lock file bake-matrix made'],
    readOnly: true,
  },
];

describe('hostile output folders: nothing outside bake/ is written, renamed or removed', () => {
  for (const c of CASES) test(c.name, async () => void (await runOutputCase(c)));
});
