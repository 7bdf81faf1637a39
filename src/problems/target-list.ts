// Small shared pieces of messages and keys: origins as keys, target names as a list.
import type { Origin } from '../types/matrix.ts';

export function originKey(origin: Origin): string {
  return `${origin.file}#${origin.pointer}`;
}

/** `"a"`, `"a" and "b"`, `"a", "b", "c" and 4 more`: target names for a message, each once. */
export function targetList(names: readonly string[]): string {
  const shown = [...new Set(names)];
  const quoted = shown.slice(0, 3).map((n) => `"${n}"`);
  if (shown.length > 3) return `${quoted.join(', ')} and ${shown.length - 3} more`;
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : quoted[0]!;
}
