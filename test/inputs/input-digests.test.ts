// Input digests (src/inputs/input-digests.ts): change each kind of input and
// assert exactly which targets' digests change; two checkouts of the same
// files give the same digests; the bounds and links are refused as promised.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inputDigests } from '../../src/inputs/input-digests.ts';
import { contentTagOf, bakeValues } from '../../src/inputs/content-tags.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { testdir } from '../helpers/testdir.ts';

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG BASE_IMAGE=debian:bookworm
FROM \${BASE_IMAGE} AS base
RUN echo base

FROM base AS engine
ARG ENGINE_VERSION
RUN echo engine \${ENGINE_VERSION}

FROM base AS other
RUN echo other

FROM base AS app
COPY --from=engine /engine /engine
COPY app/ /app/
RUN echo app
`;

const FILES: Record<string, string> = {
  Dockerfile: DOCKERFILE,
  '.dockerignore': 'ignored/\n**/*.log\n',
  'app/main.py': 'print("hi")\n',
  'ignored/big.txt': 'ignored\n',
  'app/debug.log': 'log\n',
};

const BAKE = (): BakeFile => ({
  variable: { REGISTRY: { default: 'r.test' }, SOURCE_TAG: { default: 'v1' } },
  group: { default: { targets: ['app', 'other'] } },
  target: {
    _common: { context: '.', dockerfile: 'Dockerfile', platforms: ['linux/amd64'], labels: { 'org.opencontainers.image.revision': '${SOURCE_TAG}' } },
    base: { inherits: ['_common'], target: 'base' },
    app: { inherits: ['_common'], target: 'app', args: { ENGINE_VERSION: '1.0' }, contexts: { base: 'target:base' }, tags: ['${REGISTRY}/app:${SOURCE_TAG}'] },
    other: { inherits: ['_common'], target: 'other', contexts: { base: 'target:base' }, tags: ['${REGISTRY}/other:latest'] },
  },
});

type Change = (files: Record<string, string>, bake: BakeFile) => void;

function digestsOf(files: Record<string, string>, bake: BakeFile, env: Record<string, string> = {}, dir = testdir(files)): Record<string, string> {
  const result = inputDigests(bake, ['app', 'other'], { root: dir, env });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return Object.fromEntries([...result.value].map(([k, v]) => [k, v.digest]));
}

function changedBy(change: Change, env: Record<string, string> = {}): string[] {
  const before = digestsOf(FILES, BAKE());
  const files = { ...FILES };
  const bake = BAKE();
  change(files, bake);
  const after = digestsOf(files, bake, env);
  assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  return Object.keys(after).filter((k) => after[k] !== before[k]).sort();
}

describe('which digests change', () => {
  const cases: { name: string; change: Change; env?: Record<string, string>; changed: string[] }[] = [
    { name: 'nothing', change: () => {}, changed: [] },
    { name: 'a line of the target stage', change: (f) => (f.Dockerfile = f.Dockerfile!.replace('RUN echo app', 'RUN echo app2')), changed: ['app'] },
    { name: 'a line of a stage the target reaches (COPY --from)', change: (f) => (f.Dockerfile = f.Dockerfile!.replace('echo engine', 'echo engine!')), changed: ['app'] },
    { name: 'a line of another stage', change: (f) => (f.Dockerfile = f.Dockerfile!.replace('RUN echo other', 'RUN echo other2')), changed: ['other'] },
    { name: 'a line of the parent stage (replaced by the parent target): the parent and its children', change: (f) => (f.Dockerfile = f.Dockerfile!.replace('RUN echo base', 'RUN echo base2')), changed: ['app', 'base', 'other'] },
    { name: 'a line before the first FROM: everything', change: (f) => (f.Dockerfile = f.Dockerfile!.replace('debian:bookworm', 'debian:trixie')), changed: ['app', 'base', 'other'] },
    // A stage's text runs to the next FROM: a comment there is text of a reached stage (conservative: BuildKit would not rebuild).
    { name: 'a comment at the end of a reached stage', change: (f) => (f.Dockerfile = f.Dockerfile!.replace('FROM base AS other', '# note\nFROM base AS other')), changed: ['app'] },
    { name: 'a root-only pattern (*.log) does not reach into folders', change: (f) => (f['.dockerignore'] = 'ignored/\n*.log\n'), changed: ['app', 'base', 'other'] },
    { name: 'a context file', change: (f) => (f['app/main.py'] = 'print("bye")\n'), changed: ['app', 'base', 'other'] },
    { name: 'a new context file', change: (f) => (f['app/new.py'] = '\n'), changed: ['app', 'base', 'other'] },
    { name: 'a .dockerignored file', change: (f) => (f['ignored/big.txt'] = 'changed\n'), changed: [] },
    { name: 'a file matching a .dockerignore glob', change: (f) => (f['app/debug.log'] = 'more\n'), changed: [] },
    { name: 'the .dockerignore letting a file in', change: (f) => (f['.dockerignore'] = '**/*.log\n'), changed: ['app', 'base', 'other'] },
    { name: 'an arg', change: (_, b) => (b.target.app!.args!.ENGINE_VERSION = '1.1'), changed: ['app'] },
    { name: 'a platform of the parent', change: (_, b) => (b.target.base!.platforms = ['linux/arm64']), changed: ['app', 'base', 'other'] },
    { name: 'a platform of one target', change: (_, b) => (b.target.other!.platforms = ['linux/amd64', 'linux/arm64']), changed: ['other'] },
    { name: 'the target stage', change: (_, b) => (b.target.other!.target = 'engine'), changed: ['other'] },
    { name: 'tags, labels and cache: nothing', change: (_, b) => ((b.target.app!.tags = ['x/y:z']), (b.target.app!.labels = { a: 'b' }), (b.target.other!['cache-to'] = ['type=inline'])), changed: [] },
    { name: 'a variable only tags and labels read: nothing', change: () => {}, env: { SOURCE_TAG: 'v2', REGISTRY: 'other.test' }, changed: [] },
    { name: 'a variable an arg reads, set in the environment', change: (_, b) => (b.target.app!.args!.ENGINE_VERSION = '${SOURCE_TAG}'), env: { SOURCE_TAG: 'v2' }, changed: ['app'] },
    { name: 'a secret id, not its value', change: (_, b) => (b.target.other!.secret = ['id=token,env=TOKEN']), env: { TOKEN: 'secret' }, changed: ['other'] },
    { name: 'a named context pinned to another image', change: (_, b) => (b.target.other!.contexts = { base: 'target:base', extra: 'docker-image://debian:bookworm' }), changed: ['other'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(changedBy(c.change, c.env), c.changed));

  test('a secret value alone changes nothing', () => {
    const bake = BAKE();
    bake.target.other!.secret = ['id=token,env=TOKEN'];
    assert.deepEqual(digestsOf(FILES, bake, { TOKEN: 'a' }), digestsOf(FILES, bake, { TOKEN: 'b' }));
  });
});

describe('the same inputs give the same digests', () => {
  test('two checkouts of the same files, in different folders, written in another order', () => {
    const one = testdir(FILES);
    const two = testdir(Object.fromEntries(Object.entries(FILES).reverse()));
    assert.deepEqual(digestsOf(FILES, BAKE(), {}, one), digestsOf(FILES, BAKE(), {}, two));
  });
  test('a copy of the tree', () => {
    const one = testdir(FILES);
    const two = testdir({});
    cpSync(one, join(two, 'copy'), { recursive: true });
    assert.deepEqual(digestsOf(FILES, BAKE(), {}, one), digestsOf(FILES, BAKE(), {}, join(two, 'copy')));
  });
});

describe('links and bounds', () => {
  test('a link inside the context is hashed as a link, never followed', () => {
    const dir = testdir(FILES);
    symlinkSync('/etc/passwd', join(dir, 'app', 'passwd'));
    const withLink = digestsOf(FILES, BAKE(), {}, dir);
    const result = inputDigests(BAKE(), ['app'], { root: dir, env: {}, keepLines: true });
    assert.ok(result.ok);
    assert.ok(result.value.get('app')!.context.lines!.includes('l "app/passwd" "/etc/passwd"'));
    assert.notEqual(withLink.app, digestsOf(FILES, BAKE()).app);
  });
  test('a context that leads out of the project through a link is refused', () => {
    const dir = testdir(FILES);
    const outside = testdir({ 'x.txt': 'x' });
    symlinkSync(outside, join(dir, 'out'));
    const bake = BAKE();
    bake.target._common!.context = 'out';
    const result = inputDigests(bake, ['app'], { root: dir, env: {} });
    assert.ok(!result.ok);
    assert.equal(result.problems[0]!.code, 'path-outside-repository');
  });
  test('a context past the entry bound is refused, naming the bound', () => {
    const dir = testdir(FILES);
    mkdirSync(join(dir, 'many'));
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, 'many', `f${i}`), '');
    const result = inputDigests(BAKE(), ['app'], { root: dir, env: {}, limits: { entries: 20, bytes: 1e9 } });
    assert.ok(!result.ok);
    assert.match(result.problems[0]!.message, /holds more than 20 entries/);
  });
  test('a context past the byte bound is refused', () => {
    const result = inputDigests(BAKE(), ['app'], { root: testdir(FILES), env: {}, limits: { entries: 100, bytes: 10 } });
    assert.ok(!result.ok);
    assert.match(result.problems[0]!.message, /more than 10 bytes/);
  });
  test('a .dockerignore pattern BuildKit reads differently from JavaScript is refused, naming it', () => {
    const result = inputDigests(BAKE(), ['app'], { root: testdir({ ...FILES, '.dockerignore': 'a\\d\n' }), env: {} });
    assert.ok(!result.ok);
    assert.equal(result.problems[0]!.code, 'dockerignore-pattern');
  });
  test('<Dockerfile>.dockerignore wins over the context one', () => {
    const a = digestsOf({ ...FILES, 'Dockerfile.dockerignore': 'app/\n' }, BAKE());
    const b = digestsOf({ ...FILES, 'Dockerfile.dockerignore': 'app/\n', 'app/main.py': 'changed' }, BAKE());
    assert.equal(a.app, b.app);
  });
  test('a context holding .git that no ignore rule leaves out: one warning per context, naming the file to edit', () => {
    const warned = (files: Record<string, string>) => {
      const result = inputDigests(BAKE(), ['app', 'other'], { root: testdir(files), env: {} });
      assert.ok(result.ok);
      return result.warnings;
    };
    const git = { ...FILES, '.git/HEAD': 'ref: refs/heads/main\n' };
    const [warning, ...more] = warned(git);
    assert.equal(more.length, 0, 'once for the context both targets share');
    assert.equal(warning!.code, 'inputs-cover-git');
    assert.equal(warning!.severity, 'warning');
    assert.match(warning!.hint!, /Add the line "\.git" to \.dockerignore/);
    assert.deepEqual(warned({ ...git, '.dockerignore': `${FILES['.dockerignore']}.git\n` }), []);
    assert.deepEqual(warned({ ...FILES, 'app/.git': 'gitdir: ../x\n' }), [], 'only the context\'s own .git');
    assert.equal(warned({ ...FILES, '.git': 'gitdir: /elsewhere/.git/worktrees/x\n' })[0]?.code, 'inputs-cover-git', 'a worktree\'s .git file');
  });
  test('a context holding a bake file (it changes with every matrix change) that no ignore rule leaves out: a warning naming the folder to leave out', () => {
    const result = inputDigests(BAKE(), ['app'], { root: testdir({ ...FILES, 'bake/docker-bake.json': '{}' }), env: {} });
    assert.ok(result.ok);
    assert.deepEqual(result.warnings.map((w) => w.code), ['inputs-cover-bake-file']);
    assert.match(result.warnings[0]!.hint!, /Add "bake\/docker-bake\.\*" to \.dockerignore/);
    const ignored = inputDigests(BAKE(), ['app'], { root: testdir({ ...FILES, '.dockerignore': 'bake/\n', 'bake/docker-bake.json': '{}' }), env: {} });
    assert.ok(ignored.ok);
    assert.deepEqual(ignored.warnings, []);
  });
  test('a shared context cache hashes each context once per command (--pin-bases digests twice), keeping --files lines apart', () => {
    const dir = testdir(FILES);
    const contextCache = new Map();
    const first = inputDigests(BAKE(), ['app'], { root: dir, env: {}, contextCache });
    writeFileSync(join(dir, 'app', 'main.py'), 'changed\n');
    const again = inputDigests(BAKE(), ['app'], { root: dir, env: {}, contextCache });
    assert.ok(first.ok && again.ok);
    assert.equal(again.value.get('app')!.digest, first.value.get('app')!.digest, 'the second call reads the cache, not the files');
    const withLines = inputDigests(BAKE(), ['app'], { root: dir, env: {}, contextCache, keepLines: true });
    assert.ok(withLines.ok);
    assert.ok(withLines.value.get('app')!.context.lines!.length > 0, 'a call that keeps lines is not served a digest made without them');
  });
  test('a cycle of links is a problem, not a hang', () => {
    const bake = BAKE();
    bake.target.base!.contexts = { app: 'target:app' };
    const result = inputDigests(bake, ['app'], { root: testdir(FILES), env: {} });
    assert.ok(!result.ok);
    assert.equal(result.problems[0]!.code, 'inputs-link-cycle');
  });
  test('an unknown stage is named', () => {
    const bake = BAKE();
    bake.target.other!.target = 'nowhere';
    const result = inputDigests(bake, ['other'], { root: testdir(FILES), env: {} });
    assert.ok(!result.ok);
    assert.equal(result.problems[0]!.code, 'inputs-unknown-stage');
  });
});

describe('content tags', () => {
  test('repository of the first tag, inputs-<12 hex>, under the run values; none without tags', () => {
    const bake = BAKE();
    const result = inputDigests(bake, ['app', 'other'], { root: testdir(FILES), env: {} });
    assert.ok(result.ok);
    const values = bakeValues(bake, { REGISTRY: 'reg.test:5000' });
    const app = contentTagOf(bake, 'app', result.value, values);
    const tag = `reg.test:5000/app:inputs-${result.value.get('app')!.digest.slice(7, 19)}`;
    assert.deepEqual(app, { ok: true, image: 'app', tag, tags: [tag], repository: 'reg.test:5000/app' });
    assert.deepEqual(contentTagOf(bake, 'base', result.value, values), { ok: false, image: 'base', why: 'no tag' });
  });
  test('a per-platform target has its target\'s content tag', () => {
    const bake = BAKE();
    bake.target['app-amd64'] = { inherits: ['app'], platforms: ['linux/amd64'], output: ['type=image,name=${REGISTRY}/app,push-by-digest=true,name-canonical=true'], tags: [] };
    const result = inputDigests(bake, ['app', 'app-amd64'], { root: testdir(FILES), env: {} });
    assert.ok(result.ok);
    const values = bakeValues(bake, {});
    const tag = contentTagOf(bake, 'app-amd64', result.value, values);
    assert.ok(tag.ok);
    assert.equal(tag.image, 'app');
    assert.equal(tag.tag, (contentTagOf(bake, 'app', result.value, values) as { tag: string }).tag);
  });
});

describe('--pin-bases', () => {
  const run = (pinned: Map<string, string> | undefined, bake = BAKE()) => {
    const result = inputDigests(bake, ['app', 'other'], { root: testdir(FILES), env: {}, ...(pinned ? { pinned } : {}) });
    assert.ok(result.ok);
    return result.value;
  };
  test('the FROM image of a reached stage, its ARG substituted, is a base; a stage named by a context is not', () => {
    const d = run(undefined);
    assert.deepEqual(d.get('base')!.bases, ['debian:bookworm']);
    assert.deepEqual(d.get('app')!.bases, []);
  });
  test('a build arg overrides the global ARG in FROM', () => {
    const bake = BAKE();
    bake.target.base!.args = { BASE_IMAGE: 'ubuntu:24.04' };
    assert.deepEqual(run(undefined, bake).get('base')!.bases, ['ubuntu:24.04']);
  });
  test('a moved tag changes the base and everything built on it', () => {
    const a = run(new Map([['debian:bookworm', `sha256:${'a'.repeat(64)}`]]));
    const b = run(new Map([['debian:bookworm', `sha256:${'b'.repeat(64)}`]]));
    for (const name of ['base', 'app', 'other']) assert.notEqual(a.get(name)!.digest, b.get(name)!.digest, name);
  });
  test('a docker-image:// context is a base', () => {
    const bake = BAKE();
    bake.target.other!.contexts = { base: 'target:base', extra: 'docker-image://alpine:3' };
    assert.deepEqual(run(undefined, bake).get('other')!.bases, ['alpine:3']);
  });
});

describe('a FROM that names a stage through an ARG', () => {
  const FILES_OS = {
    Dockerfile: `ARG OS=ubuntu\nFROM debian AS os-ubuntu\nRUN echo ubuntu\nFROM debian AS os-rocky\nRUN echo rocky\nFROM os-\${OS} AS app\nRUN echo app\n`,
  };
  const bake = (os: string): BakeFile => ({ group: {}, target: { app: { context: '.', dockerfile: 'Dockerfile', target: 'app', args: { OS: os } } } });
  const digest = (files: Record<string, string>, os: string) => {
    const r = inputDigests(bake(os), ['app'], { root: testdir(files), env: {} });
    assert.ok(r.ok);
    return r.value.get('app')!;
  };
  test('reaches the stage its value names, not the others', () => {
    assert.deepEqual(digest(FILES_OS, 'rocky').dockerfile.stages, ['os-rocky', 'app']);
    const changed = { Dockerfile: FILES_OS.Dockerfile.replace('echo ubuntu', 'echo ubuntu2') };
    assert.equal(digest(changed, 'rocky').digest, digest(FILES_OS, 'rocky').digest);
    assert.notEqual(digest(changed, 'ubuntu').digest, digest(FILES_OS, 'ubuntu').digest);
  });
  test('the stage is no base image', () => assert.deepEqual(digest(FILES_OS, 'rocky').bases, ['debian']));
});
