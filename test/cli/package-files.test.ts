// What a registry install gets: every file package.json points to (bin, exports,
// types) is inside `files`, so `import { defineMatrix } from 'bake-matrix'` and
// the CLI work from the published package, not only from a clone.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Every path string under exports/types/bin, without the ./ prefix. */
function pointedTo(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('./') ? [value.slice(2)] : [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(pointedTo);
  return [];
}

test('every file package.json points to is published (in "files") and exists after the build', () => {
  const files: string[] = pkg.files;
  const paths = [...pointedTo(pkg.exports), ...pointedTo(pkg.types), ...pointedTo(pkg.bin)].filter((p) => p !== 'package.json');
  assert.ok(paths.length >= 4, `only ${paths.join(', ')}`);
  for (const path of paths) {
    const top = path.split('/')[0]!;
    assert.ok(files.includes(top) || files.includes(path), `${path} is not in package.json "files" (${files.join(', ')}): a registry install would not have it`);
    if (!path.includes('*')) assert.ok(existsSync(join(ROOT, path)), `${path} does not exist (npm test builds dist/ first)`);
  }
});
