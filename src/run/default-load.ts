// The environment `run` adds to buildx's. With the docker driver, buildx
// exports every build that has no output into the image store ("backwards
// compat for docker driver only", build/build.go), and bake before buildx
// 0.16 clears the outputs of a linked target that was not requested
// (bake/bake.go loadLinks: `t2.Outputs = nil`; 0.16 sets `type=cacheonly`
// instead, buildx commit 6d6adc11a). So every untagged base, layer and
// framework stage of a chain was exported as a dangling image on the way:
// work on the builder while its consumers run, and `<none>` images left
// behind. `output = ["type=cacheonly"]` in the generated file cannot stop it
// on those versions: bake replaces a linked target's outputs whatever the
// file says. BUILDX_NO_DEFAULT_LOAD=1 turns that default export off; it
// changes nothing for a target that has an output, and with --push or --load
// every requested target has one (bake adds `type=image,push=true` to a
// target without outputs, `--load` sets `*.output=type=docker`). So it is set
// only then, and never over the user's own value. docs/internals.md has the
// measurement.
import { flagOn, type RunArgs } from './run-args.ts';

const NO_DEFAULT_LOAD = 'BUILDX_NO_DEFAULT_LOAD';

/** What to add to buildx's environment for a build: BUILDX_NO_DEFAULT_LOAD=1 with --push or --load, unless the user set it. */
export function buildxEnv(run: RunArgs, env: NodeJS.ProcessEnv): Record<string, string> {
  if (env[NO_DEFAULT_LOAD] !== undefined) return {};
  return flagOn(run, 'push') || flagOn(run, 'load') ? { [NO_DEFAULT_LOAD]: '1' } : {};
}
