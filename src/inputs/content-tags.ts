// The content tag of an image: `<repository of its first tag>:inputs-<short
// input digest>`, under this run's variable values. It is what `run
// --skip-built` pushes beside the final tags and what it asks the registry for
// next time. A per-platform target (`ci:`, `<target>-<arch>`, pushed by digest)
// has the content tag of its target: that tag exists once `bake-matrix
// manifest` has merged every platform.
import { previewBake } from '../inspect/preview-bake.ts';
import { resolveTarget } from '../inspect/resolve-target.ts';
import { inheritsOf } from '../links/walk-links.ts';
import { parseDockerReference } from '../reference/parse-reference.ts';
import type { BakeFile } from '../types/bake.ts';
import type { InputDigest } from './input-digests.ts';

/** A variable's value in this run: its environment variable's, else its default (as bake reads them). */
export function bakeValues(bake: BakeFile, env: Readonly<Record<string, string | undefined>>): Record<string, { default: string }> {
  const values: Record<string, { default: string }> = {};
  for (const [name, v] of Object.entries(bake.variable ?? {})) values[name] = { default: env[name] ?? v.default };
  return values;
}

/** The target whose image a per-platform target builds one platform of (it inherits it and is named `<it>-<platform>`), else the target itself. */
export function imageTargetOf(bake: BakeFile, name: string): string {
  const target = bake.target[name];
  const pushesByDigest = (target?.output ?? []).some((o) => o.includes('push-by-digest=true')) || (target?.output ?? []).includes('type=cacheonly');
  if (!pushesByDigest) return name;
  return inheritsOf(target).find((p) => name.startsWith(`${p}-`) && Object.hasOwn(bake.target, p)) ?? name;
}

export type ContentTag = { ok: true; image: string; tag: string; repository: string } | { ok: false; image: string; why: string };

/** The content tag of `name`'s image, from the digest of its image target. */
export function contentTagOf(bake: BakeFile, name: string, digests: ReadonlyMap<string, InputDigest>, values: Record<string, { default: string }>): ContentTag {
  const image = imageTargetOf(bake, name);
  const digest = digests.get(image);
  if (!digest) return { ok: false, image, why: 'no input digest' };
  const tags = (resolveTarget(bake, image).tags?.value ?? []).map((t) => previewBake(t, values)).filter((t) => t !== '');
  if (!tags.length) return { ok: false, image, why: 'no tag' };
  const parsed = parseDockerReference(tags[0]!);
  if (!parsed.ok) return { ok: false, image, why: `its first tag ${JSON.stringify(tags[0])} is not an image reference: ${parsed.reason}` };
  return { ok: true, image, tag: `${parsed.value.name}:inputs-${digest.short}`, repository: parsed.value.name };
}
