// A per-value parent written on the value (`axes.device.rocm.from: rocm-base`)
// -> the override it stands for: for the combinations with that value, the
// stage where the stage chain enters the axis builds on the named stage. That
// stage is the one that varies over the axis while its own parent stage does
// not (or that has no parent stage): in base -> framework -> runtime, all over
// `device`, only `base` is re-parented, and framework and runtime follow it as
// before. Exactly one such stage must exist: none (no stage varies over the
// axis) and several (two chains enter it) are errors whose hint is the
// override, which names its stages.
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import type { Axis, Override } from '../types/matrix.ts';
import { didYouMean } from '../problems/suggest.ts';
import { parentKey, type WrittenStage } from './resolve-stages.ts';

export function valueParents(axes: readonly Axis[], written: readonly WrittenStage[], problems: Problem[]): Override[] {
  const values = axes.flatMap((a) => a.values.filter((v) => v.from));
  if (!values.length) return [];
  const byKey = new Map(written.map((w) => [w.key, w]));
  const axesOf = stageAxes(byKey);
  const overrides: Override[] = [];
  for (const value of values) {
    const base = value.from!;
    const where = { file: base.origin.file, pointer: base.origin.pointer + (base.arg !== undefined ? pointerOf(['stage']) : '') };
    if (!byKey.has(base.stage)) {
      problems.push(error('unknown-stage', `The \`from\` of ${value.axis} "${value.name}" names "${base.stage}", which is not a stage.${didYouMean(base.stage, [...byKey.keys()])}`, where));
      continue;
    }
    // The named stage and every stage it builds on cannot build on it.
    const above = new Set<string>();
    for (let key: string | undefined = base.stage; key !== undefined && !above.has(key); key = parentKey(byKey.get(key)?.stage.from)) above.add(key);
    const entries = written.filter((w) => {
      if (above.has(w.key) || !axesOf(w.key).includes(value.axis)) return false;
      const parent = parentKey(w.stage.from);
      return parent === undefined || !byKey.has(parent) || !axesOf(parent).includes(value.axis);
    });
    const form = `{ when: { ${value.axis}: ${value.name} }, stages: [...], from: ${base.arg !== undefined ? `{ stage: ${base.stage}, arg: ${base.arg} }` : base.stage} }`;
    if (entries.length !== 1) {
      const varying = written.filter((w) => !above.has(w.key) && axesOf(w.key).includes(value.axis)).map((w) => `"${w.key}"`);
      problems.push(
        entries.length === 0
          ? error('value-from-unused', `The \`from\` of ${value.axis} "${value.name}" re-parents no stage: ${varying.length ? `the stages that vary over "${value.axis}" (${varying.join(', ')}) build on "${base.stage}" already` : `no stage other than "${base.stage}" and those it builds on varies over "${value.axis}"`}.`, {
              ...where,
              hint: `A value's \`from\` re-parents the stage where the chain enters the axis; add "${value.axis}" to the axes of the stage that should build on "${base.stage}", or remove \`from\`.`,
            })
          : error('value-from-ambiguous', `The \`from\` of ${value.axis} "${value.name}" would re-parent ${entries.map((w) => `"${w.key}"`).join(' and ')}: each enters the axis "${value.axis}" (it varies over it, its parent does not).`, {
              ...where,
              hint: `Name the stages in an override instead: \`overrides: [${form.replace('[...]', `[${entries[0]!.key}]`)}]\`.`,
            }),
      );
      continue;
    }
    overrides.push({
      when: { [value.axis]: [value.name] },
      stages: [entries[0]!.key],
      args: {},
      labels: {},
      tags: [],
      replaceTags: false,
      fromStage: base,
      annotations: {},
      fromValue: { axis: value.axis, value: value.name },
      origin: base.origin,
    });
  }
  return overrides;
}

/** A written stage's axes: its own, else its parent stage's (a cycle gives none: reported by the rules). */
function stageAxes(byKey: ReadonlyMap<string, WrittenStage>): (key: string) => readonly string[] {
  const memo = new Map<string, readonly string[]>();
  return (key) => {
    const chain: string[] = [];
    let found: readonly string[] = [];
    for (let k: string | undefined = key; k !== undefined; k = parentKey(byKey.get(k)?.stage.from)) {
      const known = memo.get(k);
      if (known) {
        found = known;
        break;
      }
      const w = byKey.get(k);
      if (!w || chain.includes(k)) break;
      chain.push(k);
      if (w.stage.axes) {
        found = w.stage.axes;
        break;
      }
    }
    for (const k of chain) memo.set(k, found);
    return found;
  };
}
