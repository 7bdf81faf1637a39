// The digests the per-platform builds pushed, from their `--metadata-file`s:
// files, or folders searched for *.json (a CI job's downloaded artifacts).
// Those files come from other CI jobs: each is read bounded and as a regular
// file only (run/read-json-file.ts), a folder is walked without following
// symlinks to folders, and every digest must be `sha256:<64 hex>` and every
// name an image reference, or the problem names the file and the key.
import { lstatSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { error, pointerOf, type Problem, type Result } from '../problems/problem.ts';
import { printable } from '../problems/printable.ts';
import { parseReference } from '../reference/parse-reference.ts';
import { DIGEST_KEY, imageNames, metadataEntries, NAME_KEY, SHA256_DIGEST } from '../run/metadata.ts';
import { kindOf, openFailure, readJsonFile } from '../run/read-json-file.ts';

export interface PushedImage {
  /** `sha256:<64 hex>`. */
  digest: string;
  /** The repositories `image.name` says it was pushed to (names without tag or digest). */
  repositories: string[];
  /** The metadata file, as shown. */
  file: string;
  /** From `containerimage.descriptor`, when it names the same digest with a known media type and a size. */
  descriptor?: { mediaType: string; size: number };
}

/** Media types of what a build pushes: one image manifest, or an index (with attestations, or several platforms). */
export const IMAGE_MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

/** The descriptor's media type and size, only when it is exactly what it must be (the file comes from another job). */
function descriptorOf(value: unknown, digest: string): PushedImage['descriptor'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const d = value as Record<string, unknown>;
  if (d.digest !== digest || typeof d.mediaType !== 'string' || ![...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES].includes(d.mediaType)) return undefined;
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size <= 0) return undefined;
  return { mediaType: d.mediaType, size: d.size };
}

/** Folders below a metadata folder searched at most; files read at most. */
export const MAX_FOLDER_DEPTH = 16;
export const MAX_METADATA_FILES = 10_000;

const HINT_PASS = 'Pass the --metadata-file of each per-platform build, or the folder they were downloaded to.';

/** Per-platform target -> what its build pushed. `paths` are as given, absolute or relative to `cwd`; a file is shown as its path was given. */
export function readDigests(paths: readonly string[], cwd: string): Result<{ images: Map<string, PushedImage>; files: string[] }> {
  const problems: Problem[] = [];
  const files: string[] = [];
  /** Files found in folders: skipped when they hold no digest (other JSON files). */
  const found = new Set<string>();
  const relativeShown = (absolute: string) => relative(cwd, absolute) || absolute;
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const shown = (f: string) => (isAbsolute(path) ? f : relativeShown(f));
    let isFolder = false;
    try {
      // lstat first: a symlink to a folder is not walked (it could loop or leave the artifacts).
      isFolder = lstatSync(absolute).isDirectory();
    } catch (e) {
      const { reason, missing } = openFailure(e);
      problems.push(error(missing ? 'metadata-not-found' : 'metadata-unreadable', `The metadata file or folder ${printable(path)} ${reason}.`, { hint: HINT_PASS }));
      continue;
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const walked = jsonFiles(absolute, 0, { count: 0 }, problems, shown);
    for (const file of walked.map(shown)) {
      found.add(file);
      files.push(file);
    }
  }
  const images = new Map<string, PushedImage>();
  const read: string[] = [];
  for (const file of [...new Set(files)].sort()) {
    const json = readJsonFile(resolve(cwd, file));
    if (!json.ok) {
      const link = json.missing && isSymlink(resolve(cwd, file));
      problems.push(error(json.missing && !link ? 'metadata-not-found' : 'metadata-unreadable', `The metadata file ${printable(file)} ${link ? 'is a symlink to nothing (its target does not exist)' : json.reason}.`, { file, hint: HINT_PASS }));
      continue;
    }
    const entries = metadataEntries(json.value);
    if (found.has(file) && ![...(entries?.values() ?? [])].some((e) => e.digest !== undefined)) continue;
    read.push(file);
    if (!entries) {
      problems.push(error('metadata-unreadable', `${printable(file)} is not a buildx metadata file (a JSON object with one entry per target).`, { file }));
      continue;
    }
    for (const [target, entry] of entries) {
      if (entry.digest === undefined) continue;
      const at = (key: string) => ({ file, pointer: pointerOf([target, key]) });
      if (typeof entry.digest !== 'string' || !SHA256_DIGEST.test(entry.digest)) {
        problems.push(error('metadata-bad-digest', `The digest of "${printable(target)}" in ${printable(file)} is ${quote(entry.digest)}, not sha256:<64 lower-case hex digits>.`, { ...at(DIGEST_KEY), hint: 'bake-matrix merges only images pinned by their sha256 digest, as buildx writes it after a push. Pass the metadata files the builds wrote, unchanged.' }));
        continue;
      }
      const repositories: string[] = [];
      let named = true;
      for (const name of imageNames(entry.name)) {
        const parsed = parseReference(name);
        const reason = !parsed.ok ? parsed.reason : parsed.value.digest && parsed.value.digest !== entry.digest ? `its digest is not the ${DIGEST_KEY} ${entry.digest}` : undefined;
        if (reason) {
          problems.push(error('metadata-bad-name', `The image name ${quote(name)} of "${printable(target)}" in ${printable(file)} is not usable: ${reason}.`, { ...at(NAME_KEY), hint: 'image.name holds the comma-separated references the build pushed to. Pass the metadata files the builds wrote, unchanged.' }));
          named = false;
        } else if (parsed.ok && !repositories.includes(parsed.value.name)) repositories.push(parsed.value.name);
      }
      if (!named) continue;
      const earlier = images.get(target);
      if (earlier && earlier.digest !== entry.digest) {
        problems.push(error('metadata-conflict', `"${printable(target)}" has two digests: ${earlier.digest} in ${earlier.file} and ${entry.digest} in ${printable(file)}.`, { ...at(DIGEST_KEY), hint: 'Pass the metadata of one build of each target only.' }));
        continue;
      }
      const descriptor = descriptorOf(entry.descriptor, entry.digest);
      images.set(target, { digest: entry.digest, repositories, file, ...(descriptor ? { descriptor } : {}) });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: { images, files: read }, warnings: [] };
}

/** *.json entries below `dir` (not following symlinks to folders); a named pipe, socket or device so named is a problem, never opened. */
function jsonFiles(dir: string, depth: number, seen: { count: number }, problems: Problem[], shown: (path: string) => string): string[] {
  if (depth > MAX_FOLDER_DEPTH) {
    problems.push(error('metadata-unreadable', `The metadata folder ${printable(shown(dir))} is nested more than ${MAX_FOLDER_DEPTH} folders deep.`, { hint: HINT_PASS }));
    return [];
  }
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (e) {
    problems.push(error('metadata-unreadable', `The metadata folder ${printable(shown(dir))} ${openFailure(e).reason}.`, { hint: HINT_PASS }));
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...jsonFiles(path, depth + 1, seen, problems, shown));
      continue;
    }
    if (!e.name.endsWith('.json')) continue;
    if (!e.isFile() && !e.isSymbolicLink()) {
      problems.push(error('metadata-unreadable', `${printable(shown(path))} is named like a metadata file but is ${kindOf(lstatSync(path))}: only regular files are read.`, { file: shown(path), hint: 'Remove it from the metadata folder, or pass the metadata files one by one.' }));
      continue;
    }
    if (++seen.count > MAX_METADATA_FILES) {
      problems.push(error('metadata-unreadable', `The metadata folders hold more than ${MAX_METADATA_FILES} *.json files.`, { hint: 'Pass the folder of the per-platform builds\' metadata only.' }));
      return out;
    }
    out.push(path);
  }
  return out;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A value from a metadata file, quoted for a message (hidden characters escaped, cut when long). */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : `a ${Array.isArray(value) ? 'list' : typeof value}`;
  return printable(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
