// The `--metadata-file` buildx writes after a build: one key per built
// target, each with `containerimage.digest` and `image.name` (tags, comma-
// separated), beside keys such as `buildx.build.warnings`. Read as untrusted
// input (read-json-file.ts): a digest that is not sha256:<64 hex> is dropped
// here (run and report only show them); `bake-matrix manifest` refuses it,
// and any name that is not an image reference (manifest/read-digests.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile } from './read-json-file.ts';

export interface TargetResult {
  digest?: string;
  images: string[];
}

/** One target's entry as written: the keys we read, whatever their type. */
export interface MetadataEntry {
  digest: unknown;
  name: unknown;
  /** `containerimage.descriptor`: `{mediaType, digest, size}` of what was pushed. */
  descriptor: unknown;
}

export const DIGEST_KEY = 'containerimage.digest';
export const DESCRIPTOR_KEY = 'containerimage.descriptor';
export const NAME_KEY = 'image.name';

/** A digest as buildx writes it for an image: sha256, 64 lower-case hex digits. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The entries of a metadata document: keys whose value is an object (targets), or undefined when it is not an object. */
export function metadataEntries(document: unknown): Map<string, MetadataEntry> | undefined {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const entries = new Map<string, MetadataEntry>();
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const entry = value as Record<string, unknown>;
    entries.set(key, { digest: entry[DIGEST_KEY], name: entry[NAME_KEY], descriptor: entry[DESCRIPTOR_KEY] });
  }
  return entries;
}

/** The comma-separated names of `image.name`. */
export function imageNames(name: unknown): string[] {
  return typeof name === 'string' ? name.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The results per target, or undefined when the file is missing, not a regular file or not JSON (e.g. the build failed early). A digest that is not sha256:<64 hex> is left out. */
export function readMetadata(path: string): Map<string, TargetResult> | undefined {
  const read = readJsonFile(path);
  const entries = read.ok ? metadataEntries(read.value) : undefined;
  if (!entries) return undefined;
  const results = new Map<string, TargetResult>();
  for (const [key, entry] of entries) {
    const digest = typeof entry.digest === 'string' && SHA256_DIGEST.test(entry.digest) ? entry.digest : undefined;
    results.set(key, { ...(digest ? { digest } : {}), images: imageNames(entry.name) });
  }
  return results;
}

/** A metadata file of our own in a fresh temp folder, removed by dispose(). */
export function tempMetadataFile(): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-run-'));
  return { path: join(dir, 'metadata.json'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
