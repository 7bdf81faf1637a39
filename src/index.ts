// The package's entry: what a matrix written in TypeScript imports (`import { defineMatrix } from 'bake-matrix'`).
// The CLI is bin/bake-matrix.js. The specifiers end in .js (resolved to the .ts files) so that a
// project's tsc accepts this file without allowImportingTsExtensions.
export { defineMatrix, type TypedMatrix } from './types/define-matrix.js';
export type { MatrixFile } from './types/matrix-file.generated.js';
