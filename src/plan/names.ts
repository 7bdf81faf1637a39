// Target and group names, and image references.

/** Bake checks every block name against this: one bad name fails the whole file. */
export const NAME = /^[a-zA-Z0-9_-]+$/;

/** Replaces what bake does not accept in a name (`py3.12` -> `py3_12`). */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]+/g, '_');
}

// The grammar of github.com/distribution/reference (reference.go), anchored.
const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`);

/** Why `ref` is not a valid image reference, or undefined when it is. */
export function imageReferenceProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'it is empty';
  const slash = ref.indexOf('/');
  const path = ref.replace(/[:@][^/]*$/, '');
  const repo = slash >= 0 && /[.:]|^localhost$/.test(ref.slice(0, slash)) ? path.slice(slash + 1) : path;
  if (repo.length > 255) return 'the repository name is longer than 255 characters';
  if (/[A-Z]/.test(repo)) return 'the repository name has upper-case letters';
  if (!REFERENCE.test(ref)) return 'it does not follow the image reference grammar ([registry/]name[:tag], lower-case name, tag of at most 128 of [A-Za-z0-9_.-])';
  return undefined;
}
