// Rules that do nothing. One that can never apply, whatever the values (an
// exclude or override naming axes no stage varies over together, an override
// listing a stage that lacks its axes), is an error: the matrix says something
// it never does. One that applies but changes nothing for these values (an
// include of a combination that is built anyway) is a warning: it may be kept
// on purpose, like a value switched off by an exclude rule.
import { includedValues, removalOf } from '../../expand/combinations.ts';
import { valueIndex } from '../../expand/values.ts';
import { error, type Problem } from '../../problems/problem.ts';
import { ABSENT_KEY, describeCombination } from '../../template/index.ts';
import type { AxisValue, Matrix, Selector, Stage } from '../../types/matrix.ts';
import type { Rule } from '../rules.ts';
import { at } from './check-selector.ts';


/** Levels a rule can apply at: every stage and layer, with its axes. */
function levels(m: Matrix): { stage: Stage; axes: string[] }[] {
  return m.stages.flatMap((s) => [{ stage: s, axes: s.axes }, ...s.layers.map((l) => ({ stage: s, axes: l.axes }))]);
}

/** Only selectors whose axes all exist are judged; unknown axes are reported by the selector rule. */
const known = (m: Matrix, sel: Selector) => Object.keys(sel).every((a) => m.axes.some((x) => x.name === a));

const describeAxes = (axes: string[]) => axes.map((a) => `"${a}"`).join(' and ');
const stageList = (m: Matrix) => m.stages.map((s) => `${s.key} (${s.axes.join(', ') || 'no axes'})`).join('; ');

/**
 * A selector naming an axis whose every listed value takes away (`without`)
 * another axis it names: `{ device: cpu, cuda: cu130 }` where cpu has no cuda.
 * No combination has both, so the rule never applies.
 */
function contradiction(m: Matrix, sel: Selector): string | undefined {
  for (const [axis, names] of Object.entries(sel)) {
    const values = names.map((n) => valueOf(m, axis, n));
    if (values.length === 0 || values.some((v) => !v)) continue;
    const gone = Object.keys(sel).find((other) => other !== axis && values.every((v) => v!.without.includes(other)));
    if (gone) return `${axis} ${names.map((n) => `"${n}"`).join(' or ')} ${names.length > 1 ? 'have' : 'has'} no "${gone}" axis (${withoutAt(values[0]!, gone)}), so no combination has both`;
  }
  return undefined;
}

const valueOf = (m: Matrix, axis: string, name: string): AxisValue | undefined => m.axes.find((a) => a.name === axis)?.values.find((v) => v.name === name);

/** Where a value's `without` names `axis`: `without: [cuda]` at axes.device.cpu.without in matrix/stack.yaml. */
function withoutAt(v: AxisValue, axis: string): string {
  return `\`without: [${v.without.includes(axis) ? v.without.join(', ') : axis}]\` at axes.${v.axis}.${v.name}.without in ${v.origin.file}`;
}

/**
 * A stage's `only` and a tag's `when` that name a value together with an axis
 * it takes away: they select nothing (`only`) or never apply (`when`).
 */
const selectorContradictions = (m: Matrix): Problem[] => [
  ...m.stages.flatMap((s) => {
    const why = s.only && known(m, s.only) ? contradiction(m, s.only) : undefined;
    return why ? [error('rule-applies-nowhere', `The \`only\` of stage "${s.key}" can never match: ${why}.`, { ...at(s.origin, '/only'), hint: 'Remove the axis that does not apply from `only`.' })] : [];
  }),
  ...[...m.stages.flatMap((s) => s.tags), ...m.overrides.flatMap((o) => o.tags)].flatMap((t) => {
    const why = t.when && known(m, t.when) ? contradiction(m, t.when) : undefined;
    return why ? [error('rule-applies-nowhere', `The \`when\` of the tag "${t.template.text}" can never match: ${why}.`, { ...at(t.origin, '/when'), hint: 'Remove the axis that does not apply from `when`, or the tag.' })] : [];
  }),
];

/**
 * A value's `only` on an axis it takes away (cpu: `without: [cuda]`, `only: { cuda: [...] }`),
 * or listing values that take away the value's own axis (cu129: `only: { device: [cpu] }`):
 * no combination has both, so that part of the allow-list never applies.
 */
const onlyContradictions = (m: Matrix): Problem[] =>
  m.axes.flatMap((axis) =>
    axis.values.flatMap((v) =>
      Object.entries(v.only).flatMap(([other, names]): Problem[] => {
        if (!m.axes.some((a) => a.name === other)) return []; // an unknown axis is reported by the selector rule
        const where = at(v.origin, `/only/${other}`);
        if (v.without.includes(other)) {
          return [error('rule-applies-nowhere', `The \`only\` of ${axis.name} "${v.name}" lists ${other} values, but "${v.name}" has no "${other}" axis (${withoutAt(v, other)}), so the list never applies.`, { ...where, atKey: true, hint: `Remove \`${other}\` from the \`only\` of "${v.name}".` })];
        }
        const dead = names.map((n) => valueOf(m, other, n)).filter((o): o is AxisValue => o !== undefined && o.without.includes(axis.name));
        return dead.map((o) =>
          error('rule-applies-nowhere', `The \`only\` of ${axis.name} "${v.name}" lists ${other} "${o.name}", which has no "${axis.name}" axis (${withoutAt(o, axis.name)}), so no combination has both.`, {
            ...at(v.origin, `/only/${other}${names.length > 1 ? `/${names.indexOf(o.name)}` : ''}`),
            hint: `Remove "${o.name}" from the list.`,
          }),
        );
      }),
    ),
  );

/**
 * A table entry for a value together with an axis that value takes away
 * (device=cpu, cuda=cu129 where cpu is \`without: [cuda]\`): no target looks it
 * up, because the lookup for cpu uses "-" for cuda.
 */
const tableContradictions = (m: Matrix): Problem[] =>
  m.tables.flatMap((table) => {
    if (!table.by.every((a) => m.axes.some((x) => x.name === a))) return []; // reported by the table rule
    const problems: Problem[] = [];
    for (const entry of table.entries.values()) {
      const conflict = withoutConflict(m, table.by, entry.values);
      if (!conflict) continue;
      const path = table.by.slice(0, table.by.indexOf(conflict.gone) + 1).map((a) => entry.values[a]!);
      problems.push(error('rule-applies-nowhere', `The entry ${describeCombination(table.by, table.by.map((a) => entry.values[a]!))} of table "${table.name}" is never used: ${conflict.value.axis} "${conflict.value.name}" has no "${conflict.gone}" axis (${withoutAt(conflict.value, conflict.gone)}).`, {
        file: entry.origin.file,
        pointer: `${table.origin.pointer}/entries/${path.map(escapePointer).join('/')}`,
        atKey: true,
        hint: `Write "${ABSENT_KEY}" for ${conflict.gone} under ${conflict.value.axis} "${conflict.value.name}".`,
      }));
    }
    return problems;
  });

/** A value among `values` that takes away another axis of `axes` that has a value there. */
export function withoutConflict(m: Matrix, axes: readonly string[], values: Readonly<Record<string, string>>): { value: AxisValue; gone: string } | undefined {
  for (const axis of axes) {
    const v = values[axis] === undefined || values[axis] === ABSENT_KEY ? undefined : valueOf(m, axis, values[axis]!);
    const gone = v?.without.find((other) => axes.includes(other) && values[other] !== undefined && values[other] !== ABSENT_KEY);
    if (v && gone) return { value: v, gone };
  }
  return undefined;
}

function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

const contradictions = (m: Matrix): Problem[] => [
  ...m.exclude.flatMap((r) => {
    const why = known(m, r.selector) ? contradiction(m, r.selector) : undefined;
    return why ? [error('rule-applies-nowhere', `This exclude rule can never apply: ${why}.`, { ...at(r.origin), hint: 'Remove the rule, or name only axes that exist together.' })] : [];
  }),
  ...m.overrides.flatMap((o) => {
    const why = known(m, o.when) ? contradiction(m, o.when) : undefined;
    return why ? [error('rule-applies-nowhere', `This override can never apply: ${why}.`, { ...at(o.origin, '/when'), hint: 'Remove the axis that does not apply from `when`, or the override.' })] : [];
  }),
];

const deadExcludes = (m: Matrix): Problem[] =>
  m.exclude.flatMap((r) => {
    const axes = Object.keys(r.selector);
    if (axes.length === 0 || !known(m, r.selector) || m.stages.some((s) => axes.every((a) => s.axes.includes(a)))) return [];
    return [error('rule-applies-nowhere', `This exclude rule names ${describeAxes(axes)}, but no stage varies over ${axes.length > 1 ? 'all of them' : 'it'}, so it excludes nothing.`, {
      ...at(r.origin),
      hint: `An exclude rule applies to the stages that vary over every axis it names. Stages: ${stageList(m)}.`,
    })];
  });

const deadOverrides = (m: Matrix): Problem[] => {
  const all = levels(m);
  return m.overrides.flatMap((o) => {
    const axes = Object.keys(o.when);
    if (!known(m, o.when)) return [];
    const fits = (s: { axes: string[] }) => axes.every((a) => s.axes.includes(a));
    if (o.stages) {
      return o.stages.flatMap((key, i) => {
        const stage = m.stages.find((s) => s.key === key);
        if (!stage || all.some((l) => l.stage === stage && fits(l))) return []; // an unknown stage is reported elsewhere
        return [error('rule-applies-nowhere', `This override is for stage "${key}", which does not vary over ${describeAxes(axes.filter((a) => !stage.axes.includes(a)))}, so it never applies there.`, {
          ...at(o.origin, `/stages/${i}`),
          hint: `An override applies to a stage (or layer) that varies over every axis of its \`when\`. "${key}" varies over: ${stage.axes.join(', ') || 'nothing'}.`,
        })];
      });
    }
    if (all.some(fits)) return [];
    return [error('rule-applies-nowhere', `This override names ${describeAxes(axes)} in \`when\`, but no stage or layer varies over ${axes.length > 1 ? 'all of them' : 'it'}, so it sets nothing.`, {
      ...at(o.origin, '/when'),
      hint: `An override applies to the stages and layers that vary over every axis of its \`when\`. Stages: ${stageList(m)}.`,
    })];
  });
};

const redundantIncludes = (m: Matrix): Problem[] => {
  const index = valueIndex(m);
  return m.include.flatMap((r) => {
    const axes = Object.keys(r.combination);
    const valid = axes.every((a) => index.get(a)?.has(r.combination[a]!));
    const cells = m.stages.flatMap((s) => {
      const values = s.axes.length > 0 ? includedValues(r.combination, s.axes, index) : undefined;
      return values ? [{ stage: s, values }] : [];
    });
    if (!valid || cells.length === 0) return []; // reported by the selector and include rules
    if (cells.some((c) => removalOf(m, c.stage, c.values, index))) return [];
    return [{
      ...error('include-adds-nothing', `This include adds nothing: ${axes.map((a) => `${a}=${r.combination[a]}`).join(', ')} is built anyway (no exclude rule or \`only\` list removes it).`, {
        ...at(r.origin),
        hint: '`include` adds back combinations that exclude rules or `only` lists remove. Remove this entry, or keep it on purpose as a guard against a later exclude.',
      }),
      severity: 'warning' as const,
    }];
  });
};

export const deadRules: Rule = (m) => [
  ...deadExcludes(m), ...deadOverrides(m), ...contradictions(m), ...selectorContradictions(m), ...onlyContradictions(m), ...tableContradictions(m), ...redundantIncludes(m),
];
