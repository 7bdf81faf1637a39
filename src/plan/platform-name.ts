// The suffix a platform adds to a target or group name, and the image
// repository a tag pushes to, for the per-platform targets.
import { FILTERS, type Piece } from '../template/index.ts';

/**
 * `linux/amd64` -> `amd64`, `linux/arm/v7` -> `armv7`, `linux/amd64/v2` ->
 * `amd64v2`, `windows/amd64` -> `windows-amd64`: the os is left out for
 * linux, the variant joins the architecture. Only [a-z0-9_-] remain, as bake
 * wants in names.
 */
export function platformSuffix(platform: string): string {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  const name = (os === 'linux' ? '' : `${os}-`) + arch + variant;
  return name.replace(/[^a-zA-Z0-9_-]+/g, '_');
}

export function perPlatformName(name: string, platform: string): string {
  return `${name}-${platformSuffix(platform)}`;
}

/** A run-time value that ends the tag ({image_tag} holding repo:tag): its repository, cut by bake when it runs. */
function repositoryPiece(p: Exclude<Piece, { text: string }>): Piece {
  const filter = FILTERS.get('repository')!;
  return { expr: filter.hcl(p.expr), preview: filter.apply(p.preview), ...(p.runtime ? { runtime: { ...p.runtime, filters: [...p.runtime.filters, 'repository'] } } : {}) };
}

/**
 * The repository part of a tag (`${REGISTRY}/vllm` of `${REGISTRY}/vllm:${VERSION}-cu129`):
 * up to the first literal ":" after the last literal "/", or all of it when
 * there is no ":" (`:latest`); when a run-time value ends the tag
 * ({image_tag}, {registry}/{image}), that value's repository (the
 * `repository` filter, applied by bake). undefined when a run-time value stands
 * in the last path component before more text (it could hold the ":").
 */
export function repositoryOf(pieces: readonly Piece[]): Piece[] | undefined {
  let piece = 0;
  let offset = 0;
  pieces.forEach((p, i) => {
    if ('text' in p && p.text.includes('/')) [piece, offset] = [i, p.text.lastIndexOf('/') + 1];
  });
  for (let i = piece; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (!('text' in p)) return i === pieces.length - 1 && !p.runtime?.optional ? [...pieces.slice(0, i), repositoryPiece(p)] : undefined;
    const colon = p.text.indexOf(':', i === piece ? offset : 0);
    if (colon >= 0) return [...pieces.slice(0, i), ...(colon > 0 ? [{ text: p.text.slice(0, colon) }] : [])];
  }
  return [...pieces];
}
