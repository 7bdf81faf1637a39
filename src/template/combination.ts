// Combinations of axis values, as keys and as text for messages.

/** The key of an axis that does not apply to a combination (tables, where a value's `without` removes it). */
export const ABSENT_KEY = '-';

/** `framework=vllm, cuda=cu129`; "(none)" for an axis that does not apply. */
export function describeCombination(axes: readonly string[], values: readonly string[]): string {
  return axes.map((a, i) => `${a}=${values[i] === ABSENT_KEY ? '(none)' : values[i]}`).join(', ');
}
