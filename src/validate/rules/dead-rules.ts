// Rules that do nothing. One that can never apply, whatever the values (an
// exclude or override naming axes no stage varies over together, an override
// listing a stage that lacks its axes), is an error: the matrix says something
// it never does. One that applies but changes nothing for these values (an
// include of a combination that is built anyway) is a warning: it may be kept
// on purpose, like a value switched off by an exclude rule.
import { includedValues, removalOf } from '../../expand/combinations.ts';
import { valueIndex } from '../../expand/values.ts';
import { error, type Problem } from '../../problems/problem.ts';
import type { Matrix, Selector, Stage } from '../../types/matrix.ts';
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
    const values = names.map((n) => m.axes.find((a) => a.name === axis)?.values.find((v) => v.name === n));
    if (values.length === 0 || values.some((v) => !v)) continue;
    const gone = Object.keys(sel).find((other) => other !== axis && values.every((v) => v!.without.includes(other)));
    if (gone) return `${axis} ${names.map((n) => `"${n}"`).join(' or ')} ${names.length > 1 ? 'have' : 'has'} no "${gone}" axis (\`without: [${gone}]\`), so no combination has both`;
  }
  return undefined;
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

export const deadRules: Rule = (m) => [...deadExcludes(m), ...deadOverrides(m), ...contradictions(m), ...redundantIncludes(m)];
