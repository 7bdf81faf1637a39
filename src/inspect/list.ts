// list: the plan -> the targets and groups it holds, optionally filtered by axis values.
import type { Values } from '../expand/index.ts';
import { COMMON_TARGET, type Plan } from '../plan/index.ts';
import { error, type Problem, type Result } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Matrix } from '../types/matrix.ts';
import { contentTagShown } from '../template/inputs-placeholder.ts';

/** Axis -> accepted values: values of one axis are alternatives, axes must all match. */
export type Where = Record<string, string[]>;

export interface ListedTarget {
  name: string;
  kind: 'stage' | 'layer';
  stage: string;
  layer?: string;
  values: Values;
  platforms: string[];
  inherits: string[];
  /** As written into the bake file, and with every variable at its default; `shared`: a tag several images carry, made by `bake-matrix manifest` (bake does not push it). */
  tags: { bake: string; preview: string; shared: boolean }[];
  /** Its content tags ({inputs} tags: not in the bake file), variables at their defaults and {inputs} as written; `hash` renders them. */
  contentTags?: string[];
  /** For a layer: the stage targets that bind it. */
  usedBy?: string[];
  /** With `ci:`: platform -> the per-platform target that builds this one for it alone. */
  perPlatform?: Record<string, string>;
}

export interface ListedGroup {
  name: string;
  targets: string[];
  /** Why the group exists. */
  source: string;
  /** With --where: the members that match (targets, or groups holding one). */
  matching?: string[];
  /** With `ci:`: platform -> the per-platform group. */
  perPlatform?: Record<string, string>;
}

export interface Listing {
  /** The matrix's axes, in declaration order. */
  axes: string[];
  where: Where;
  targets: ListedTarget[];
  groups: ListedGroup[];
  /** How many targets and groups there are before filtering. */
  total: { targets: number; groups: number };
  /** With `ci:`: how many per-platform targets and groups the file has besides. */
  perPlatform?: { targets: number; groups: number };
}

/** Parses `--where axis=value[,value]` options against the matrix's axes. */
export function parseWhere(specs: readonly string[], m: Matrix): Result<Where> {
  const where: Where = {};
  const problems: Problem[] = [];
  for (const spec of specs) {
    const match = /^([^=]+)=(.+)$/.exec(spec);
    if (!match) {
      problems.push(error('usage', `--where "${spec}" is not of the form AXIS=VALUE.`, { hint: 'For example --where framework=vllm (repeat --where to narrow further, or give VALUE,VALUE for either).' }));
      continue;
    }
    const [, axisName, list] = match as unknown as [string, string, string];
    const axis = m.axes.find((a) => a.name === axisName);
    if (!axis) {
      const names = m.axes.map((a) => a.name);
      problems.push(error('unknown-axis', `--where ${spec}: the matrix has no axis "${axisName}".${didYouMean(axisName, names)}`, { hint: `The axes are: ${names.join(', ') || '(none)'}.` }));
      continue;
    }
    for (const value of list.split(',')) {
      const names = axis.values.map((v) => v.name);
      if (!names.includes(value)) {
        problems.push(error('unknown-value', `--where ${spec}: the axis "${axisName}" has no value "${value}".${didYouMean(value, names)}`, { hint: `Its values are: ${names.join(', ')}.` }));
        continue;
      }
      const accepted = (where[axisName] ??= []);
      if (!accepted.includes(value)) accepted.push(value);
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: where, warnings: [] };
}

export function matches(values: Values, where: Where): boolean {
  return Object.entries(where).every(([axis, accepted]) => values[axis] !== undefined && accepted.includes(values[axis]));
}

/** Targets in plan order (parents before children), hidden ones left out; groups by name. */
export function listPlan(plan: Plan, m: Matrix, where: Where = {}): Listing {
  const all = [...plan.targets.values()].filter((t) => t.kind !== 'common' && t.name !== COMMON_TARGET);
  const targets: ListedTarget[] = all
    .filter((t) => matches(t.values, where))
    .map((t) => ({
      name: t.name,
      kind: t.kind as 'stage' | 'layer',
      stage: t.stage ?? '',
      ...(t.layer ? { layer: t.layer } : {}),
      values: t.values,
      platforms: t.platforms,
      inherits: plan.bake.target[t.name]?.inherits ?? [],
      tags: t.tags.map(({ bake, preview, shared }) => ({ bake, preview, shared })),
      ...(t.contentTags?.length ? { contentTags: t.contentTags.filter((c) => c.preview !== '').map((c) => contentTagShown(c.pieces, {})) } : {}),
      ...(t.kind === 'layer' ? { usedBy: t.usedBy } : {}),
      ...perPlatformOf(plan.perPlatform?.targets.get(t.name)),
    }));
  const selected = new Set(targets.map((t) => t.name));
  const holdsMatch = (group: string, seen: Set<string>): boolean => {
    if (seen.has(group)) return false;
    seen.add(group);
    return (plan.groups.get(group)?.targets ?? []).some((member) => selected.has(member) || holdsMatch(member, seen));
  };
  const filtering = Object.keys(where).length > 0;
  const groups = [...plan.groups.values()]
    .filter((g) => !filtering || holdsMatch(g.name, new Set()))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((g) => ({
      name: g.name,
      targets: g.targets,
      source: g.source,
      ...(filtering ? { matching: g.targets.filter((m) => selected.has(m) || holdsMatch(m, new Set([g.name]))) } : {}),
      ...perPlatformOf(plan.perPlatform?.groups.get(g.name)),
    }));
  const pp = plan.perPlatform;
  const perPlatform = pp ? { perPlatform: { targets: pp.of.size, groups: [...pp.groups.values()].reduce((n, g) => n + g.size, 0) } } : {};
  return { axes: m.axes.map((a) => a.name), where, targets, groups, total: { targets: all.length, groups: plan.groups.size }, ...perPlatform };
}

const perPlatformOf = (names: ReadonlyMap<string, string> | undefined) => (names?.size ? { perPlatform: Object.fromEntries(names) } : {});
