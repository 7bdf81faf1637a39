// The JSON Schema is the source of truth; the TypeScript types are generated from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderMatrixTypes, typesPath } from '../scripts/gen-types.ts';

test('src/types/matrix-file.generated.ts matches schema/matrix.schema.json (npm run gen:types)', async () => {
  assert.equal(readFileSync(typesPath, 'utf8'), await renderMatrixTypes());
});
