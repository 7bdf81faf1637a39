// Which bake variables the file declares: those its targets read, found by a walk that looks only for the
// variables some text of the matrix names (namedVariables), so each case names its variable in one place only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { bakeOf } from '../helpers/matrix.ts';

const matrix = (stage: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  'matrix.yaml': stringify({ name: 'demo', variables: { mirror: 'docker.io' }, axes: { os: { ubuntu: {} } }, stages: { base: { target: 'base', axes: ['os'], tags: ['ghcr.io/me/base:{os}'], ...stage } }, ...extra }),
});

for (const [where, stage] of [
  // `origin` is a key a user may write: its text is read like any other (it once was skipped as a place).
  ['an arg named origin', { args: { origin: '{mirror}/library/{os}' } }],
  ['a label named origin', { labels: { origin: '{mirror}/library/{os}' } }],
  ['a named context named origin', { contexts: { origin: 'docker-image://{mirror}/library/{os}' } }],
  ['a tag', { tags: ['ghcr.io/me/base:{os}', '{mirror}/me/base:{os}'] }],
] as const) {
  test(`a variable read only by ${where} is declared`, () => {
    const bake = bakeOf(matrix(stage));
    assert.deepEqual(bake.variable?.MIRROR, { default: 'docker.io' });
    assert.match(JSON.stringify(bake.target), /\$\{MIRROR\}/);
  });
}

test('a variable no text of the matrix names, and the built-in git_sha when unread, are not declared', () => {
  const bake = bakeOf(matrix({ args: { BASE: 'library/{os}' } }));
  assert.deepEqual(Object.keys(bake.variable ?? {}), []);
});

test('a tag kept only while a variable is set (`if: git_sha`) declares that variable', () => {
  const bake = bakeOf(matrix({ tags: ['ghcr.io/me/base:{os}', { tag: 'ghcr.io/me/base:{os}-sha', if: ['git_sha'] }] }));
  assert.ok(bake.variable?.GIT_SHA, JSON.stringify(bake.variable));
});

test('a variable no template names is not declared even when its bake name is a word inside another expression', () => {
  // The cache entry is conditional on GIT_SHA: `${GIT_SHA == "" ? "" : "type=registry,ref=..."}` holds the word `ref`.
  const bake = bakeOf(matrix({}, { variables: { mirror: 'docker.io', unused: { env: 'ref', default: 'x' } }, cache: { ref: 'ghcr.io/me/cache:{target}-{git_sha}' } }));
  assert.match(JSON.stringify(bake.target), /ref=/);
  assert.ok(bake.variable?.GIT_SHA);
  assert.equal(bake.variable?.ref, undefined);
});
