// Tag templates must give valid image references. Checked once per template
// (the planner checks each rendered tag): first with neutral placeholder
// values, to blame the template's own text, then value by value.
import { imageReferenceProblem } from '../../plan/names.ts';
import { placeholdersOf, render } from '../../plan/template.ts';
import { error, type Problem } from '../../problems/problem.ts';
import type { Matrix, Stage, Template } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';

const NEUTRAL = 'x0';
const GRAMMAR =
  'An image reference is [registry/]name[:tag]: the name is lower-case letters and digits, joined by ".", "_", "__" or "-" and split by "/"; the tag, after the last ":", is up to 128 of A-Z a-z 0-9 "_" "." "-". No spaces.';

export const tagTemplates: Rule = (m) => m.stages.flatMap((stage) => stage.tags.flatMap((tag) => checkTag(m, stage, tag)));

function checkTag(m: Matrix, stage: Stage, tag: Template): Problem[] {
  const axes = new Map(m.axes.filter((a) => stage.axes.includes(a.name)).map((a) => [a.name, a]));
  // Variables at their defaults; an empty default would hide the text around it.
  const variables = new Map(m.variables.map((v) => [v.key, { ...v, default: v.default || NEUTRAL }]));
  const builtIn: Record<string, string> = { matrix: m.name, stage: stage.key, target: NEUTRAL };
  const names = placeholdersOf(tag.text);
  if (names.some((n) => !axes.has(n) && !variables.has(n) && !(n in builtIn))) return []; // the planner reports unknown placeholders
  const neutralAxes = Object.fromEntries([...axes.keys()].map((n) => [n, NEUTRAL]));
  /** The tag with these axis values, the others neutral, variables at their defaults. */
  const fill = (values: Record<string, string>): string => {
    const rendered = render(tag, { values: { ...builtIn, ...neutralAxes, ...values }, variables });
    return rendered.ok ? rendered.value.preview : tag.text;
  };
  const at = { file: tag.origin.file, pointer: tag.origin.pointer };

  const first = Object.fromEntries([...axes.values()].map((a) => [a.name, a.values[0]?.name ?? NEUTRAL]));
  const own = imageReferenceProblem(fill({}));
  if (own) {
    const example = fill(first);
    return [error('bad-tag', `The tag template "${tag.text}" of stage "${stage.key}" cannot give a valid image reference: it gives e.g. "${example}", and ${own.replace(/^it /, 'that ')}.`, { ...at, hint: GRAMMAR })];
  }
  const problems: Problem[] = [];
  for (const name of new Set(names)) {
    const axis = axes.get(name);
    if (!axis) continue;
    const allowed = stage.only?.[name];
    const bad = axis.values
      .filter((v) => !allowed || allowed.includes(v.name))
      .map((v) => ({ value: v.name, problem: imageReferenceProblem(fill({ [name]: v.name })), tag: fill({ ...first, [name]: v.name }) }))
      .filter((x) => x.problem);
    if (bad.length === 0) continue;
    problems.push(
      error('bad-tag', `The tag template "${tag.text}" of stage "${stage.key}" gives an invalid image reference for ${name} ${bad.map((b) => `"${b.value}"`).join(', ')}: in "${bad[0]!.tag}", ${bad[0]!.problem!}.`, {
        ...at,
        hint: `Rename the value, or use {${name}} only after the last ":" (in the tag, where upper case is allowed). ${GRAMMAR}`,
      }),
    );
  }
  return problems;
}
