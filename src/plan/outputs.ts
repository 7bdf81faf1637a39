// Where a stage target's image goes (bake `output`) and its OCI annotations
// (bake `annotations`): the stage's, then the overrides naming the stage, in
// file order (an override's `output` replaces, its annotations win key by key).
// An output is written in buildx's CSV form, which every buildx since v0.10
// reads; `name` must be an image reference and `dest` a path inside the
// project root, so that no value adds exporter options (`,dest=/etc`).
import { posix } from 'node:path';
import { matches, type Values } from '../expand/index.ts';
import { error, type Problem } from '../problems/problem.ts';
import type { Matrix, OutputSpec, Stage, Template } from '../types/matrix.ts';
import { escapeBake, render, type RenderProblem, type Scope } from '../template/index.ts';
import { renderReference } from './reference-sample.ts';
import { renderPath } from './paths.ts';

export interface PlannedOutputs {
  /** undefined: the stage declares none (buildx's default output). */
  output?: string[];
  annotations: string[];
}

type Report = (t: Template, problems: RenderProblem[]) => void;

/** Per stage: whether it or an override naming it sets an output or annotations (most set none: nothing to work out per target). */
const setsOutputs = new WeakMap<Stage, boolean>();

function stageSetsOutputs(m: Matrix, stage: Stage): boolean {
  let sets = setsOutputs.get(stage);
  if (sets === undefined) {
    sets = stage.output !== undefined || Object.keys(stage.annotations).length > 0 || m.overrides.some((o) => o.stages?.includes(stage.key) && (o.output !== undefined || Object.keys(o.annotations).length > 0));
    setsOutputs.set(stage, sets);
  }
  return sets;
}

export function planOutputs(m: Matrix, stage: Stage, values: Values, scope: Scope, report: Report, problems: Problem[]): PlannedOutputs {
  if (!stageSetsOutputs(m, stage)) return { annotations: [] };
  let specs = stage.output;
  const annotations = new Map(Object.entries(stage.annotations));
  for (const o of m.overrides) {
    if (!o.stages?.includes(stage.key) || !matches(o.when, values)) continue;
    if (o.output) specs = o.output;
    for (const [key, t] of Object.entries(o.annotations)) annotations.set(key, t);
  }
  const planned: PlannedOutputs = { annotations: [] };
  for (const [key, t] of annotations) {
    const result = render(t, scope);
    if (result.ok) planned.annotations.push(`${escapeBake(key)}=${result.value.bake}`);
    else report(t, result.problems);
  }
  if (specs) planned.output = specs.flatMap((spec) => outputEntry(spec, scope, report, problems) ?? []);
  return planned;
}

function outputEntry(spec: OutputSpec, scope: Scope, report: Report, problems: Problem[]): string | undefined {
  let entry = `type=${spec.type}`;
  for (const { key, value } of spec.options) {
    if (typeof value !== 'object') {
      entry += `,${key}=${value}`;
      continue;
    }
    const text = key === 'dest' ? destination(value, scope, report, problems) : imageName(value, scope, report, problems);
    if (text === undefined) return undefined;
    entry += `,${key}=${text}`;
  }
  return entry;
}

function imageName(t: Template, scope: Scope, report: Report, problems: Problem[]): string | undefined {
  return renderReference(t, scope, report, (text, why) =>
    problems.push(error('bad-output', `The output name "${text}" is not an image reference: ${why}.`, {
      file: t.origin.file,
      pointer: t.origin.pointer,
      hint: 'Write one [registry/]name[:tag], e.g. "{registry}/app": it is written into type=image,name=<name>, so it holds no "," or "=".',
    })),
  )?.bake;
}

/** A folder or file inside the project root, where bake runs; fixed when the file is generated. */
function destination(t: Template, scope: Scope, report: Report, problems: Problem[]): string | undefined {
  const path = renderPath(t, scope, report, problems);
  if (path === undefined) return undefined;
  const normalized = posix.normalize(path);
  if (posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../') || /[,"\s\\]/.test(path)) {
    problems.push(error('bad-output', `The output dest "${path}" is not a path inside the project root${/[,"\s\\]/.test(path) ? ' (it holds a ",", a quote, a backslash or a space)' : ''}.`, {
      file: t.origin.file,
      pointer: t.origin.pointer,
      hint: 'Write a relative path such as "out/{target}": bake runs in the project root and writes there.',
    }));
    return undefined;
  }
  return escapeBake(path);
}
