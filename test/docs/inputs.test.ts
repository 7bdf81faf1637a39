// docs/inputs.md lists every input the tool reads: it names every limit and
// every file the tool reads in its output folder, and the README links it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { BAKE_FILE_NAMES } from '../../src/emit/emit-bake.ts';
import { JOURNAL_FILE } from '../../src/emit/output-journal.ts';
import { LOCK_FILE } from '../../src/emit/output-lock.ts';
import { LIMIT_SPECS } from '../../src/load/limits.ts';
import { CLOSURE_DIR } from '../../src/run/closure-file.ts';
import { MAX_ROOT_LEVELS } from '../../src/validate/project-root.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/inputs.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('every limit variable is named', () => {
  for (const spec of LIMIT_SPECS) assert.ok(DOC.includes(`\`${spec.env}\``), `docs/inputs.md does not name ${spec.env} (${spec.what})`);
  assert.ok(DOC.includes('`BAKE_MATRIX_LOCK_TIMEOUT`'));
});

test('every file the tool reads in its output folder is named', () => {
  for (const name of [...Object.values(BAKE_FILE_NAMES), JOURNAL_FILE, LOCK_FILE, `${CLOSURE_DIR}/`]) assert.ok(DOC.includes(`bake/${name}`), `docs/inputs.md does not name bake/${name}`);
});

test('the root rule is the one the code applies', () => {
  assert.match(DOC, new RegExp(`at most ${MAX_ROOT_LEVELS} folders above`));
});

test('the README links it, and its links into the other docs pages resolve', () => {
  assert.ok(README.includes('](docs/inputs.md)'), 'README.md does not link docs/inputs.md');
  for (const [, page, anchor] of DOC.matchAll(/\]\(([a-z-]+\.md)#([^)]+)\)/g)) {
    const text = readFileSync(join(ROOT, 'docs', page!), 'utf8');
    const anchors = new Set([...text.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    assert.ok(anchors.has(anchor!), `docs/${page} has no heading for #${anchor}`);
  }
});
