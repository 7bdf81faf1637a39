// For the real-engine tests: is there a buildx and a running builder (no
// Docker engine needed), what to do when there is none (skip, or fail in CI),
// and what did a build do, read from its plain log.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { execa } from 'execa';
import { builderProblem, parseInspect, type BuilderInfo } from '../../src/run/inspect-builder.ts';
import type { Step } from '../../src/run/plain-progress.ts';

export interface Engine {
  /** `docker buildx version`, first line. */
  version: string;
  /** The builder `docker buildx inspect` reports (BUILDX_BUILDER when set). */
  builder: string;
  driver: string;
  /** The builder's first platform: the one it builds without emulation. */
  platform: string;
}

export type EngineProbe = { ok: true; value: Engine } | { ok: false; reason: string };

/** Runs `docker buildx version` and `docker buildx inspect --bootstrap`; says why not when either fails. */
export async function probeEngine(env: NodeJS.ProcessEnv = process.env): Promise<EngineProbe> {
  const run = (args: string[]) => execa('docker', args, { env, extendEnv: false, reject: false, timeout: 180_000, stdin: 'ignore' });
  const version = await run(['buildx', 'version']);
  if (version.exitCode !== 0) return { ok: false, reason: `docker buildx is not available (\`docker buildx version\`: ${firstLine(version.stderr || version.shortMessage || '')})` };
  const builderName = env.BUILDX_BUILDER ? `the builder "${env.BUILDX_BUILDER}" (BUILDX_BUILDER)` : 'the current builder (set BUILDX_BUILDER to choose one)';
  const inspect = await run(['buildx', 'inspect', '--bootstrap']);
  if (inspect.exitCode !== 0) return { ok: false, reason: `${builderName} is not usable (\`docker buildx inspect --bootstrap\`: ${firstLine(inspect.stderr || inspect.shortMessage || '')})` };
  const info = parseInspect(inspect.stdout);
  const problem = builderProblem(info); // buildx exits 0 for a builder it cannot reach
  if (problem) return { ok: false, reason: `${builderName} is not usable (\`docker buildx inspect --bootstrap\`: ${problem})` };
  const platform = nativePlatform(info);
  if (!platform) return { ok: false, reason: `${builderName} reports no platform in \`docker buildx inspect --bootstrap\`` };
  return { ok: true, value: { version: firstLine(version.stdout), builder: info.name ?? '', driver: info.driver ?? '', platform } };
}

/**
 * Whether a test that needs buildx or a builder must fail, not skip, when there is none: in CI
 * (`CI=true`, where .ci/run starts an engine), or when BAKE_MATRIX_REQUIRE_ENGINE=1 (a developer after
 * `npm run engine:up`). BAKE_MATRIX_REQUIRE_ENGINE=0 lets them skip even in CI.
 */
export function engineRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const required = env.BAKE_MATRIX_REQUIRE_ENGINE;
  if (required === '1' || required === '0') return required === '1';
  return ['true', '1'].includes((env.CI ?? '').toLowerCase());
}

/** Where the engine is required, fails `t` with the reason; elsewhere skips it, printing why. */
export function noEngine(t: TestContext, what: string, reason: string, env: NodeJS.ProcessEnv = process.env): void {
  if (engineRequired(env)) {
    const why = env.BAKE_MATRIX_REQUIRE_ENGINE === '1' ? 'BAKE_MATRIX_REQUIRE_ENGINE=1' : `CI=${env.CI}`;
    assert.fail(`${what} cannot run, and ${why} requires it to: ${reason}. Start the engine with \`npm run engine:up\` and source the env file it names (.ci/run does both).`);
  }
  console.log(`skipping ${what}: ${reason}`);
  t.skip(reason);
}

/** The first platform of the first running node: the one it builds without emulation. */
export function nativePlatform(info: BuilderInfo): string | undefined {
  return info.nodes.find((n) => n.status === 'running')?.platforms[0]?.replace(/\*$/, '');
}

export { parsePlainProgress, type Step } from '../../src/run/plain-progress.ts';

/** Steps that are Dockerfile RUN instructions. */
export function runSteps(steps: Step[]): Step[] {
  return steps.filter((s) => /\] RUN /.test(s.name));
}

/** How many times any step printed exactly `line` (shared steps' `#0` output included): once per execution, never when cached. */
export function countOutput(steps: Step[], line: string): number {
  return steps.reduce((n, s) => n + s.output.filter((o) => o === line).length, 0);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() || '(no output)';
}
