// Compiles src/ into dist/ (tsc -p tsconfig.build.json: type-checked, one .js
// per .ts, imports rewritten to .js) and stamps dist/ with the stamp of the
// sources it was built from (bin/dist-stamp.js), which the CLI checks.
//
//   node scripts/build.js              # always (npm run build, and prepare on npm ci)
//   node scripts/build.js --if-stale   # only when src/ changed since (npm test)
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
writeFileSync(join(dist, STAMP_FILE), JSON.stringify({ source: stamp }) + '\n');
