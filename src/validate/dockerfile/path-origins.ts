// Where each stage's dockerfile and context path was written. The resolved
// Stage holds only the values (own, else the parent's, else the top level's,
// else the default), so this reads the files as written, the same way.
import { posix } from 'node:path';
import type { SourceFile } from '../../load/source-file.ts';
import type { Matrix, Origin, Stage } from '../../types/matrix.ts';

export type PathKey = 'dockerfile' | 'context';

export interface WrittenPath {
  value: string;
  origin: Origin;
  /** False for the built-in default: the origin is then the stage itself. */
  written: boolean;
}

export function pathOrigin(stage: Stage, key: PathKey, matrix: Matrix, files: readonly SourceFile[]): WrittenPath {
  const value = stage[key];
  const seen = new Set<string>();
  for (let s: Stage | undefined = stage; s && !seen.has(s.key); s = matrix.stages.find((p) => p.key === s!.from)) {
    seen.add(s.key);
    if (writtenAt(files, s.origin, key) !== undefined) return { value, origin: { file: s.origin.file, pointer: `${s.origin.pointer}/${key}` }, written: true };
  }
  for (const file of files) {
    if (writtenAt(files, { file: file.path, pointer: '' }, key) !== undefined) return { value, origin: { file: file.path, pointer: `/${key}` }, written: true };
  }
  return { value, origin: stage.origin, written: false };
}

/** Every dockerfile and context path written anywhere in the matrix files. */
export function writtenPaths(files: readonly SourceFile[]): { key: PathKey; value: string; origin: Origin }[] {
  const found: { key: PathKey; value: string; origin: Origin }[] = [];
  for (const file of files) {
    const places: Origin[] = [{ file: file.path, pointer: '' }];
    const stages = (file.data as { stages?: unknown } | null)?.stages;
    if (stages && typeof stages === 'object') {
      for (const key of Object.keys(stages)) places.push({ file: file.path, pointer: `/stages/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` });
    }
    for (const place of places) {
      for (const key of ['dockerfile', 'context'] as const) {
        const value = writtenAt(files, place, key);
        if (typeof value === 'string') found.push({ key, value, origin: { file: place.file, pointer: `${place.pointer}/${key}` } });
      }
    }
  }
  return found;
}

/** Whether a relative path climbs out of the folder it is relative to. */
export function leavesRoot(path: string): boolean {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return normal === '..' || normal.startsWith('../');
}

function writtenAt(files: readonly SourceFile[], at: Origin, key: PathKey): unknown {
  const file = files.find((f) => f.path === at.file);
  let node: unknown = file?.data;
  for (const part of at.pointer.split('/').slice(1)) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
}
