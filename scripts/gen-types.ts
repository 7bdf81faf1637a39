// Generates src/types/matrix-file.generated.ts from schema/matrix.schema.json,
// the one source of truth for the matrix format. `--check` fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
export const schemaPath = `${root}schema/matrix.schema.json`;
export const typesPath = `${root}src/types/matrix-file.generated.ts`;

export async function renderMatrixTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as JSONSchema;
  return compile(schema, 'MatrixFile', {
    bannerComment:
      '/* Generated from schema/matrix.schema.json by scripts/gen-types.ts: do not edit. Run `npm run gen:types`. */',
    additionalProperties: false,
    unreachableDefinitions: false,
    style: { singleQuote: true },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderMatrixTypes();
  if (process.argv.includes('--check')) {
    if (readFileSync(typesPath, 'utf8') !== text) {
      console.error(`${typesPath} is stale: run npm run gen:types`);
      process.exit(1);
    }
  } else {
    writeFileSync(typesPath, text);
    console.log(`wrote ${typesPath}`);
  }
}
