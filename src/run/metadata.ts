// The `--metadata-file` buildx writes after a build: one key per built
// target, each with `containerimage.digest` and `image.name` (tags, comma-
// separated), beside keys such as `buildx.build.warnings`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TargetResult {
  digest?: string;
  images: string[];
}

/** The results per target, or undefined when the file is missing or not JSON (e.g. the build failed early). */
export function readMetadata(path: string): Map<string, TargetResult> | undefined {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!document || typeof document !== 'object') return undefined;
  const results = new Map<string, TargetResult>();
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const entry = value as Record<string, unknown>;
    const digest = typeof entry['containerimage.digest'] === 'string' ? entry['containerimage.digest'] : undefined;
    const name = typeof entry['image.name'] === 'string' ? entry['image.name'] : '';
    results.set(key, { ...(digest ? { digest } : {}), images: name.split(',').map((s) => s.trim()).filter(Boolean) });
  }
  return results;
}

/** A metadata file of our own in a fresh temp folder, removed by dispose(). */
export function tempMetadataFile(): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-run-'));
  return { path: join(dir, 'metadata.json'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
