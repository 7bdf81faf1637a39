// A bake string as bake reads it when no variable is set: ${NAME} at its default,
// $${ and %%{ back to literal ${ and %{.
import type { BakeVariable } from '../types/bake.ts';

const TOKEN = /\$\$\{|%%\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function previewBake(text: string, variables: Readonly<Record<string, BakeVariable>> = {}): string {
  return text.replace(TOKEN, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    if (match === '%%{') return '%{';
    const variable = name !== undefined ? variables[name] : undefined;
    return variable ? variable.default : match;
  });
}

/** The variables a bake string reads, in order of first use. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(TOKEN)) if (match[1] && !names.includes(match[1])) names.push(match[1]);
  return names;
}
