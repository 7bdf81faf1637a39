// The builds a generated bake file makes for a group, as `bake --print` resolves
// them (test/helpers/bake-print.ts), with the shared tags of each target (which
// bake does not push, so the file does not hold them: they come from the plan).
import { posix } from 'node:path';
import type { Generated } from '../../src/generate.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { bakePrint, bakeVariables, type PrintedTarget } from '../helpers/bake-print.ts';
import { evaluateTemplate } from '../helpers/hcl-template.ts';
import { normalized, type Build } from './expected-builds.ts';

export interface GeneratedBuild extends Build {
  /** The bake target. */
  name: string;
  printed: PrintedTarget;
}

export function generatedBuilds(generated: Generated, group: string, env: Readonly<Record<string, string>>): GeneratedBuild[] {
  const bake = JSON.parse(generated.outputs['docker-bake.json']!) as BakeFile;
  const vars = bakeVariables(bake, env);
  return [...bakePrint(bake, [group], env)].map(([name, printed]) => {
    const info = generated.plan.targets.get(name);
    if (!info) throw new Error(`target "${name}" of the bake file is not in the plan`);
    return normalized({
      name,
      printed,
      context: posix.normalize(printed.context),
      dockerfile: posix.normalize(printed.dockerfile),
      target: printed.target ?? null,
      platforms: printed.platforms,
      args: printed.args,
      tags: printed.tags,
      shared: info.tags.filter((t) => t.shared).map((t) => evaluateTemplate(t.bake, vars)),
      output: printed.output ?? [],
      cacheFrom: printed['cache-from'],
      cacheTo: printed['cache-to'],
    });
  });
}
