// The compiled CLI runs only when dist/ was built from the sources as they are:
// any edit, new, removed or renamed source makes it stale (bin/dist-stamp.js),
// and then bin/bake-matrix.js runs src/ through tsx and says so. The stamp is
// a hash of the sources' bytes: a touch or a rewrite with the same text (what
// `npm run gen:types` does to unchanged types) leaves dist/ fresh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceStamp, staleReason, STAMP_FILE } from '../../bin/dist-stamp.js';
import { testdir } from '../helpers/testdir.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A checkout with src/ and a dist/ stamped as built from it. */
function checkout(): { src: string; dist: string } {
  const root = testdir({ 'src/cli/main.ts': 'export {};\n', 'src/plan/index.ts': 'export {};\n', 'dist/cli/main.js': 'export {};\n' });
  const src = join(root, 'src');
  writeFileSync(join(root, 'dist', STAMP_FILE), JSON.stringify({ source: sourceStamp(src) }));
  return { src, dist: join(root, 'dist') };
}

describe('dist/ is fresh only when built from the sources as they are', () => {
  const cases: { name: string; change: (src: string) => void }[] = [
    { name: 'an edited source', change: (src) => writeFileSync(join(src, 'plan/index.ts'), 'export const x = 1;\n') },
    { name: 'a new source', change: (src) => writeFileSync(join(src, 'plan/groups.ts'), 'export {};\n') },
    { name: 'a removed source', change: (src) => rmSync(join(src, 'plan/index.ts')) },
    { name: 'a renamed source', change: (src) => renameSync(join(src, 'plan/index.ts'), join(src, 'plan/plan.ts')) },
    { name: 'a new source in a new folder', change: (src) => { mkdirSync(join(src, 'closure')); writeFileSync(join(src, 'closure/index.ts'), 'export {};\n'); } },
  ];
  const unchanged: { name: string; change: (src: string) => void }[] = [
    { name: 'a touched source', change: (src) => utimesSync(join(src, 'plan/index.ts'), new Date(), new Date()) },
    { name: 'a source rewritten with the same text', change: (src) => writeFileSync(join(src, 'plan/index.ts'), 'export {};\n') },
    { name: 'a new empty folder', change: (src) => mkdirSync(join(src, 'closure')) },
  ];
  test('as built: fresh', () => {
    const { src, dist } = checkout();
    assert.equal(staleReason(src, dist), undefined);
  });
  for (const c of cases) {
    test(`${c.name}: stale`, () => {
      const { src, dist } = checkout();
      c.change(src);
      assert.equal(staleReason(src, dist), 'src/ changed since dist/ was built');
    });
  }
  for (const c of unchanged) {
    test(`${c.name}: still fresh`, () => {
      const { src, dist } = checkout();
      c.change(src);
      assert.equal(staleReason(src, dist), undefined);
    });
  }
  test('no stamp: not built', () => {
    const { src, dist } = checkout();
    rmSync(join(dist, STAMP_FILE));
    assert.equal(staleReason(src, dist), 'dist/ is not built');
  });
  test('no src/: dist/ runs', () => {
    const { src, dist } = checkout();
    rmSync(src, { recursive: true });
    assert.equal(staleReason(src, dist), undefined);
  });
  test('an installed package (under node_modules/): dist/ runs, whatever its stamp says', () => {
    const root = testdir({ 'node_modules/bake-matrix/src/index.ts': 'export {};\n', 'node_modules/bake-matrix/dist/index.js': 'export {};\n' });
    const pkg = join(root, 'node_modules/bake-matrix');
    writeFileSync(join(pkg, 'dist', STAMP_FILE), JSON.stringify({ source: 'built elsewhere, at another time' }));
    assert.equal(staleReason(join(pkg, 'src'), join(pkg, 'dist')), undefined);
  });
});

describe('bin/bake-matrix.js with a stale dist/', () => {
  /** A copy of the CLI whose dist/ was built from other sources. */
  const staleCopy = (withModules: boolean) => {
    const root = testdir({});
    for (const part of ['bin', 'src', 'schema', 'package.json']) cpSync(join(REPO, part), join(root, part), { recursive: true });
    if (withModules) symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', STAMP_FILE), JSON.stringify({ source: 'an older build' }));
    return spawnSync(process.execPath, [join(root, 'bin/bake-matrix.js'), '--help'], { cwd: REPO, encoding: 'utf8' });
  };

  test('runs the sources through tsx, and says so', () => {
    const r = staleCopy(true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^bake-matrix: src\/ changed since dist\/ was built: running src\/ through tsx/);
    assert.match(r.stdout, /^bake-matrix: expand a support matrix/);
  });

  test('without tsx: refuses, exit 70, and says to build', () => {
    const r = staleCopy(false);
    assert.equal(r.status, 70);
    assert.match(r.stderr, /src\/ changed since dist\/ was built, and tsx is not installed .*npm run build/);
    assert.equal(r.stdout, '');
  });
});
