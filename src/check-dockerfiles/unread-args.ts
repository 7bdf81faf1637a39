// Args the matrix passes that a target's Dockerfile stage does not read (no
// ARG declares them there; buildx ignores them). Each target is checked
// against its own Dockerfile and stage; what counts as a mistake depends on
// where the arg is set (docs/format.md, "How build args reach the Dockerfiles"):
// - at the top level (`args`): meant for every target, read by some: an
//   error only when no target reads it;
// - on a stage or a layer: meant for its own targets: each must read it;
// - on an axis value, by an override or by `from: {stage, arg}`: meant for the
//   targets it is set on and those that inherit it from them: each such
//   lineage must read it somewhere.
// An arg no target reads at all is `undeclared-arg` (a typo, most likely:
// did-you-mean); one some targets read and others not is `unread-arg`.
// `args_unread` (top level, or a stage's) allows names on purpose; an entry
// that allows nothing is a warning.
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Matrix, Origin, UnreadArg } from '../types/matrix.ts';
import { declarationLine, declares, visibleArgs } from './arg-scope.ts';
import type { TargetStage } from './check-args.ts';
import { PREDEFINED_ARGS } from './predefined-args.ts';
import { originKey, targetList } from '../problems/target-list.ts';

/** Where an arg is set, as far as the check cares. */
interface Setting {
  reach: 'shared' | 'own' | 'lineage';
  /** `at the top level`, `on the cuda value "cu129"`, `on stage "runtime"`, ... */
  where: string;
  /** How to pass it only where it is read. */
  narrow: string;
  /** For `own`: the targets it is meant for. */
  owns?: (ts: TargetStage) => boolean;
}

/** The targets one setting of one arg reaches. */
interface Passed {
  name: string;
  origin: Origin;
  receivers: TargetStage[];
}

export function unreadArgs(matrix: Matrix, targets: readonly TargetStage[]): Problem[] {
  const settings = settingsOf(matrix);
  const allowances = new Allowances(matrix);
  const problems: Problem[] = [];
  for (const passed of passedArgs(targets)) {
    const setting = settings.get(originKey(passed.origin)) ?? { reach: 'lineage', where: 'in the matrix', narrow: 'pass it only to the targets that read it' };
    const meant = setting.owns ? passed.receivers.filter(setting.owns) : passed.receivers;
    const members = meant.length ? meant : passed.receivers;
    const reads = members.map((r) => declares(r.model, r.dockerStage, passed.name));
    if (reads.every(Boolean)) continue;
    const anyRead = reads.some(Boolean);
    if (anyRead && setting.reach === 'shared') continue;
    const unread = !anyRead ? members : setting.reach === 'own' ? members.filter((_, i) => !reads[i]) : unreadLineages(members, reads);
    const reported = unread.filter((r) => !allowances.allow(r, passed.name));
    if (!reported.length) continue;
    const reader = members[reads.indexOf(true)];
    problems.push(reader ? unreadArg(passed, setting, reported, reader) : undeclaredArg(passed, setting, reported));
  }
  return [...problems, ...allowances.unused(targets)];
}

/** Every (setting, arg name) and the targets it reaches, in the order first reached; args BuildKit sets itself are left out. */
function passedArgs(targets: readonly TargetStage[]): Iterable<Passed> {
  const found: Passed[] = [];
  /** By setting (its origin's key), then by arg name: no key built per target and arg. */
  const byOrigin = new Map<string, Map<string, Passed>>();
  /** Origins are shared by every target a template reaches: their keys are built once, with the map of their args. */
  const names = new WeakMap<Origin, Map<string, Passed>>();
  for (const ts of targets) {
    for (const name in ts.target.args) {
      if (PREDEFINED_ARGS.has(name)) continue;
      const origin = ts.target.args[name]!.origin;
      let byName = names.get(origin);
      if (byName === undefined) {
        const key = originKey(origin);
        byName = byOrigin.get(key);
        if (byName === undefined) byOrigin.set(key, (byName = new Map()));
        names.set(origin, byName);
      }
      const entry = byName.get(name);
      if (entry) entry.receivers.push(ts);
      else {
        const passed = { name, origin, receivers: [ts] };
        byName.set(name, passed);
        found.push(passed);
      }
    }
  }
  return found;
}

function settingsOf(m: Matrix): Map<string, Setting> {
  const out = new Map<string, Setting>();
  const add = (origins: Iterable<{ origin: Origin }>, setting: Setting) => {
    for (const { origin } of origins) out.set(originKey(origin), setting);
  };
  add(Object.values(m.args), { reach: 'shared', where: 'at the top level', narrow: 'set it on the stages that read it instead of at the top level' });
  for (const axis of m.axes) {
    for (const value of axis.values) add(Object.values(value.args), { reach: 'lineage', where: `on the ${axis.name} value "${value.name}"`, narrow: 'set it on the stages that read it instead of on the value' });
  }
  m.overrides.forEach((o) => add(Object.values(o.args), { reach: 'lineage', where: 'by an override', narrow: "narrow the override's `when` or `stages` to the targets that read it" }));
  for (const stage of m.stages) {
    const owns = (ts: TargetStage) => ts.target.kind === 'stage' && ts.target.stage === stage.key;
    add(Object.values(stage.args), { reach: 'own', where: `on stage "${stage.key}"`, narrow: 'set it in an override for the combinations that read it instead of on the stage', owns });
    for (const layer of stage.layers) {
      const ownsLayer = (ts: TargetStage) => ts.target.kind === 'layer' && ts.target.stage === stage.key && ts.target.layer === layer.key;
      add(Object.values(layer.args), { reach: 'own', where: `on layer "${layer.key}" of stage "${stage.key}"`, narrow: 'set it in an override for the combinations that read it instead of on the layer', owns: ownsLayer });
    }
    if (stage.fromArg) {
      out.set(originKey({ file: stage.origin.file, pointer: `${stage.origin.pointer}/from/arg` }), { reach: 'lineage', where: `by \`from\` of stage "${stage.key}" (the parent's tag)`, narrow: 'use `from: <stage>` for a Dockerfile that builds on the parent stage' });
    }
  }
  for (const o of m.overrides) {
    if (!o.fromStage?.arg) continue;
    out.set(originKey({ file: o.fromStage.origin.file, pointer: `${o.fromStage.origin.pointer}/arg` }), { reach: 'lineage', where: o.fromValue ? `by the \`from\` of ${o.fromValue.axis} "${o.fromValue.value}" (the parent's tag)` : 'by an override\'s `from` (the parent\'s tag)', narrow: 'use `from: <stage>` for a Dockerfile that builds on the parent stage' });
  }
  return out;
}

/**
 * The members of the lineages no member reads: a lineage is the targets one
 * setting reaches together, joined through the target each inherits (and a
 * layer with the stage targets it is built for).
 */
function unreadLineages(members: readonly TargetStage[], reads: readonly boolean[]): TargetStage[] {
  const index = new Map(members.map((m, i) => [m.target.name, i]));
  const up = members.map((_, i) => i);
  const find = (i: number): number => {
    while (up[i] !== i) i = up[i] = up[up[i]!]!;
    return i;
  };
  const join = (a: number, b: number | undefined) => {
    if (b !== undefined) up[find(a)] = find(b);
  };
  members.forEach((m, i) => {
    if (m.target.parent !== undefined) join(i, index.get(m.target.parent));
    if (m.target.kind === 'layer') for (const consumer of m.target.usedBy) join(i, index.get(consumer));
  });
  const read = new Set<number>();
  reads.forEach((r, i) => r && read.add(find(i)));
  return members.filter((_, i) => !read.has(find(i)));
}

/** `"build-base" (bake/Dockerfile:21)`, one per Dockerfile stage. */
function dockerStagesOf(list: readonly TargetStage[]): string[] {
  return [...new Set(list.map((r) => `"${r.dockerStage.label}" (${r.model.path}:${r.dockerStage.line})`))];
}

function stageKeysOf(list: readonly TargetStage[]): string {
  const keys = [...new Set(list.map((r) => `"${r.stage.key}"`))];
  return `${keys.length > 1 ? 'stages' : 'stage'} ${keys.join(', ')}`;
}

function undeclaredArg({ name, origin }: Passed, setting: Setting, reported: readonly TargetStage[]): Problem {
  const first = reported[0]!;
  const visible = new Set(reported.flatMap((r) => visibleArgs(r.model, r.dockerStage)));
  const suggestion = didYouMean(name, visible);
  // A close ARG name says typo: the allowance would only hide it.
  const allow = suggestion ? '' : ` If it is passed on purpose though no Dockerfile reads it, list it in \`args_unread\` ${setting.reach === 'shared' ? 'at the top level' : `at the top level or on ${stageKeysOf(reported)}`}.`;
  return error('undeclared-arg', `The arg "${name}" is passed to ${targetList(reported.map((r) => r.target.name))}, but no ARG ${name} is declared for the Dockerfile stage ${dockerStagesOf(reported).join(', ')}: not in that stage, a stage it builds on, nor before the first FROM. The build ignores it.${suggestion}`, {
    file: origin.file,
    pointer: origin.pointer,
    atKey: true,
    hint: `Declare it in the Dockerfile ("ARG ${name}" after ${first.model.path}:${first.dockerStage.line}), or remove it from the matrix.${allow}`,
  });
}

function unreadArg({ name, origin }: Passed, setting: Setting, reported: readonly TargetStage[], reader: TargetStage): Problem {
  const first = reported[0]!;
  const stages = dockerStagesOf(reported);
  const plural = reported.length > 1 || new Set(reported.map((r) => r.target.name)).size > 1;
  const line = declarationLine(reader.model, reader.dockerStage, name);
  return error('unread-arg', `The arg "${name}" set ${setting.where} is passed to ${targetList(reported.map((r) => r.target.name))}, but ${plural ? 'their' : 'its'} Dockerfile ${stages.length > 1 ? `stages ${stages.join(', ')} declare` : `stage ${stages[0]} declares`} no ARG ${name} (not in that stage, a stage it builds on, nor before the first FROM), so ${plural ? 'their builds ignore' : 'its build ignores'} it, while "${reader.target.name}" reads it (ARG ${name} at ${reader.model.path}:${line}).`, {
    file: origin.file,
    pointer: origin.pointer,
    atKey: true,
    hint: `Declare "ARG ${name}" in ${first.model.path} (after line ${first.dockerStage.line}) if ${plural ? 'those images' : 'that image'} should read it; otherwise pass it only where it is read (${setting.narrow}), or list it in \`args_unread\` of ${stageKeysOf(reported)} (or at the top level) if ${plural ? 'those images ignore' : 'that image ignores'} it on purpose.`,
  });
}

/** The `args_unread` entries, which of them allowed something, and the warnings for those that did not. */
class Allowances {
  /** Several files may each list a name: every entry of it allows it. */
  private readonly top = new Map<string, UnreadArg[]>();
  private readonly byStage = new Map<string, Map<string, UnreadArg>>();
  private readonly used = new Set<UnreadArg>();

  constructor(private readonly m: Matrix) {
    for (const entry of m.argsUnread) this.top.set(entry.name, [...(this.top.get(entry.name) ?? []), entry]);
    for (const stage of m.stages) if (stage.argsUnread.length) this.byStage.set(stage.key, new Map(stage.argsUnread.map((e) => [e.name, e])));
  }

  /** Whether `name` may go unread by `ts`; the entries that say so are marked used. */
  allow(ts: TargetStage, name: string): boolean {
    const top = this.top.get(name);
    const own = this.byStage.get(ts.stage.key)?.get(name);
    for (const entry of top ?? []) this.used.add(entry);
    if (own) this.used.add(own);
    return top !== undefined || own !== undefined;
  }

  /** Whether only the top-level `args` set `name` (shared: one reader is enough). */
  private topOnly(name: string): boolean {
    const m = this.m;
    if (!(name in m.args)) return false;
    return !m.axes.some((a) => a.values.some((v) => name in v.args)) && !m.overrides.some((o) => name in o.args || o.fromStage?.arg === name) && !m.stages.some((s) => name in s.args || s.fromArg === name || s.layers.some((l) => name in l.args));
  }

  unused(targets: readonly TargetStage[]): Problem[] {
    const problems: Problem[] = [];
    const warn = (entry: UnreadArg, where: string, reason: string, suggestion = '') =>
      problems.push({
        ...error('args-unread-unused', `${where} lists "${entry.name}", but no target needs it: ${reason}.${suggestion}`, {
          file: entry.origin.file,
          pointer: entry.origin.pointer,
          hint: `Remove "${entry.name}" from this \`args_unread\`: the check reports nothing about ${entry.name} without it.`,
        }),
        severity: 'warning',
      });
    const reason = (name: string, passed: readonly TargetStage[], scope: string) => {
      if (PREDEFINED_ARGS.has(name)) return `${name} is an arg BuildKit sets itself, which the check never reports`;
      if (!passed.length) return `no target ${scope}is passed ${name}`;
      const reader = passed.find((r) => declares(r.model, r.dockerStage, name)) ?? targets.find((r) => name in r.target.args && declares(r.model, r.dockerStage, name));
      const example = reader ? ` ("${reader.target.name}" reads it: ARG ${name} at ${reader.model.path}:${declarationLine(reader.model, reader.dockerStage, name)})` : '';
      if (this.topOnly(name)) return `${name} is set at the top level only, where one target that reads it is enough${example}`;
      return `each target ${scope}passed ${name} reads it, or is passed it along with one that does${example}`;
    };
    for (const entry of this.m.argsUnread) {
      if (this.used.has(entry)) continue;
      warn(entry, 'The top-level `args_unread`', reason(entry.name, targets.filter((r) => entry.name in r.target.args), ''));
    }
    for (const stage of this.m.stages) {
      for (const entry of stage.argsUnread) {
        if (this.used.has(entry)) continue;
        const own = targets.filter((r) => r.stage.key === stage.key);
        const passed = own.filter((r) => entry.name in r.target.args);
        const suggestion = passed.length || PREDEFINED_ARGS.has(entry.name) ? '' : didYouMean(entry.name, new Set(own.flatMap((r) => Object.keys(r.target.args))));
        warn(entry, `The \`args_unread\` of stage "${stage.key}"`, reason(entry.name, passed, `of stage "${stage.key}" `), suggestion);
      }
    }
    return problems;
  }
}
