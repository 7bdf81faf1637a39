// Semantic rules over the resolved matrix. Each rule only adds problems.
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Matrix, Origin, Stage, Variable } from '../types/matrix.ts';
import { includedValues } from '../expand/combinations.ts';
import { valueIndex } from '../expand/values.ts';
import { BUILT_IN_PLACEHOLDERS, placeholdersOf } from '../template/index.ts';
import { KNOWN_PLATFORMS } from './platforms.ts';
import { at, axisNames, checkSelector } from './rules/check-selector.ts';
import { autoGroups } from './rules/auto-groups.ts';
import { axisValues } from './rules/axis-values.ts';
import { filterCollisions } from './rules/filter-collisions.ts';
import { namedContexts } from './rules/named-contexts.ts';
import { overrideSettings } from './rules/override-settings.ts';
import { stageBases } from './rules/stage-bases.ts';
import { tables } from './rules/tables.ts';
import { sanitizedNames } from './rules/sanitized-names.ts';
import { secretArgs } from './rules/secret-args.ts';
import { tagConditions } from './rules/tag-conditions.ts';
import { tagTemplates } from './rules/tag-templates.ts';
import { placeholderSyntax } from './rules/placeholder-syntax.ts';
import { deadRules } from './rules/dead-rules.ts';
import { groupCycles } from './rules/group-cycles.ts';
import { secretIds } from './rules/secret-ids.ts';
import { variableEnvNames } from './rules/variable-env-names.ts';
import { unreadArgNames } from './rules/unread-arg-names.ts';
import { runnerLabels } from './rules/runner-labels.ts';

export type Rule = (m: Matrix) => Problem[];

const stagesExist: Rule = (m) =>
  m.stages.length
    ? []
    : [error('no-stages', `The matrix (${m.sources.join(', ')}) defines no stages.`, { file: m.sources[0], pointer: '', hint: 'Add a `stages:` mapping with at least one stage and its Dockerfile `target`.' })];

/** Two placeholders reading one bake variable would silently share its value. */
const variableNames: Rule = (m) => {
  const byEnv = new Map<string, Variable>();
  return m.variables.flatMap((v) => {
    const other = byEnv.get(v.env);
    byEnv.set(v.env, v);
    if (!other) return [];
    const where = (x: Variable) => (x.origin.file === '(built-in)' ? `the built-in {${x.key}}` : `{${x.key}}`);
    const [built, mine] = v.origin.file === '(built-in)' ? [v, other] : [other, v];
    return [error('variable-env-collision', `The variables ${where(built)} and ${where(mine)} both read the bake variable ${v.env}, so one would silently take the other's value.`, {
      ...at(mine.origin, '/env'),
      hint: 'Give each variable its own `env` name.',
    })];
  });
};

const parentsExist: Rule = (m) =>
  m.stages.flatMap((s) => {
    if (!s.from || m.stages.some((p) => p.key === s.from)) return [];
    return [error('unknown-stage', `Stage "${s.key}" derives from "${s.from}", which is not a stage.${didYouMean(s.from, m.stages.map((p) => p.key))}`, at(s.origin, '/from'))];
  });

const noCycles: Rule = (m) => {
  const byKey = new Map(m.stages.map((s) => [s.key, s]));
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const start of m.stages) {
    const chain: string[] = [];
    let current: Stage | undefined = start;
    while (current && !chain.includes(current.key)) {
      chain.push(current.key);
      current = current.from ? byKey.get(current.from) : undefined;
    }
    if (current && current.key === start.key && !reported.has(start.key)) {
      chain.forEach((k) => reported.add(k));
      problems.push(error('stage-cycle', `Stages derive from each other in a cycle: ${[...chain, start.key].join(' -> ')}.`, {
        ...at(start.origin, '/from'),
        hint: 'One stage of the chain must be a root: remove its `from`.',
      }));
    }
  }
  return problems;
};

const stageAxes: Rule = (m) =>
  m.stages.flatMap((s) => {
    const problems: Problem[] = [];
    s.axes.forEach((a, i) => {
      if (!axisNames(m).includes(a)) problems.push(error('unknown-axis', `Stage "${s.key}" varies over the axis "${a}", which is not defined.${didYouMean(a, axisNames(m))}`, at(s.origin, `/axes/${i}`)));
    });
    const parent = m.stages.find((p) => p.key === s.from);
    const missing = parent?.axes.filter((a) => !s.axes.includes(a)) ?? [];
    if (parent && missing.length) {
      problems.push(error('axes-narrower-than-parent', `Stage "${s.key}" does not vary over ${missing.map((a) => `"${a}"`).join(', ')}, but its parent "${parent.key}" does, so it cannot tell which parent target to build on.`, {
        ...at(s.origin, '/axes'),
        hint: `List every axis of "${parent.key}" (${parent.axes.join(', ')}) in the axes of "${s.key}".`,
      }));
    }
    for (const layer of s.layers) {
      layer.axes.forEach((a, i) => {
        if (!s.axes.includes(a)) problems.push(error('layer-axis', `Layer "${layer.key}" of stage "${s.key}" varies over "${a}", which the stage does not.`, { ...at(layer.origin, `/axes/${i}`), hint: `Layer axes must be among the stage's: ${s.axes.join(', ') || 'none'}.` }));
      });
      const lacking = parent?.axes.filter((a) => !layer.axes.includes(a)) ?? [];
      if (lacking.length) problems.push(error('axes-narrower-than-parent', `Layer "${layer.key}" of stage "${s.key}" builds on "${parent!.key}" but does not vary over ${lacking.map((a) => `"${a}"`).join(', ')}.`, { ...at(layer.origin, '/axes'), hint: `Add ${lacking.join(', ')} to the layer's axes.` }));
    }
    return problems;
  });

const selectors: Rule = (m) => [
  ...m.exclude.flatMap((r) => checkSelector(m, r.selector, r.origin, 'This exclude rule')),
  ...m.overrides.flatMap((o) => checkSelector(m, o.when, { ...o.origin, pointer: o.origin.pointer + '/when' }, 'This override')),
  ...m.stages.flatMap((s) => (s.only ? checkSelector(m, s.only, { ...s.origin, pointer: s.origin.pointer + '/only' }, `The \`only\` of stage "${s.key}"`) : [])),
  ...m.axes.flatMap((a) => a.values.flatMap((v) => checkSelector(m, v.only, { ...v.origin, pointer: v.origin.pointer + '/only' }, `The \`only\` of ${a.name} "${v.name}"`))),
  ...m.include.flatMap((r) => checkSelector(m, Object.fromEntries(Object.entries(r.combination).map(([k, v]) => [k, [v]])), r.origin, 'This include rule')),
  ...[...m.stages.flatMap((s) => s.tags), ...m.overrides.flatMap((o) => o.tags)].flatMap((t) => (t.when ? checkSelector(m, t.when, { ...t.origin, pointer: t.origin.pointer + '/when' }, 'The `when` of this tag') : [])),
];

const includesApply: Rule = (m) => {
  const index = valueIndex(m);
  return m.include.flatMap((r) => {
    const keys = Object.keys(r.combination);
    if (m.stages.some((s) => includedValues(r.combination, s.axes, index))) return [];
    return [error('include-applies-nowhere', `This include names ${keys.join(', ')}, which is not every axis of any stage, so it adds nothing.`, {
      ...at(r.origin),
      hint: `Name one value for each axis of a stage: ${m.stages.map((s) => `${s.key} (${s.axes.join(', ')})`).join('; ')}.`,
    })];
  });
};

const overrideStages: Rule = (m) =>
  m.overrides.flatMap((o) =>
    (o.stages ?? []).flatMap((key, i) =>
      m.stages.some((s) => s.key === key) ? [] : [error('unknown-stage', `This override names the stage "${key}", which is not defined.${didYouMean(key, m.stages.map((s) => s.key))}`, at(o.origin, `/stages/${i}`))],
    ),
  );

const groupStages: Rule = (m) =>
  m.groups.flatMap((g) => {
    if (g.kind !== 'template') return [];
    return g.stages.flatMap((key, i) => {
      const stage = m.stages.find((s) => s.key === key);
      if (!stage) return [error('unknown-stage', `Group "${g.template.text}" names the stage "${key}", which is not defined.${didYouMean(key, m.stages.map((s) => s.key))}`, at(g.origin, `/${i}`))];
      const placeholders = placeholdersOf(g.template.text).map((p) => p.name);
      const foreign = placeholders.filter((p) => !stage.axes.includes(p) && !m.tables.some((t) => t.name === p));
      return foreign.length
        ? [error('unknown-placeholder', `Group "${g.template.text}" uses {${foreign.join('}, {')}}, but stage "${key}" does not vary over ${foreign.join(', ')}.`, { ...at(g.origin, '', true), hint: `Placeholders of a group name must be axes of each stage it lists; "${key}" varies over: ${stage.axes.join(', ') || 'nothing'}.` })]
        : [];
    });
  });

const platforms: Rule = (m) => {
  const problems: Problem[] = [];
  const check = (list: string[] | undefined, origin: Origin, suffix: string) =>
    list?.forEach((p, i) => {
      if (KNOWN_PLATFORMS.includes(p)) return;
      problems.push(error('unknown-platform', `"${p}" is not a platform buildx knows.${didYouMean(p, KNOWN_PLATFORMS)}`, { ...at(origin, `${suffix}/${i}`), hint: 'Use os/arch[/variant], e.g. linux/amd64, linux/arm64, linux/arm/v7.' }));
    });
  check(m.platforms, m.platformsOrigin, '');
  m.axes.forEach((a) => a.values.forEach((v) => check(v.platforms, v.origin, '/platforms')));
  m.stages.forEach((s) => check(s.platforms, s.origin, '/platforms'));
  m.exclude.forEach((r) => check(r.platforms, r.origin, '/platforms'));
  return problems;
};

/**
 * A stage bound as `target:` context under its Dockerfile stage name must not be the stage being built.
 * Literal targets along `from` only: a target template, and parents an override or a value's `from` gives,
 * are compared per rendered name by the planner (plan/index.ts, checkBoundNames).
 */
const distinctTargets: Rule = (m) =>
  m.stages.flatMap((s) => {
    const above = new Map<string, string>();
    // Stages bound by name: up to the first one reached through a tag (`from: {stage, arg}`).
    const seen = new Set<string>();
    for (let child = s, p = m.stages.find((x) => x.key === s.from); p && !child.fromArg && !seen.has(p.key); child = p, p = m.stages.find((x) => x.key === p!.from)) {
      seen.add(p.key);
      if (p.target !== undefined && !p.targetTemplate && !above.has(p.target)) above.set(p.target, `stage "${p.key}"`);
      p.layers.forEach((l) => above.set(l.target, `layer "${l.key}" of stage "${p!.key}"`));
    }
    s.layers.forEach((l) => {
      if (!above.has(l.target)) above.set(l.target, `layer "${l.key}"`);
    });
    const clash = s.target === undefined || s.targetTemplate ? undefined : above.get(s.target);
    return clash
      ? [error('target-reused', `Stage "${s.key}" builds the Dockerfile stage "${s.target}", which ${clash} above it also builds; bake binds that one as a \`target:\` context under the same name, so the build would depend on itself.`, {
          ...at(s.origin, '/target'),
          hint: 'Give each stage and layer of a chain its own Dockerfile stage.',
        })]
      : [];
  });

/** Placeholders the tool fills itself; an axis of that name would be shadowed or shadow them. `platforms` is a key of exclude rules. */
const RESERVED_PLACEHOLDERS = [...BUILT_IN_PLACEHOLDERS, 'platforms'];

/** Axes, tables and variables share one namespace of placeholders. */
const placeholderNamesDistinct: Rule = (m) => [
  ...m.axes.flatMap((a) => {
    const clash = RESERVED_PLACEHOLDERS.includes(a.name) ? 'a placeholder bake-matrix fills itself' : m.variables.some((v) => v.key === a.name) ? 'a run-time variable' : undefined;
    return clash
      ? [error('axis-name-taken', `The axis "${a.name}" has the name of ${clash}: {${a.name}} in a template would be ambiguous.`, {
          ...at(a.origin, '', true),
          hint: `Rename the axis (reserved: ${[...RESERVED_PLACEHOLDERS, ...m.variables.map((v) => v.key)].join(', ')}).`,
        })]
      : [];
  }),
  ...m.tables.flatMap((t) => {
    const clash = RESERVED_PLACEHOLDERS.includes(t.name) ? 'a placeholder bake-matrix fills itself' : m.axes.some((a) => a.name === t.name) ? 'an axis' : m.variables.some((v) => v.key === t.name) ? 'a run-time variable' : undefined;
    return clash
      ? [error('table-name-taken', `The table "${t.name}" has the name of ${clash}: {${t.name}} in a template would be ambiguous.`, { ...at(t.origin, '', true), hint: 'Rename the table.' })]
      : [];
  }),
];

export const RULES: Rule[] = [
  placeholderNamesDistinct, variableNames, distinctTargets, stagesExist, parentsExist, noCycles, stageAxes, selectors, includesApply, overrideStages, groupStages, platforms,
  sanitizedNames, placeholderSyntax, tagTemplates, tagConditions, secretArgs, axisValues, tables, overrideSettings, stageBases, filterCollisions, autoGroups, namedContexts, deadRules, groupCycles, secretIds, variableEnvNames, unreadArgNames, runnerLabels,
];

export function checkRules(m: Matrix): Problem[] {
  return RULES.flatMap((rule) => rule(m));
}
