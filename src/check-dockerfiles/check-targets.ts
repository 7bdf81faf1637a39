// Every stage's and layer's `target` must be a stage of its Dockerfile.
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Origin } from '../types/matrix.ts';
import type { TargetDockerfile } from './dockerfile-problems.ts';
import { findStage, stageNames, type DockerfileModel } from './parse-dockerfile.ts';

export function checkTargets(targets: readonly TargetDockerfile[]): Problem[] {
  const problems = new Map<string, Problem>();
  for (const t of targets) {
    if (!t.loaded.ok || t.dockerTarget === undefined || findStage(t.loaded.model, t.dockerTarget)) continue;
    const what = t.target.kind === 'layer' ? `Layer "${t.target.layer}" of stage "${t.stage.key}"` : t.stage.targetTemplate ? `Stage "${t.stage.key}" (target "${t.stage.targetTemplate.text}", for "${t.target.name}")` : `Stage "${t.stage.key}"`;
    // A templated target is checked per rendered name: each missing one is reported once.
    const key = `${t.origin.file}#${t.origin.pointer}#${t.loaded.model.path}#${t.dockerTarget}`;
    if (!problems.has(key)) problems.set(key, missingStage(t.loaded.model, t.dockerTarget, t.origin, what));
  }
  return [...problems.values()];
}

function missingStage(model: DockerfileModel, target: string, origin: Origin, what: string): Problem {
  const names = stageNames(model);
  const listed = model.stages.filter((s) => s.name).map((s) => `${s.label} (line ${s.line})`);
  return error('unknown-dockerfile-stage', `${what} builds the Dockerfile stage "${target}", but ${model.path} has no stage of that name.${didYouMean(target, names)}`, {
    file: origin.file,
    pointer: `${origin.pointer}/target`,
    hint: listed.length
      ? `Stages of ${model.path}: ${listed.join(', ')}. Set \`target\` to one of them, or name a stage "FROM ... AS ${target}" in ${model.path}.`
      : `${model.path} names no stage: write "FROM <image> AS ${target}" there.`,
  });
}
