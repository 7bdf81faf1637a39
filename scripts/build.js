// Compiles src/ into dist/ (tsc -p tsconfig.build.json: type-checked, one .js
// per .ts, imports rewritten to .js) and stamps dist/ with the stamp of the
// sources it was built from (bin/dist-stamp.js), which the CLI checks.
//
//   node scripts/build.js              # always (npm run build, and prepare on npm ci)
//   node scripts/build.js --if-stale   # only when src/ changed since (npm test)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourceStamp, staleReason, STAMP_FILE } from '../bin/dist-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
if (process.argv.includes('--if-stale') && !staleReason(src, dist)) process.exit(0);

// Taken before compiling: a source edited during the build leaves dist/ stale, as it is.
const stamp = sourceStamp(src);
rmSync(dist, { recursive: true, force: true }); // no module of a removed source survives
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
await precompileSchema();
writeFileSync(join(dist, STAMP_FILE), JSON.stringify({ source: stamp }) + '\n');

/** The matrix schema's validator compiled ahead of time (ajv standalone), with the hash of the schema it was compiled from. */
async function precompileSchema() {
  const { AJV_OPTIONS, PRECOMPILED } = await import(pathToFileURL(join(dist, 'validate', 'schema-check.js')).href);
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv').default;
  const standalone = require('ajv/dist/standalone').default;
  const text = readFileSync(join(root, 'schema', 'matrix.schema.json'), 'utf8');
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const code = standalone(ajv, ajv.compile(JSON.parse(text)));
  const hash = createHash('sha256').update(text).digest('hex');
  writeFileSync(join(dist, 'validate', PRECOMPILED), `${code}\nmodule.exports.schemaHash = ${JSON.stringify(hash)};\n`);
}
