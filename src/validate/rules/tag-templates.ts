// Tag templates must give valid image references. Checked once per template
// (the planner checks each rendered tag): first with neutral placeholder
// values, to blame the template's own text, then value by value.
import { imageReferenceProblem } from '../../plan/names.ts';
import { own } from '../../dict.ts';
import { error, type Problem } from '../../problems/problem.ts';
import { placeholdersOf, render, type Lookup, type PlaceholderPart, type Scope } from '../../template/index.ts';
import type { AxisValue, Matrix, Stage, TagSpec } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';
import { hasMalformedPlaceholders } from './placeholder-syntax.ts';
import { withInputs } from '../../template/inputs-placeholder.ts';

const NEUTRAL = 'x0';
const GRAMMAR =
  'An image reference is [registry/]name[:tag]: the name is lower-case letters and digits, joined by ".", "_", "__" or "-" and split by "/"; the tag, after the last ":", is up to 128 of A-Z a-z 0-9 "_" "." "-". No spaces.';

export const tagTemplates: Rule = (m) => [
  ...m.stages.flatMap((stage) => stage.tags.flatMap((tag) => checkTag(m, stage, tag))),
  ...m.overrides.flatMap((o) => o.tags.flatMap((tag) => (o.stages ?? []).slice(0, 1).flatMap((key) => {
    const stage = m.stages.find((s) => s.key === key);
    return stage ? checkTag(m, stage, tag) : [];
  }))),
];

/** A scope where every axis of the stage is neutral unless `chosen` gives it a value; tables and args are neutral. */
function neutralScope(m: Matrix, stage: Stage, chosen: Record<string, AxisValue>): Scope {
  const builtins: Record<string, string> = { matrix: m.name, stage: stage.key, target: NEUTRAL };
  const text = (t: string): Lookup => ({ kind: 'text', text: t, source: { placeholder: '', what: '' } });
  return withInputs({
    lookup(p: PlaceholderPart): Lookup {
      if (p.arg || m.tables.some((t) => t.name === p.name)) return text(NEUTRAL);
      const builtin = own(builtins, p.name);
      if (builtin !== undefined) return text(builtin);
      if (stage.axes.includes(p.name)) {
        const value = own(chosen, p.name);
        return text(value ? (p.attr ? (value.vars[p.attr]?.text ?? NEUTRAL) : value.name) : NEUTRAL);
      }
      const variable = m.variables.find((v) => v.key === p.name);
      // An empty default would hide the text around it; the planner names such a variable.
      if (variable) return { kind: 'variable', variable: { ...variable, default: variable.default || NEUTRAL }, source: { placeholder: '', what: '' } };
      return { kind: 'error', code: 'unknown-placeholder', reason: '' };
    },
  });
}

function checkTag(m: Matrix, stage: Stage, tag: TagSpec): Problem[] {
  const template = tag.template;
  const fill = (chosen: Record<string, AxisValue>): string | undefined => {
    const rendered = render(template, neutralScope(m, stage, chosen));
    return rendered.ok ? rendered.value.preview : undefined;
  };
  if (hasMalformedPlaceholders(template.text)) return []; // placeholder-syntax.ts reports it
  const neutral = fill({});
  if (neutral === undefined) return []; // the planner reports unknown placeholders
  const at = { file: template.origin.file, pointer: template.origin.pointer };
  const axes = new Map(m.axes.filter((a) => stage.axes.includes(a.name)).map((a) => [a.name, a]));
  const first = Object.fromEntries([...axes.values()].filter((a) => a.values.length).map((a) => [a.name, a.values[0]!]));
  const own = imageReferenceProblem(neutral);
  if (own) {
    const example = fill(first) ?? neutral;
    return [error('bad-tag', `The tag template "${template.text}" of stage "${stage.key}" cannot give a valid image reference: it gives e.g. "${example}", and ${own.replace(/^it /, 'that ')}.`, { ...at, hint: GRAMMAR })];
  }
  const problems: Problem[] = [];
  for (const name of new Set(placeholdersOf(template.text).map((p) => p.name))) {
    const axis = axes.get(name);
    if (!axis) continue;
    const allowed = stage.only?.[name];
    const bad = axis.values
      .filter((v) => !allowed || allowed.includes(v.name))
      .map((v) => ({ value: v.name, problem: imageReferenceProblem(fill({ [name]: v }) ?? ''), tag: fill({ ...first, [name]: v }) }))
      .filter((x) => x.problem);
    if (bad.length === 0) continue;
    problems.push(
      error('bad-tag', `The tag template "${template.text}" of stage "${stage.key}" gives an invalid image reference for ${name} ${bad.map((b) => `"${b.value}"`).join(', ')}: in "${bad[0]!.tag}", ${bad[0]!.problem!}.`, {
        ...at,
        hint: `Rename the value, or use {${name}} only after the last ":" (in the tag, where upper case is allowed). ${GRAMMAR}`,
      }),
    );
  }
  return problems;
}
