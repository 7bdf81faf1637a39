// The Dockerfile checks, pure: resolved matrix, plan and the Dockerfiles
// already read -> problems at matrix positions that also name the Dockerfile
// line. Run after planning: they need each target's Dockerfile and effective args.
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Plan, TargetInfo } from '../plan/index.ts';
import type { Matrix, Stage } from '../types/matrix.ts';
import { checkArgs, type TargetStage } from './check-args.ts';
import { checkTargets } from './check-targets.ts';
import type { LoadedDockerfile } from './load-dockerfiles.ts';
import { findStage } from './parse-dockerfile.ts';
import { checkStageRefs } from './stage-refs.ts';
import type { ProjectRoot } from './paths-inside-root.ts';

/** A built target with its stage, where its `target` key is, and its Dockerfile. */
export interface TargetDockerfile {
  target: TargetInfo;
  stage: Stage;
  /** The Dockerfile stage it builds; undefined: the last one. */
  dockerTarget?: string;
  origin: TargetStage['origin'];
  loaded: LoadedDockerfile;
}

export function dockerfileProblems(matrix: Matrix, plan: Plan, dockerfiles: ReadonlyMap<string, LoadedDockerfile>, root: ProjectRoot): Problem[] {
  const targets = targetDockerfiles(matrix, plan, dockerfiles);
  const stages = targetStages(plan, targets);
  return [...missingDockerfiles(targets, root), ...checkTargets(targets), ...checkStageRefs(stages), ...checkArgs(matrix, stages)];
}

function targetDockerfiles(matrix: Matrix, plan: Plan, dockerfiles: ReadonlyMap<string, LoadedDockerfile>): TargetDockerfile[] {
  const stages = new Map(matrix.stages.map((s) => [s.key, s]));
  // Built once per target: a stage's layers looked up by key.
  const found: TargetDockerfile[] = [];
  for (const target of plan.targets.values()) {
    const stage = stages.get(target.stage ?? '');
    const loaded = target.location ? dockerfiles.get(target.location.dockerfilePath) : undefined;
    if (target.kind === 'common' || !stage || !loaded) continue;
    const layer = target.kind === 'layer' ? stage.layers.find((l) => l.key === target.layer) : undefined;
    found.push({ target, stage, ...(layer ? { dockerTarget: layer.target } : target.dockerTarget !== undefined ? { dockerTarget: target.dockerTarget } : {}), origin: layer ? layer.origin : stage.origin, loaded });
  }
  return found;
}

function missingDockerfiles(targets: readonly TargetDockerfile[], root: ProjectRoot): Problem[] {
  const reported = new Map<string, { path: string; origin: TargetDockerfile['origin']; written: boolean; inContext: boolean; loaded: Extract<LoadedDockerfile, { ok: false }>; stages: Set<string> }>();
  for (const t of targets) {
    if (t.loaded.ok || !t.target.location) continue;
    const { dockerfilePath: path, dockerfileOrigin, dockerfileInContext } = t.target.location;
    // A written path is reported where it is written (the default in a templated context, at the context); the default once, at the first stage using it.
    const written = dockerfileOrigin.file !== '(built-in)';
    const key = written ? `${dockerfileOrigin.file}#${dockerfileOrigin.pointer}#${path}` : `default#${path}`;
    const entry = reported.get(key) ?? { path, origin: written ? dockerfileOrigin : t.stage.origin, written, inContext: dockerfileInContext === true, loaded: t.loaded, stages: new Set<string>() };
    entry.stages.add(`"${t.stage.key}"`);
    reported.set(key, entry);
  }
  return [...reported.values()].map(({ path, origin, written, inContext, loaded, stages }) =>
    error('dockerfile-not-found', `The Dockerfile "${path}"${inContext ? ' (the default: Dockerfile in the context)' : written ? '' : ' (the default)'} of stage${stages.size > 1 ? 's' : ''} ${[...stages].join(', ')} ${loaded.reason} (paths are relative to the project root ${root.shown}).${didYouMean(path, loaded.nearby)}`, {
      file: origin.file,
      pointer: origin.pointer,
      atKey: !written,
      hint: loaded.hint ?? (loaded.nearby.length
        ? `Dockerfiles there: ${loaded.nearby.join(', ')}. Set \`dockerfile\` to the path of the stage's Dockerfile, relative to the project root.`
        : 'Set `dockerfile` (at the top level or on the stage) to the path of the Dockerfile, relative to the project root, or create it.'),
    }),
  );
}

/** Each built target with the Dockerfile stage it builds; targets whose Dockerfile or stage is missing are left out. */
function targetStages(plan: Plan, targets: readonly TargetDockerfile[]): TargetStage[] {
  const found: TargetStage[] = [];
  /** Targets of one stage bind the same stages: one set for them all (the checks memoise on it), found by their context keys in order. */
  const boundSets = new ContextKeyTree();
  for (const t of targets) {
    if (!t.loaded.ok) continue;
    const model = t.loaded.model;
    const dockerStage = t.dockerTarget === undefined ? model.stages.at(-1) : findStage(model, t.dockerTarget);
    if (!dockerStage) continue;
    const bound = boundSets.setOf(plan.bake.target[t.target.name]?.contexts);
    found.push({ target: t.target, stage: t.stage, origin: t.origin, model, dockerStage, bound });
  }
  return found;
}

/**
 * The set of the lower-cased context keys of a target, one per distinct list of keys: a tree walked key by key
 * (the keys are property names, hashed once), so no text is joined and looked up per target. Lists that differ
 * only in case get equal sets.
 */
class ContextKeyTree {
  private readonly root: KeyNode = { next: new Map() };

  setOf(contexts: Readonly<Record<string, string>> | undefined): Set<string> {
    let node = this.root;
    for (const key in contexts) {
      let next = node.next.get(key);
      if (!next) node.next.set(key, (next = { next: new Map() }));
      node = next;
    }
    return (node.set ??= new Set(Object.keys(contexts ?? {}).map((c) => c.toLowerCase())));
  }
}

interface KeyNode {
  next: Map<string, KeyNode>;
  set?: Set<string>;
}
