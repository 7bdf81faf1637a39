// Every stage's and layer's `target` must be a stage of its Dockerfile.
import { error, type Problem } from '../../problems/problem.ts';
import { didYouMean } from '../../problems/suggest.ts';
import type { Matrix, Origin } from '../../types/matrix.ts';
import type { LoadedDockerfile } from './load-dockerfiles.ts';
import { findStage, stageNames, type DockerfileModel } from './parse-dockerfile.ts';

export function checkTargets(matrix: Matrix, dockerfiles: ReadonlyMap<string, LoadedDockerfile>): Problem[] {
  const problems: Problem[] = [];
  for (const stage of matrix.stages) {
    const loaded = dockerfiles.get(stage.dockerfile);
    if (!loaded?.ok) continue;
    const check = (target: string, origin: Origin, what: string) => {
      if (!findStage(loaded.model, target)) problems.push(missingStage(loaded.model, target, origin, what));
    };
    check(stage.target, stage.origin, `Stage "${stage.key}"`);
    for (const layer of stage.layers) check(layer.target, layer.origin, `Layer "${layer.key}" of stage "${stage.key}"`);
  }
  return problems;
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
