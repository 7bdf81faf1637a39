// A reference that reads run-time variables (`{registry}/cache:{target}`,
// `docker-image://{registry}/base:{version}`) is checked as bake writes it
// when no variable is set: every variable at its default, and a variable
// whose default is empty read as "x0", so the literal text around it is
// checked. The note says so in the message.
import { dict } from '../dict.ts';
import { isDockerReference, parseDockerReference } from '../reference/parse-reference.ts';
import type { Template } from '../types/matrix.ts';
import { evaluatePieces, render, type Rendered, type RenderProblem, type Scope } from '../template/index.ts';

export const EMPTY_SAMPLE = 'x0';

export function referenceSample(rendered: Rendered): { text: string; note: string } {
  return { text: sampleText(rendered), note: sampleNote(rendered) };
}

/** The text checked: every variable at its default, an empty default read as EMPTY_SAMPLE. */
export function sampleText(rendered: Rendered): string {
  if (!rendered.usesVariables) return rendered.preview;
  const sample = dict<string>();
  for (const p of rendered.pieces) if ('expr' in p && p.runtime) sample[p.runtime.env] = p.runtime.default === '' ? EMPTY_SAMPLE : p.runtime.default;
  try {
    return evaluatePieces(rendered.pieces, sample);
  } catch {
    return rendered.preview;
  }
}

/** How the variables were read, for a message about the sample text ('' when it reads none). */
export function sampleNote(rendered: Rendered): string {
  if (!rendered.usesVariables) return '';
  const variables = new Map<string, string>();
  for (const p of rendered.pieces) if ('expr' in p && p.runtime) variables.set(p.runtime.env, p.runtime.default);
  const read = [...variables].map(([env, value]) => (value === '' ? `${env} read as "${EMPTY_SAMPLE}" (its default is empty)` : `${env} at its default "${value}"`));
  return read.length ? ` (read with ${read.join(', ')})` : '';
}

/**
 * A template that must be an image reference, rendered and checked at its sample: the rendering, or undefined
 * after `report` got its render problems or `invalid` the sample text and why it is no reference.
 */
export function renderReference(
  t: Template,
  scope: Scope,
  report: (t: Template, problems: RenderProblem[]) => void,
  invalid: (text: string, why: string) => void,
): Rendered | undefined {
  const result = render(t, scope);
  if (!result.ok) {
    report(t, result.problems);
    return undefined;
  }
  const text = sampleText(result.value);
  if (isDockerReference(text)) return result.value;
  const parsed = parseDockerReference(text); // for the reason: isDockerReference agrees with it
  if (parsed.ok) return result.value;
  invalid(text, `${parsed.reason}${sampleNote(result.value)}`);
  return undefined;
}
