// The Dockerfile checks, pure: matrix files, resolved matrix, plan and the
// Dockerfiles already read -> problems at matrix positions that also name the
// Dockerfile line. Run after planning (they need each target's effective args).
import { error, type Problem } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { SourceFile } from '../../load/source-file.ts';
import type { Plan } from '../../plan/index.ts';
import type { Matrix } from '../../types/matrix.ts';
import { checkArgs, type TargetStage } from './check-args.ts';
import { checkTargets } from './check-targets.ts';
import type { LoadedDockerfile } from './load-dockerfiles.ts';
import { findStage } from './parse-dockerfile.ts';
import { leavesRoot, pathOrigin, writtenPaths } from './path-origins.ts';

/** Paths that climb out of the project root, as written. Checked before any Dockerfile is read. */
export function pathsLeavingRoot(files: readonly SourceFile[]): Problem[] {
  return writtenPaths(files)
    .filter((p) => leavesRoot(p.value))
    .map((p) =>
      error('path-outside-repository', `The ${p.key} "${p.value}" is outside the repository: paths are relative to the project root (the folder bake-matrix runs in) and must stay inside it.`, {
        file: p.origin.file,
        pointer: p.origin.pointer,
        hint: `Move the ${p.key === 'context' ? 'build context' : 'Dockerfile'} into the repository and write its path from the root (e.g. "docker/${p.key === 'context' ? 'app' : 'Dockerfile'}"), or run bake-matrix from a folder that contains it.`,
      }),
    );
}

export function dockerfileProblems(files: readonly SourceFile[], matrix: Matrix, plan: Plan, dockerfiles: ReadonlyMap<string, LoadedDockerfile>): Problem[] {
  return [...missingDockerfiles(files, matrix, dockerfiles), ...checkTargets(matrix, dockerfiles), ...checkArgs(matrix, targetStages(matrix, plan, dockerfiles))];
}

function missingDockerfiles(files: readonly SourceFile[], matrix: Matrix, dockerfiles: ReadonlyMap<string, LoadedDockerfile>): Problem[] {
  const reported = new Map<string, Problem>();
  for (const stage of matrix.stages) {
    const loaded = dockerfiles.get(stage.dockerfile);
    if (!loaded || loaded.ok) continue;
    const where = pathOrigin(stage, 'dockerfile', matrix, files);
    // A written path is reported where it is written; the default once, at the first stage using it.
    const key = where.written ? `${where.origin.file}#${where.origin.pointer}` : `default#${stage.dockerfile}`;
    if (reported.has(key)) continue;
    const users = matrix.stages.filter((s) => s.dockerfile === stage.dockerfile).map((s) => `"${s.key}"`);
    reported.set(
      key,
      error('dockerfile-not-found', `The Dockerfile "${stage.dockerfile}"${where.written ? '' : ' (the default)'} of stage${users.length > 1 ? 's' : ''} ${users.join(', ')} ${loaded.reason}.${didYouMean(stage.dockerfile, loaded.nearby)}`, {
        file: where.origin.file,
        pointer: where.origin.pointer,
        atKey: !where.written,
        hint: loaded.nearby.length
          ? `Dockerfiles there: ${loaded.nearby.join(', ')}. Set \`dockerfile\` to the path of the stage's Dockerfile, relative to the project root.`
          : 'Set `dockerfile` (at the top level or on the stage) to the path of the Dockerfile, relative to the project root, or create it.',
      }),
    );
  }
  return [...reported.values()];
}

/** Each built target with the Dockerfile stage it builds; targets whose Dockerfile or stage is missing are left out. */
function targetStages(matrix: Matrix, plan: Plan, dockerfiles: ReadonlyMap<string, LoadedDockerfile>): TargetStage[] {
  const found: TargetStage[] = [];
  const stages = new Map(matrix.stages.map((s) => [s.key, s]));
  /** Targets of one stage bind the same stages: one set for them all (checks memoise on it). */
  const boundSets = new Map<string, Set<string>>();
  for (const target of plan.targets.values()) {
    if (target.kind === 'common') continue;
    const stage = target.stage === undefined ? undefined : stages.get(target.stage);
    const layer = target.kind === 'layer' ? stage?.layers.find((l) => l.key === target.layer) : undefined;
    const loaded = stage ? dockerfiles.get(stage.dockerfile) : undefined;
    if (!stage || !loaded?.ok || (target.kind === 'layer' && !layer)) continue;
    const dockerStage = findStage(loaded.model, layer ? layer.target : stage.target);
    if (!dockerStage) continue;
    const contexts = Object.keys(plan.bake.target[target.name]?.contexts ?? {}).map((c) => c.toLowerCase()).join('\0');
    let bound = boundSets.get(contexts);
    if (!bound) boundSets.set(contexts, (bound = new Set(contexts ? contexts.split('\0') : [])));
    found.push({ target, stage, origin: layer ? layer.origin : stage.origin, model: loaded.model, dockerStage, bound });
  }
  return found;
}
