// The round trip a user makes: `npm pack` here, then in a fresh project
// `npm i -D ./bake-matrix-<v>.tgz` and `npx bake-matrix ...`. Offline: the
// consumer starts with a lockfile holding bake-matrix's runtime dependencies
// as this repository locks them, so npm takes every tarball from its cache
// (where `npm ci` put them) and asks no registry.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testdir } from '../helpers/testdir.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; peerDependencies: Record<string, string> };

/** The environment without what `npm test` sets for its script (npm_config_*, npm_package_*): the child npm is a user's. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: userEnv(), timeout: 120_000 });
}

/** A consumer project whose lockfile pins bake-matrix's runtime dependencies (every non-dev entry of our lock). */
function consumer(files: Record<string, string>): string {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const packages: Record<string, unknown> = { '': { name: 'consumer', version: '1.0.0' } };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev && !entry.devOptional) packages[path] = entry;
  return testdir({
    'package.json': JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2) + '\n',
    'package-lock.json': JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n',
    ...files,
  });
}

describe('npm pack, then npm i -D ./bake-matrix-<v>.tgz in another project', () => {
  // Made here, not in before(): a temp folder made in a hook would be removed when the hook ends.
  const out = testdir({});
  const project = consumer({
    Dockerfile: 'ARG BASE=debian:bookworm-slim\nFROM ${BASE} AS build\nARG APP_VERSION=1.0\nRUN echo "$APP_VERSION" > /version\nFROM build AS runtime\nCMD ["cat", "/version"]\n',
    'typed/matrix.ts': "export default { name: 'app' };\n",
  });
  let packed: string[] = [];
  let install: SpawnSyncReturns<string>;

  before(() => {
    // `npm pack` builds dist/ through prepack; npm test has built it already, so the test packs without scripts.
    const build = run(process.execPath, ['scripts/build.js', '--if-stale'], REPO);
    assert.equal(build.status, 0, build.stderr);
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], REPO);
    assert.equal(pack.status, 0, pack.stderr);
    const [result] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = join(out, result!.filename);
    packed = result!.files.map((f) => f.path);
    install = run('npm', ['i', '-D', tarball, '--offline', '--no-audit', '--no-fund'], project);
  });

  test('the tarball holds the compiled CLI, its stamp, the license and the changelog, and no tests', () => {
    for (const path of ['bin/bake-matrix.js', 'dist/cli/main.js', 'dist/source-stamp.json', 'schema/matrix.schema.json', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
      assert.ok(packed.includes(path), `${path} is not in the tarball`);
    }
    assert.deepEqual(packed.filter((p) => /^(test|matrix|bake|scripts)\//.test(p)), []);
  });

  test('installs offline, with no install-script warning (no prepare, no postinstall in the package)', () => {
    assert.equal(install.status, 0, install.stderr);
    assert.doesNotMatch(install.stderr, /install-scripts|install scripts/i);
    assert.ok(existsSync(join(project, 'node_modules/bake-matrix/dist/cli/main.js')));
    // ts-morph is an optional peer dependency: not installed unless asked for.
    assert.equal(existsSync(join(project, 'node_modules/ts-morph')), false);
  });

  test('npx bake-matrix --version runs the compiled CLI', () => {
    const r = run('npx', ['--offline', 'bake-matrix', '--version'], project);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
    assert.equal(r.stderr, '');
  });

  test('init from the Dockerfile, then generate, check and ci with no --matrix', () => {
    const init = run('npx', ['--offline', 'bake-matrix', 'init'], project);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /^wrote bake-matrix\.yaml \(2 stages: build, runtime; 2 ARG defaults/);
    assert.match(init.stdout, /wrote package\.json \(scripts bake, bake:generate, bake:check\)/);
    const generate = run('npm', ['run', '--silent', 'bake:generate'], project);
    assert.equal(generate.status, 0, generate.stderr);
    assert.match(generate.stdout, /wrote bake\/docker-bake\.json/);
    const bake = JSON.parse(readFileSync(join(project, 'bake/docker-bake.json'), 'utf8')) as { target: Record<string, { tags?: string[]; args?: Record<string, string> }> };
    assert.deepEqual(bake.target['runtime']?.tags, ['${REGISTRY}/consumer:${VERSION}']);
    const check = run('npx', ['--offline', 'bake-matrix', 'check'], project);
    assert.equal(check.status, 0, check.stderr);
    const ci = run('npx', ['--offline', 'bake-matrix', 'ci', 'default'], project);
    assert.equal(ci.status, 0, ci.stderr);
    const jobs = JSON.stringify(JSON.parse(ci.stdout));
    for (const target of ['runtime-amd64', 'runtime-arm64']) assert.ok(jobs.includes(`"${target}"`), `${target} not in ${jobs}`);
  });

  test('a TypeScript matrix without ts-morph: exit 2, saying what to install', () => {
    const r = run('npx', ['--offline', 'bake-matrix', 'generate', '--matrix', 'typed/matrix.ts'], project);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /typed\/matrix\.ts:1:1: error ts-morph-missing/);
    assert.ok(r.stderr.includes(`npm i -D ts-morph@${pkg.peerDependencies['ts-morph']}`), r.stderr);
  });
});
