// Groups: one per cell of a name template, per axis value, per stage, `default`,
// and the lists the matrix declares. A group may never share a target's name.
import type { Cell, Expansion } from '../expand/index.ts';
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Matrix, Origin, Stage } from '../types/matrix.ts';
import type { TargetInfo } from './index.ts';
import { NAME, sanitizeName } from './names.ts';
import { render, type Scope } from '../template/index.ts';

export interface GroupInfo {
  name: string;
  targets: string[];
  /** Why the group exists, for `list` and `explain`. */
  source: string;
  origin?: Origin;
}

const SMALL_GROUP = 8;

/**
 * Whether a stage cell's target belongs in `default` and the per-value groups:
 * a cell of a stage that is default for its tags only when it gets a tag there
 * (a tag `when` may leave some out, and buildx refuses to push a target without
 * tags: "tag is needed when pushing").
 */
export function isDefaultTarget(stage: Stage, info: TargetInfo | undefined): boolean {
  return stage.isDefault && (!stage.defaultIfTagged || (info?.tags.length ?? 0) > 0);
}

export function planGroups(
  m: Matrix,
  expansion: Expansion,
  cellNames: ReadonlyMap<Cell, string>,
  targets: ReadonlyMap<string, TargetInfo>,
  report: (p: Problem) => void,
  scopeOf: (target: string, cell: Cell) => Scope,
): Map<string, GroupInfo> {
  const groups = new Map<string, GroupInfo>();
  /**
   * The members of each big group, for a constant-time "already in it?" (groups grow
   * to one member per cell); a small group, most of them, is searched instead.
   */
  const members = new Map<string, Set<string>>();
  const has = (group: GroupInfo, member: string): boolean => {
    if (group.targets.length <= SMALL_GROUP) return group.targets.includes(member);
    let set = members.get(group.name);
    if (!set) members.set(group.name, (set = new Set(group.targets)));
    return set.has(member);
  };
  /**
   * `mayRepeat`: the member may be in the group already (a list may name it twice, two group templates
   * may read alike). The groups of axis values, stages and `default` get each cell once by construction,
   * so the big ones are not searched.
   */
  const add = (name: string, member: string, source: string, origin?: Origin, mayRepeat = false) => {
    const group = groups.get(name);
    if (!group) {
      groups.set(name, { name, targets: [member], source, origin });
    } else if (group.source !== source) {
      report(error('group-collision', `The group "${name}" would hold ${group.source} and also ${source}.`, { file: origin?.file ?? group.origin?.file, pointer: origin?.pointer ?? group.origin?.pointer, hint: 'Rename the axis value, stage or group so that each group name has one meaning.' }));
    } else if (!mayRepeat) {
      group.targets.push(member);
    } else if (!has(group, member)) {
      group.targets.push(member);
      members.get(name)?.add(member);
    }
  };
  const built = expansion.cells.filter((c) => cellNames.has(c));
  const named = (c: Cell) => cellNames.get(c)!;

  for (const spec of m.groups) {
    if (spec.kind !== 'template') continue;
    // A template over stages that build nothing is reported on the expansion (expand/empty-selections.ts).
    const members = built.filter((c) => spec.stages.includes(c.stage.key));
    for (const cell of members) {
      const rendered = render(spec.template, scopeOf(named(cell), cell));
      if (!rendered.ok) {
        report(error(rendered.problems[0]!.code, `The group template "${spec.template.text}" cannot name the group of "${named(cell)}": ${rendered.problems[0]!.placeholder.raw} ${rendered.problems[0]!.reason}.`, { file: spec.origin.file, pointer: spec.origin.pointer, atKey: true, ...(rendered.problems[0]!.hint ? { hint: rendered.problems[0]!.hint } : {}) }));
        continue;
      }
      add(sanitizeName(rendered.value.preview), named(cell), `group template "${spec.template.text}"`, spec.origin, true);
    }
  }

  const defaults = built.filter((c) => isDefaultTarget(c.stage, targets.get(named(c))));
  // Cells bucketed by axis value (and by stage) once, in cell order: linear in the cells.
  const byValue = new Map<string, Map<string, Cell[]>>();
  for (const cell of defaults) {
    for (const axis in cell.values) {
      const value = cell.values[axis]!;
      let values = byValue.get(axis);
      if (!values) byValue.set(axis, (values = new Map()));
      const bucket = values.get(value);
      if (bucket) bucket.push(cell);
      else values.set(value, [cell]);
    }
  }
  for (const axis of m.axes) {
    if (!m.autoGroups.values.includes(axis.name)) continue;
    for (const value of axis.values) {
      const cells = byValue.get(axis.name)?.get(value.name);
      if (!cells) continue;
      // The group's name and source once per value, not per member.
      const name = sanitizeName(value.name);
      const source = `the ${axis.name} "${value.name}"`;
      for (const cell of cells) add(name, named(cell), source, value.origin);
    }
  }
  if (m.autoGroups.stages) {
    const byStage = new Map<Cell['stage'], Cell[]>(m.stages.map((s) => [s, []]));
    for (const cell of built) byStage.get(cell.stage)?.push(cell);
    for (const stage of m.stages) {
      const name = sanitizeName(stage.key);
      const source = `the stage "${stage.key}"`;
      for (const cell of byStage.get(stage)!) add(name, named(cell), source, stage.origin);
    }
  }
  if (m.autoGroups.default) for (const cell of defaults) add('default', named(cell), 'the default stages', undefined);

  for (const spec of m.groups) {
    if (spec.kind !== 'list') continue;
    const known = [...targets.keys(), ...groups.keys()].filter((n) => !n.startsWith('_'));
    spec.targets.forEach((member, i) => {
      if (targets.has(member) || groups.has(member)) add(spec.name, member, `the group "${spec.name}"`, spec.origin, true);
      else report(error('unknown-target', `The group "${spec.name}" lists "${member}", which is no generated target or group.${didYouMean(member, known)}`, { file: spec.origin.file, pointer: `${spec.origin.pointer}/targets/${i}` }));
    });
  }

  for (const group of groups.values()) {
    if (!targets.has(group.name)) continue;
    if (group.targets.length === 1 && group.targets[0] === group.name) {
      groups.delete(group.name); // the target alone: the group would only hide it
      continue;
    }
    report(error('group-target-collision', `"${group.name}" is both a target and a group (${group.source}); bake would silently build the group.`, { file: group.origin?.file, pointer: group.origin?.pointer, hint: 'Rename the stage, axis value or group.' }));
  }
  for (const group of groups.values()) {
    if (!NAME.test(group.name) || group.name.startsWith('-')) report(error('bad-name', `The group name "${group.name}" is not a usable bake name.`, { file: group.origin?.file, pointer: group.origin?.pointer }));
  }
  return groups;
}
