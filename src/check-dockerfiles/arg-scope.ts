// Which ARGs a target's Dockerfile stage can read, and which stages it builds.
// Scope (Dockerfile semantics, loosened to keep false positives low): an arg
// counts as declared when an ARG of that name is in the global scope, in the
// target stage or in any stage it builds on (FROM, COPY --from, RUN --mount from=).
import type { DockerfileModel, DockerStage } from './parse-dockerfile.ts';

/** builtStages per stage and set of bound stages (targets of one stage share their set). */
const builtCache = new WeakMap<DockerStage, WeakMap<ReadonlySet<string>, DockerStage[]>>();

/** The target stage and the stages it builds on, excluding those bound to other targets. */
export function builtStages(model: DockerfileModel, from: DockerStage, bound: ReadonlySet<string>): DockerStage[] {
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

const NONE_BOUND: ReadonlySet<string> = new Set();

/** ARG name -> line of its first declaration: globally, in the stage or in any stage it builds on (bound or not), per stage. */
const declaredCache = new WeakMap<DockerStage, Map<string, number>>();

function declared(model: DockerfileModel, stage: DockerStage): Map<string, number> {
  let names = declaredCache.get(stage);
  if (!names) {
    names = new Map();
    for (const a of [...model.globalArgs, ...builtStages(model, stage, NONE_BOUND).flatMap((s) => s.args)]) if (!names.has(a.name)) names.set(a.name, a.line);
    declaredCache.set(stage, names);
  }
  return names;
}

export function declares(model: DockerfileModel, stage: DockerStage, name: string): boolean {
  return declared(model, stage).has(name);
}

/** The line of an ARG that declares `name` for the stage (see declares). */
export function declarationLine(model: DockerfileModel, stage: DockerStage, name: string): number | undefined {
  return declared(model, stage).get(name);
}

export function visibleArgs(model: DockerfileModel, stage: DockerStage): string[] {
  return [...declared(model, stage).keys()];
}
