// The content tag of an image: `<repository of its first tag>:inputs-<short
// input digest>`, under this run's variable values; or, when its stage has tag
// entries that read {inputs} (src/template/inputs-placeholder.ts), those,
// rendered: the first is the one looked up. It is what `run --skip-built`
// pushes beside the final tags and what it asks the registry for next time. A per-platform target (`ci:`, `<target>-<arch>`, pushed by digest)
// has the content tag of its target: that tag exists once `bake-matrix
// manifest` has merged every platform.
import { previewBake } from '../inspect/preview-bake.ts';
import { resolveTarget } from '../inspect/resolve-target.ts';
import { inheritsOf } from '../links/walk-links.ts';
import { parseDockerReference } from '../reference/parse-reference.ts';
import type { BakeFile } from '../types/bake.ts';
import type { InputDigest } from './input-digests.ts';
import type { Plan } from '../plan/index.ts';
import { contentTagText } from '../template/inputs-placeholder.ts';
import type { Piece } from '../template/bake-string.ts';

/** One `{inputs}` tag entry: its rendered pieces, and the variables it exists only while set (`if:`), with their defaults. */
interface ContentTemplate {
  pieces: Piece[];
  if?: { env: string; default: string }[];
}

/** What rendering content tags needs: the templates, and the environment (a variable only they use is not in the bake file). */
interface ContentContext {
  templates: ContentTemplates;
  env: Readonly<Record<string, string | undefined>>;
}

/** Image target -> its content tag entries (targets without any are missing). What the generation record keeps. */
export type ContentTemplates = Readonly<Record<string, readonly ContentTemplate[]>>;

export function contentTemplatesOf(plan: Pick<Plan, 'targets'>): ContentTemplates {
  const out: Record<string, ContentTemplate[]> = {};
  for (const [name, info] of plan.targets) {
    if (info.contentTags?.length) out[name] = info.contentTags.map((t) => ({ pieces: t.pieces, ...(t.conditions ? { if: t.conditions } : {}) }));
  }
  return out;
}

/** The entries of `image` whose conditions hold in `env` (a variable is its environment variable, else its default, as bake reads it). */
function liveTemplates(content: ContentContext | undefined, image: string): readonly ContentTemplate[] {
  const own = content && Object.hasOwn(content.templates, image) ? content.templates[image]! : [];
  return own.filter((t) => (t.if ?? []).every((v) => (content!.env[v.env] ?? v.default) !== ''));
}

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

/** `tag`: the one looked up; `tags`: every content tag the image is pushed under (`tag` first). */
export type ContentTag = { ok: true; image: string; tag: string; tags: string[]; repository: string } | { ok: false; image: string; why: string };

/** The content tag of `name`'s image, from the digest of its image target: its {inputs} tags when it has any, else the default. */
export function contentTagOf(bake: BakeFile, name: string, digests: ReadonlyMap<string, InputDigest>, values: Record<string, { default: string }>, content?: ContentContext): ContentTag {
  const image = imageTargetOf(bake, name);
  const digest = digests.get(image);
  if (!digest) return { ok: false, image, why: 'no input digest' };
  const own = liveTemplates(content, image);
  if (own.length) {
    const texts = [...new Set(own.map((t) => contentTagText(t.pieces, digest.digest, content!.env)))];
    for (const text of texts) {
      const parsed = parseDockerReference(text);
      if (!parsed.ok || parsed.value.tag === undefined || parsed.value.digest !== undefined) return { ok: false, image, why: `its content tag ${JSON.stringify(text)} is not a tagged image reference${parsed.ok ? '' : `: ${parsed.reason}`}` };
    }
    const first = parseDockerReference(texts[0]!);
    return { ok: true, image, tag: texts[0]!, tags: texts, repository: first.ok ? first.value.name : '' };
  }
  const tags = (resolveTarget(bake, image).tags?.value ?? []).map((t) => previewBake(t, values)).filter((t) => t !== '');
  if (!tags.length) return { ok: false, image, why: 'no tag' };
  const parsed = parseDockerReference(tags[0]!);
  if (!parsed.ok) return { ok: false, image, why: `its first tag ${JSON.stringify(tags[0])} is not an image reference: ${parsed.reason}` };
  const tag = `${parsed.value.name}:inputs-${digest.short}`;
  return { ok: true, image, tag, tags: [tag], repository: parsed.value.name };
}
