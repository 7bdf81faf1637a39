// The args of each target against its Dockerfile stage:
// - an arg the matrix passes that no ARG declares is ignored by the build (a typo, or a stale arg);
// - an ARG without a default that the build uses, and that no level of the matrix sets, is empty.
// Scope (Dockerfile semantics, loosened to keep false positives low): an arg
// counts as declared when an ARG of that name is in the global scope, in the
// target stage or in any stage it builds on (FROM, COPY --from, RUN --mount from=).
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { TargetInfo } from '../plan/index.ts';
import type { Matrix, Origin, Stage } from '../types/matrix.ts';
import type { DockerfileModel, DockerStage, VarUse } from './parse-dockerfile.ts';

/** Args BuildKit sets or accepts without an ARG instruction. */
export const PREDEFINED_ARGS = new Set([
  ...['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETSTAGE'],
  ...['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()]),
  ...['SOURCE_DATE_EPOCH', 'BUILDKIT_SYNTAX', 'BUILDKIT_CONTEXT_KEEP_GIT_DIR', 'BUILDKIT_INLINE_CACHE', 'BUILDKIT_MULTI_PLATFORM', 'BUILDKIT_SANDBOX_HOSTNAME', 'BUILDKIT_CACHE_MOUNT_NS'],
]);

/** One built target and the Dockerfile stage it builds. */
export interface TargetStage {
  target: TargetInfo;
  stage: Stage;
  /** Where its `target` key is (the stage's, or the layer's). */
  origin: Origin;
  model: DockerfileModel;
  dockerStage: DockerStage;
  /** Dockerfile stages bound by `target:` contexts (lower case): they are not built here. */
  bound: Set<string>;
}

export function checkArgs(matrix: Matrix, targets: readonly TargetStage[]): Problem[] {
  return [...undeclaredArgs(matrix, targets), ...requiredArgs(targets)];
}

function undeclaredArgs(matrix: Matrix, targets: readonly TargetStage[]): Problem[] {
  // Args written on a stage or a layer are meant for its own targets; broader
  // ones (top level, axis values, overrides) for any target they reach.
  const owners = new Map<string, (t: TargetInfo) => boolean>();
  for (const stage of matrix.stages) {
    for (const t of Object.values(stage.args)) owners.set(keyOf(t.origin), (x) => x.kind === 'stage' && x.stage === stage.key);
    for (const layer of stage.layers) {
      for (const t of Object.values(layer.args)) owners.set(keyOf(t.origin), (x) => x.kind === 'layer' && x.stage === stage.key && x.layer === layer.key);
    }
  }
  const byOrigin = new Map<string, { name: string; origin: Origin; receivers: TargetStage[] }>();
  /** Origins are shared by every target a template reaches: their keys are built once. */
  const keys = new WeakMap<Origin, string>();
  for (const ts of targets) {
    for (const name in ts.target.args) {
      if (PREDEFINED_ARGS.has(name)) continue;
      const origin = ts.target.args[name]!.origin;
      let originKey = keys.get(origin);
      if (originKey === undefined) keys.set(origin, (originKey = keyOf(origin)));
      const key = `${originKey}#${name}`;
      const entry = byOrigin.get(key);
      if (entry) entry.receivers.push(ts);
      else byOrigin.set(key, { name, origin, receivers: [ts] });
    }
  }
  const problems: Problem[] = [];
  for (const { name, origin, receivers } of byOrigin.values()) {
    const owner = owners.get(keyOf(origin));
    const meant = owner ? receivers.filter((r) => owner(r.target)) : receivers;
    const checked = meant.length ? meant : receivers;
    if (checked.some((r) => declares(r.model, r.dockerStage, name))) continue;
    const first = checked[0]!;
    const stagesText = unique(checked.map((r) => `"${r.dockerStage.label}" (${r.model.path}:${r.dockerStage.line})`));
    const visible = unique(checked.flatMap((r) => visibleArgs(r.model, r.dockerStage)));
    problems.push(
      error('undeclared-arg', `The arg "${name}" is passed to ${targetList(checked.map((r) => r.target.name))}, but no ARG ${name} is declared for the Dockerfile stage ${stagesText.join(', ')}: not in that stage, a stage it builds on, nor before the first FROM. The build ignores it.${didYouMean(name, visible)}`, {
        file: origin.file,
        pointer: origin.pointer,
        atKey: true,
        hint: `Declare it in the Dockerfile ("ARG ${name}" after ${first.model.path}:${first.dockerStage.line}), or remove it from the matrix.`,
      }),
    );
  }
  return problems;
}

function requiredArgs(targets: readonly TargetStage[]): Problem[] {
  const found = new Map<string, { ts: TargetStage; name: string; use: string; declared: number; targets: string[] }>();
  const report = (ts: TargetStage, name: string, use: string, declared: number) => {
    const key = `${ts.model.path}#${ts.dockerStage.index}#${name}#${keyOf(ts.origin)}`;
    const entry = found.get(key) ?? { ts, name, use, declared, targets: [] };
    entry.targets.push(ts.target.name);
    found.set(key, entry);
  };
  for (const ts of targets) {
    const { model, dockerStage, target } = ts;
    const given = (name: string) => name in target.args || PREDEFINED_ARGS.has(name);
    const globalDecl = (name: string) => model.globalArgs.filter((a) => a.name === name).at(-1);
    for (const built of builtStages(model, dockerStage, ts.bound)) {
      for (const use of required(built.fromUses)) {
        const decl = globalDecl(use.name);
        if (decl && !decl.hasDefault && !given(use.name)) {
          const which = built === dockerStage ? 'its FROM line' : `the FROM line of the stage "${built.label}" it builds`;
          report(ts, use.name, `${which} (${model.path}:${built.line})`, decl.line);
        }
      }
    }
    for (const use of required(dockerStage.uses)) {
      const decl = dockerStage.args.filter((a) => a.name === use.name && a.line <= use.line).at(-1);
      if (!decl || decl.hasDefault || globalDecl(use.name)?.hasDefault || given(use.name)) continue;
      report(ts, use.name, `${model.path}:${use.line}`, decl.line);
    }
  }
  return [...found.values()].map(({ ts, name, use, declared, targets }) =>
    error('arg-without-value', `The Dockerfile stage "${ts.dockerStage.label}" of ${targetList(targets)} uses \${${name}} in ${use}, but ${name} has no value: its ARG (${ts.model.path}:${declared}) has no default and no level of the matrix sets it.`, {
      file: ts.origin.file,
      pointer: `${ts.origin.pointer}/target`,
      hint: `Set ${name} in the matrix (args of an axis value, of the stage, or at the top level), or give it a default in the Dockerfile: "ARG ${name}=<value>" ("ARG ${name}=" when empty is meant). An empty value in a FROM line is an invalid image reference.`,
    }),
  );
}

/**
 * Uses an empty value breaks: not `${X:-default}` or `${X:+alt}`, not in ENV,
 * LABEL or ARG (an empty label is fine), and not args named as optional extras
 * (EXTRA_..., ..._ARGS, ..._FLAGS, ..._OPTS, ..._OPTIONS).
 */
function required(uses: readonly VarUse[]): VarUse[] {
  return uses.filter((u) => !u.optional && !['ENV', 'LABEL', 'ARG', 'ONBUILD'].includes(u.keyword) && !OPTIONAL_NAME.test(u.name));
}

const OPTIONAL_NAME = /(^|_)EXTRA(_|$)|_(ARGS|FLAGS|OPTS|OPTIONS)$/i;

/** builtStages per stage and set of bound stages (targets of one stage share their set). */
const builtCache = new WeakMap<DockerStage, WeakMap<ReadonlySet<string>, DockerStage[]>>();

/** The target stage and the stages it builds on, excluding those bound to other targets. */
function builtStages(model: DockerfileModel, from: DockerStage, bound: ReadonlySet<string>): DockerStage[] {
  let perBound = builtCache.get(from);
  if (!perBound) builtCache.set(from, (perBound = new WeakMap()));
  let built = perBound.get(bound);
  if (!built) perBound.set(bound, (built = walkStages(model, from, bound)));
  return built;
}

function walkStages(model: DockerfileModel, from: DockerStage, bound: ReadonlySet<string>): DockerStage[] {
  const seen = new Set<number>([from.index]);
  const queue = [from];
  for (let s = queue.shift(); s; s = queue.shift()) {
    for (const dep of s.deps) {
      const stage = model.stages[dep]!;
      if (seen.has(dep) || (stage.name && bound.has(stage.name))) continue;
      seen.add(dep);
      queue.push(stage);
    }
  }
  return [...seen].map((i) => model.stages[i]!);
}

/** ARG names declared globally, in the stage or in any stage it builds on (bound or not), per stage. */
const declaredCache = new WeakMap<DockerStage, Set<string>>();

function declared(model: DockerfileModel, stage: DockerStage): Set<string> {
  let names = declaredCache.get(stage);
  if (!names) {
    names = new Set([...model.globalArgs, ...builtStages(model, stage, new Set()).flatMap((s) => s.args)].map((a) => a.name));
    declaredCache.set(stage, names);
  }
  return names;
}

export function declares(model: DockerfileModel, stage: DockerStage, name: string): boolean {
  return declared(model, stage).has(name);
}

function visibleArgs(model: DockerfileModel, stage: DockerStage): string[] {
  return [...declared(model, stage)];
}

function keyOf(origin: Origin): string {
  return `${origin.file}#${origin.pointer}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function targetList(names: string[]): string {
  const shown = unique(names);
  const quoted = shown.slice(0, 3).map((n) => `"${n}"`);
  if (shown.length > 3) return `${quoted.join(', ')} and ${shown.length - 3} more`;
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : quoted[0]!;
}
