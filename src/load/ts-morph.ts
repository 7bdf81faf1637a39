// ts-morph, loaded on first use: only a TypeScript matrix needs it, and it takes
// about half a second to load, which no other command should pay. It is an
// optional peer dependency (13 of the 25 MB an install took with it, for its own
// copy of TypeScript): a project with a TypeScript matrix installs it beside
// bake-matrix, and without it a `.ts` matrix is a problem saying so.
import { createRequire } from 'node:module';

export type TsMorph = typeof import('ts-morph');

/** The range package.json's peerDependencies give ts-morph (a test keeps them equal). */
export const TS_MORPH_RANGE = '^28.0.0';

let loaded: TsMorph | undefined;

/** ts-morph, or undefined when it is not installed. */
export function tsMorph(): TsMorph | undefined {
  if (loaded) return loaded;
  try {
    return (loaded = createRequire(import.meta.url)('ts-morph') as TsMorph);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /'ts-morph'/.test((e as Error).message)) return undefined;
    throw e;
  }
}
