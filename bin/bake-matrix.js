#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`; `npm ci` builds it through
// `prepare`). In a checkout, where src/ sits beside dist/, dist/ runs only when
// it was built from the sources as they are now (bin/dist-stamp.js): after an
// edit it runs src/ through tsx instead and says so, so that an edit is never
// ignored; `npm run build` (or `npm test`) compiles it again.
import { fileURLToPath } from 'node:url';
import { staleReason } from './dist-stamp.js';

const stale = staleReason(fileURLToPath(new URL('../src', import.meta.url)), fileURLToPath(new URL('../dist', import.meta.url)));
let main;
if (!stale) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`bake-matrix: ${stale}, and tsx is not installed to run src/ instead: run \`npm run build\`.\n`);
    process.exit(70);
  }
  process.stderr.write(`bake-matrix: ${stale}: running src/ through tsx (slower start); \`npm run build\` compiles it.\n`);
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
