// The digests the per-platform builds pushed, from their `--metadata-file`s:
// files, or folders searched for *.json (a CI job's downloaded artifacts).
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { error, type Problem, type Result } from '../problems/problem.ts';
import { readMetadata } from '../run/metadata.ts';

export interface PushedImage {
  digest: string;
  /** The repository it was pushed to (image.name without tag or digest). */
  repository?: string;
  /** The metadata file, as shown. */
  file: string;
}

/** Per-platform target -> what its build pushed. `paths` are as given, absolute or relative to `cwd`; a file is shown as its path was given. */
export function readDigests(paths: readonly string[], cwd: string): Result<{ images: Map<string, PushedImage>; files: string[] }> {
  const problems: Problem[] = [];
  const files: string[] = [];
  /** Files found in folders: skipped when they hold no digest (other JSON files). */
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      problems.push(error('metadata-not-found', `The metadata file or folder ${path} does not exist.`, { hint: 'Pass the --metadata-file of each per-platform build, or the folder they were downloaded to.' }));
      continue;
    }
    if (!stat.isDirectory()) {
      files.push(path);
      continue;
    }
    for (const file of jsonFiles(absolute).map((f) => (isAbsolute(path) ? f : relative(cwd, f) || f))) {
      found.add(file);
      files.push(file);
    }
  }
  const images = new Map<string, PushedImage>();
  const read: string[] = [];
  for (const file of [...new Set(files)].sort()) {
    const metadata = readMetadata(resolve(cwd, file));
    if (found.has(file) && ![...(metadata?.values() ?? [])].some((r) => r.digest)) continue;
    read.push(file);
    if (!metadata) {
      problems.push(error('metadata-unreadable', `${file} is not a buildx metadata file (JSON with one entry per target).`));
      continue;
    }
    for (const [target, result] of metadata) {
      if (!result.digest) continue;
      const earlier = images.get(target);
      if (earlier && earlier.digest !== result.digest) {
        problems.push(error('metadata-conflict', `"${target}" has two digests: ${earlier.digest} in ${earlier.file} and ${result.digest} in ${file}.`, { hint: 'Pass the metadata of one build of each target only.' }));
        continue;
      }
      const repository = result.images.map(repositoryOfName).find(Boolean);
      images.set(target, { digest: result.digest, ...(repository ? { repository } : {}), file });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: { images, files: read }, warnings: [] };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return jsonFiles(path);
    return e.name.endsWith('.json') ? [path] : [];
  });
}

/** `ghcr.io/x/vllm`, `ghcr.io/x/vllm:tag` or `ghcr.io/x/vllm@sha256:...` -> `ghcr.io/x/vllm`. */
export function repositoryOfName(name: string): string {
  const withoutDigest = name.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', slash + 1);
  return colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}
