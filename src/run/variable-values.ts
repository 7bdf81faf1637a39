// bake reads a variable's value from the environment (`REGISTRY=... docker
// buildx bake`), and CI jobs set those from what a run was given: a branch
// name, a pull request's base. Inside a cache-from, cache-to or output entry
// such a value lands in buildx's comma-separated options, so a value holding
// `,` or `=` adds options (`main,type=local,dest=/home/runner` writes the cache
// there). Before buildx starts, `run` refuses such a value.
import { error, type Problem } from '../problems/problem.ts';
import type { BakeFile } from '../types/bake.ts';

const OPTION_ATTRIBUTES = ['cache-from', 'cache-to', 'output'] as const;
/** What a reference part may hold; everything else could end the option or start another. */
const SAFE_VALUE = /^[A-Za-z0-9._\-/:@+]*$/;

/** One problem per environment variable, used inside an option list of these targets, whose value is not reference-safe. */
export function unsafeVariableValues(bake: BakeFile, names: readonly string[], env: NodeJS.ProcessEnv): Problem[] {
  const declared = new Set(Object.keys(bake.variable ?? {}));
  const usedBy = new Map<string, string>();
  for (const name of names) {
    const target = bake.target?.[name];
    for (const attribute of OPTION_ATTRIBUTES) {
      for (const entry of target?.[attribute] ?? []) {
        for (const variable of variablesIn(entry)) {
          if (declared.has(variable) && !usedBy.has(variable)) usedBy.set(variable, `${attribute} of target "${name}"`);
        }
      }
    }
  }
  const problems: Problem[] = [];
  for (const [variable, where] of usedBy) {
    const value = env[variable];
    if (value === undefined || SAFE_VALUE.test(value)) continue;
    problems.push(error('unsafe-variable-value', `The environment variable ${variable}=${JSON.stringify(value)} is used in the ${where}, where buildx reads comma-separated options: its ${describe(value)} would change those options.`, {
      hint: `Set ${variable} to a registry, name or tag part (letters, digits and . _ - / : @ +); CI should make branch names tag-safe before passing them.`,
    }));
  }
  return problems;
}

/**
 * Variable names an entry interpolates: `${NAME}` and those in `${NAME == "" ? ...}`; `$${` is a literal.
 * Not preview-bake's variablesIn: that one skips the `${...}` inside a conditional's quoted string
 * (`"type=registry,ref=${REGISTRY}/..."`), which is exactly where a value lands in buildx's options.
 */
function variablesIn(entry: string): string[] {
  const names: string[] = [];
  for (const match of entry.replace(/\$\$/g, '').matchAll(/\$\{[^}]*/g)) {
    for (const word of match[0].slice(2).matchAll(/(?<!["\w])[A-Za-z_][A-Za-z0-9_]*/g)) names.push(word[0]);
  }
  return names;
}

function describe(value: string): string {
  const bad = [...new Set([...value].filter((c) => !SAFE_VALUE.test(c)))];
  return bad.map((c) => (c.trim() === '' || c < ' ' ? JSON.stringify(c) : `"${c}"`)).join(', ') + (bad.length === 1 ? ' character' : ' characters');
}
