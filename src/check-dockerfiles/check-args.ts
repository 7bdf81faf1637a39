// The args of each target against its Dockerfile stage (scope: arg-scope.ts):
// - an arg the matrix passes that no ARG declares is ignored by the build (unread-args.ts);
// - an ARG without a default that the build uses, and that no level of the matrix sets, is empty.
import { error, type Problem } from '../problems/problem.ts';
import type { TargetInfo } from '../plan/index.ts';
import type { Matrix, Origin, Stage } from '../types/matrix.ts';
import { builtStages } from './arg-scope.ts';
import type { DockerfileModel, DockerStage } from './parse-dockerfile.ts';
import { PREDEFINED_ARGS } from './predefined-args.ts';
import { originKey, targetList } from '../problems/target-list.ts';
import { requiredUses } from './required-uses.ts';
import { unreadArgs } from './unread-args.ts';

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
  return [...unreadArgs(matrix, targets), ...requiredArgs(targets)];
}

function requiredArgs(targets: readonly TargetStage[]): Problem[] {
  const found = new Map<string, { ts: TargetStage; name: string; use: string; declared: number; targets: string[] }>();
  const report = (ts: TargetStage, name: string, use: string, declared: number) => {
    const key = `${ts.model.path}#${ts.dockerStage.index}#${name}#${originKey(ts.origin)}`;
    const entry = found.get(key) ?? { ts, name, use, declared, targets: [] };
    entry.targets.push(ts.target.name);
    found.set(key, entry);
  };
  for (const ts of targets) {
    const { model, dockerStage, target } = ts;
    const given = (name: string) => name in target.args || PREDEFINED_ARGS.has(name);
    const globalDecl = (name: string) => model.globalArgs.filter((a) => a.name === name).at(-1);
    for (const built of builtStages(model, dockerStage, ts.bound)) {
      for (const use of requiredUses(built.fromUses)) {
        const decl = globalDecl(use.name);
        if (decl && !decl.hasDefault && !given(use.name)) {
          const which = built === dockerStage ? 'its FROM line' : `the FROM line of the stage "${built.label}" it builds`;
          report(ts, use.name, `${which} (${model.path}:${built.line})`, decl.line);
        }
      }
    }
    for (const use of requiredUses(dockerStage.uses)) {
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
