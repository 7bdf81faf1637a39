// ts-morph, loaded on first use: only a TypeScript matrix needs it, and it takes
// about half a second to load, which no other command should pay.
import { createRequire } from 'node:module';

export type TsMorph = typeof import('ts-morph');

let loaded: TsMorph | undefined;

export function tsMorph(): TsMorph {
  return (loaded ??= createRequire(import.meta.url)('ts-morph') as TsMorph);
}
