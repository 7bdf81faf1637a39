// Target and group names, and image references.
import { isDockerReference, parseDockerReference } from '../reference/parse-reference.ts';

/** Bake checks every block name against this: one bad name fails the whole file. */
export const NAME = /^[a-zA-Z0-9_-]+$/;

/** Replaces what bake does not accept in a name (`py3.12` -> `py3_12`). */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]+/g, '_');
}

/** Why `ref` is not a valid image reference, or undefined when it is (src/reference/parse-reference.ts). */
export function imageReferenceProblem(ref: string): string | undefined {
  if (isDockerReference(ref)) return undefined; // most tags, in one match
  const parsed = parseDockerReference(ref);
  return parsed.ok ? undefined : parsed.reason;
}
