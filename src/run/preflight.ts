// Everything that can be known to fail before buildx starts, each as one
// problem with a fix: names first (they need no docker), then docker on
// PATH, the buildx plugin and its version, the builder and its platforms
// (the version and the builder are asked at the same time).
import { error, type Problem } from '../problems/problem.ts';
import { suggest } from '../problems/suggest.ts';
import { MINIMUM_BUILDX, parseBuildxVersion, versionSatisfies, type BuildxVersion } from './buildx-version.ts';
import { builderPlatforms, builderProblem, parseInspect, type BuilderInfo } from './inspect-builder.ts';
import { missingPlatforms } from './platform.ts';
import { BAKE_FLAGS, type PassedFlag } from './run-args.ts';
import type { Captured, Runner } from './runner.ts';
import type { LinkedTarget, SelectedTarget } from './select-targets.ts';

export const VERSION_TIMEOUT_MS = 30_000;
/** Bootstrapping a docker-container builder may pull the BuildKit image. */
export const INSPECT_TIMEOUT_MS = 180_000;

/** Unknown names are errors, unless an overlay (-f) may define them: then bake itself decides. */
export function checkNames(unknown: readonly string[], known: readonly string[], bakeFile: string, overlays: readonly string[], unknownFlags: readonly PassedFlag[]): Problem[] {
  if (overlays.length) return [];
  return unknown.map((name) => {
    const close = suggest(name, known);
    const flagHint = unknownFlags.length ? ` If "${name}" is the value of ${unknownFlags.at(-1)!.raw[0]}, write ${unknownFlags.at(-1)!.raw[0]}=${name}.` : '';
    return error('unknown-name', `"${name}" is no target or group of ${bakeFile}.${close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : ''}`, {
      hint: `\`bake-matrix run --dry-run <name>\` shows what a name builds; the groups are listed under "group" in ${bakeFile}.${flagHint}`,
      suggestions: close,
    });
  });
}

export interface DockerCheck {
  /** undefined when docker is not on PATH. */
  runner: Runner | undefined;
  path: string;
  flags: readonly PassedFlag[];
  /** false for --print and --list, which need no builder. */
  needBuilder: boolean;
  /** --builder, passed on to `docker buildx inspect`. */
  builder: string | undefined;
  /** BUILDX_BUILDER, which docker reads itself; only for messages. */
  envBuilder: string | undefined;
  targets: readonly (SelectedTarget | LinkedTarget)[];
}

export interface DockerReady {
  buildx?: BuildxVersion;
  builder?: BuilderInfo;
}

/** What docker answered: `buildx version`, and `buildx inspect --bootstrap` when a builder is needed. */
type DockerAnswers = [version: Captured, inspected: Captured | undefined];

/**
 * Asks docker (undefined without one): the builder is inspected while the version is asked,
 * not after: each is a docker CLI and buildx plugin start (0.1-1 s), and every `run` pays for
 * both. `run` asks before it writes a new generation's files, and reads the answers after.
 */
export function askDocker(check: Pick<DockerCheck, 'runner' | 'needBuilder' | 'builder'>): Promise<DockerAnswers> | undefined {
  const { runner } = check;
  if (!runner) return undefined;
  const inspectArgs = ['buildx', 'inspect', ...(check.builder ? ['--builder', check.builder] : []), '--bootstrap'];
  return Promise.all([
    runner.capture(['buildx', 'version'], VERSION_TIMEOUT_MS),
    check.needBuilder ? runner.capture(inspectArgs, INSPECT_TIMEOUT_MS) : undefined,
  ]);
}

/** The problems of docker, buildx and the builder, from `asked` (askDocker) or asking now. The builder's answer is read only once the version is fine. */
export async function checkDocker(check: DockerCheck, asked = askDocker(check)): Promise<{ ok: true; value: DockerReady } | { ok: false; problems: Problem[] }> {
  const fail = (p: Problem) => ({ ok: false as const, problems: [p] });
  if (!asked) {
    return fail(error('docker-not-found', `docker is not on PATH (${check.path || 'PATH is empty'}).`, {
      hint: 'Install the Docker CLI with the buildx plugin, or put it on PATH. `--dry-run` shows the command without running it.',
    }));
  }
  const [version, inspected] = await asked;
  if (version.exitCode !== 0) {
    const why = version.failure ?? firstLine(version.stderr || version.stdout) ?? `exit code ${version.exitCode}`;
    return fail(error('buildx-not-found', `docker has no working buildx plugin: \`docker buildx version\` ${sentence(version.failure ? why : `failed: ${why}`)}`, {
      hint: 'Install the buildx plugin (https://github.com/docker/buildx#installing) into ~/.docker/cli-plugins, or into $DOCKER_CONFIG/cli-plugins when DOCKER_CONFIG is set.',
    }));
  }
  const buildx = parseBuildxVersion(version.stdout);
  if (!versionSatisfies(buildx, MINIMUM_BUILDX)) {
    return fail(error('buildx-too-old', `buildx ${buildx!.text} is too old: the generated bake file needs buildx ${MINIMUM_BUILDX} or newer.`, { hint: 'Update the buildx plugin (https://github.com/docker/buildx/releases).' }));
  }
  for (const flag of check.flags) {
    const known = BAKE_FLAGS.find((f) => f.name === flag.name);
    if (known && !versionSatisfies(buildx, known.since)) {
      return fail(error('flag-needs-newer-buildx', `${flag.raw[0]} needs buildx ${known.since} or newer; this one is ${buildx!.text}.`, { hint: `Update buildx, or leave out ${flag.raw.join(' ')}.` }));
    }
  }
  if (!inspected) return { ok: true, value: { ...(buildx ? { buildx } : {}) } };

  const info = parseInspect(inspected.stdout);
  const label = check.builder || check.envBuilder || info.name;
  const quoted = label ? `"${label}"` : 'the current builder';
  const why = inspected.exitCode !== 0
    ? inspected.failure ?? (firstLine(inspected.stderr)?.replace(/^ERROR:\s*/, '') || `exit code ${inspected.exitCode}`)
    : builderProblem(info);
  if (why) {
    return fail(error('builder-unreachable', `The builder ${quoted} is not reachable: ${sentence(why)}`, {
      hint: 'Start the Docker engine, or create a builder (`docker buildx create --use`) or name a reachable one with --builder or BUILDX_BUILDER. `--print` and `--dry-run` need no builder.',
    }));
  }
  const offered = builderPlatforms(info);
  if (offered.length) {
    const short: { target: string; missing: string[] }[] = [];
    for (const t of check.targets) {
      const missing = missingPlatforms(t.platforms, offered);
      if (missing.length) short.push({ target: t.name, missing });
    }
    if (short.length) {
      const missing = [...new Set(short.flatMap((s) => s.missing))];
      const names = short.map((s) => s.target);
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
      return fail(error('platform-unsupported', `The builder ${quoted} cannot build ${missing.join(', ')}, which ${shown} need${names.length === 1 ? 's' : ''}; it offers ${offered.map((p) => p.replace(/\*$/, '')).join(', ')}.`, {
        hint: `Use a builder with ${missing.join(', ')} nodes or emulation (docker run --privileged --rm tonistiigi/binfmt --install all), or build fewer platforms: --set '*.platform=${offered[0]!.replace(/\*$/, '')}'.`,
      }));
    }
  }
  return { ok: true, value: { ...(buildx ? { buildx } : {}), builder: info } };
}

function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function firstLine(text: string): string | undefined {
  return text.split(/\r?\n/).map((l) => l.trim()).find(Boolean);
}
