// `bake-matrix init`: an existing Dockerfile -> a starter matrix (YAML text).
// One matrix stage per named Dockerfile stage, linked by `from:` where its
// FROM names another stage; every ARG that has a literal default, with that
// default; one axis to fill in, on the stage that makes the image. An ARG
// without a default that the build uses (what `arg-without-value` checks) it
// sets to "", the value the build gets anyway, with a comment to set it. What
// it cannot write as a value (a default that uses another ARG, an unused ARG
// without a default, a named context the build must be given) it writes as a
// comment where it belongs. Pure: the parsed Dockerfile in, text out.
import type { ArgDecl, DockerfileModel, DockerStage } from '../check-dockerfiles/parse-dockerfile.ts';
import { PREDEFINED_ARGS } from '../check-dockerfiles/predefined-args.ts';
import { requiredUses } from '../check-dockerfiles/required-uses.ts';
import type { CiSystem } from './ci-files.ts';

/** ARGs BuildKit sets itself, or that a matrix must not pin (proxies, SOURCE_DATE_EPOCH, BUILDKIT_* switches). */
const AUTOMATIC_ARG = /^(TARGET|BUILD)(PLATFORM|OS|ARCH|VARIANT)$|^(HTTPS?|FTP|NO|ALL)_PROXY$|^(https?|ftp|no|all)_proxy$|^SOURCE_DATE_EPOCH$|^BUILDKIT_/;

export const AXIS = 'variant';
export const AXIS_VALUE = 'main';

export interface StarterOptions {
  /** The stack's name (a lower-case word): the image name in the tag. */
  name: string;
  /** The Dockerfile's path relative to the project root, with / separators. */
  dockerfile: string;
  /** The CI init writes files for (init --ci): a registry cache per target and branch from the variables its pipeline sets, and runners in its terms. */
  ci?: CiSystem;
}

/** Where each CI's pipeline sets the run-time variables. */
const SETS_VARIABLES: Record<CiSystem, string> = { github: '.github/workflows/bake.yml', gitlab: '.gitlab-ci.yml', buildkite: '.buildkite/env.sh' };

/** `ci.runners` for each CI: GitHub's hosted labels; GitLab runner tags and Buildkite agent queues are the user's own names. */
const RUNNERS: Record<CiSystem, string[]> = {
  github: ['# Native per-platform builds in CI (`bake-matrix ci`): a runner per platform.', '    linux/amd64: ubuntu-24.04', '    linux/arm64: ubuntu-24.04-arm'],
  gitlab: ['# Native per-platform builds in CI (`bake-matrix ci`): the tag(s) of your runners for each platform.', '    linux/amd64: amd64', '    linux/arm64: arm64'],
  buildkite: ['# Native per-platform builds in CI (`bake-matrix ci`): the agent queue (or key=value tags) for each platform.', '    linux/amd64: linux-amd64', '    linux/arm64: linux-arm64'],
};

export interface Starter {
  text: string;
  /** Matrix stage names, in the Dockerfile's order. */
  stages: string[];
  /** The matrix stage that carries the axis and the tag. */
  image: string;
  /** ARGs written with their defaults. */
  args: number;
  /** ARGs without a default that the build uses, written as "" (globals first, then per stage, in the Dockerfile's order). */
  unset: Unset[];
}

/** An ARG without a default that the build uses: the line that declares it, the first line that uses it. */
export interface Unset {
  name: string;
  declared: number;
  used: number;
  /** Used in a FROM line, where "" makes an invalid image reference. */
  inFrom: boolean;
}

/**
 * The global ARGs without a default that the build uses: in a FROM line, or in a stage that
 * declares it again without a default (as check-args.ts reads them).
 */
function unsetGlobals(model: DockerfileModel): Map<string, Unset> {
  const unset = new Map<string, Unset>();
  const bare = (name: string) => {
    const decl = model.globalArgs.filter((a) => a.name === name).at(-1);
    return decl && !decl.hasDefault && !PREDEFINED_ARGS.has(name) && !AUTOMATIC_ARG.test(name) ? decl : undefined;
  };
  const add = (name: string, used: number, inFrom: boolean) => {
    const decl = bare(name);
    const seen = unset.get(name);
    if (decl && (!seen || used < seen.used)) unset.set(name, { name, declared: decl.line, used, inFrom: inFrom || !!seen?.inFrom });
  };
  for (const stage of model.stages) {
    for (const use of requiredUses(stage.fromUses)) add(use.name, use.line, true);
    for (const use of requiredUses(stage.uses)) if (stageDecl(stage, use.name, use.line)?.hasDefault === false) add(use.name, use.line, false);
  }
  return new Map([...unset].sort(([, a], [, b]) => a.declared - b.declared));
}

/** A stage's own ARGs without a default that it uses and no global ARG declares. */
function unsetInStage(model: DockerfileModel, stage: DockerStage): Map<string, Unset> {
  const unset = new Map<string, Unset>();
  for (const use of requiredUses(stage.uses)) {
    const decl = stageDecl(stage, use.name, use.line);
    if (!decl || decl.hasDefault || unset.has(use.name) || PREDEFINED_ARGS.has(use.name) || AUTOMATIC_ARG.test(use.name) || model.globalArgs.some((a) => a.name === use.name)) continue;
    unset.set(use.name, { name: use.name, declared: decl.line, used: use.line, inFrom: false });
  }
  return new Map([...unset].sort(([, a], [, b]) => a.declared - b.declared));
}

/** The stage's last ARG of that name at or before the line. */
function stageDecl(stage: DockerStage, name: string, line: number): ArgDecl | undefined {
  return stage.args.filter((a) => a.name === name && a.line <= line).at(-1);
}

/** The stage the image is: the last one; when that one is unnamed and builds on a named stage (`FROM binaries`), that stage. */
function imageStage(model: DockerfileModel): DockerStage | undefined {
  const last = model.stages.at(-1);
  if (!last || last.name) return last;
  const parent = last.parent !== undefined ? model.stages[last.parent] : undefined;
  return parent?.name ? parent : last;
}

/** A default a matrix can carry as it is: no `$` (the Dockerfile expands it, bake would too, differently). */
function literal(arg: ArgDecl): arg is ArgDecl & { value: string } {
  return arg.value !== undefined && !arg.value.includes('$');
}

/** A stage name as YAML: plain when it reads back as itself, else quoted. */
function key(name: string): string {
  return /^[A-Za-z][A-Za-z0-9_.-]*$/.test(name) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(name) ? name : JSON.stringify(name);
}

/** A YAML scalar that reads back as exactly this string; braces doubled, since matrix values are templates. */
function str(value: string): string {
  return JSON.stringify(value.replace(/[{}]/g, (b) => b + b));
}

function argsBlock(args: readonly ArgDecl[], indent: string, dockerfile: string, unset: ReadonlyMap<string, Unset>, skip: ReadonlySet<string> = new Set()): string[] {
  const lines: string[] = [];
  const own = args.filter((a) => !AUTOMATIC_ARG.test(a.name) && !skip.has(a.name));
  const literals = own.filter(literal);
  const seen = new Set<string>();
  const written = own.filter((a) => (literal(a) || unset.has(a.name)) && !seen.has(a.name) && seen.add(a.name));
  const value = (a: ArgDecl) => {
    const u = unset.get(a.name);
    if (!literal(a) && u) return `"" # set it: this ARG (${dockerfile}:${u.declared}) has no default and the build uses it (${dockerfile}:${u.used})`;
    return str(a.value!);
  };
  if (written.length) lines.push(`${indent}args:`, ...written.map((a) => `${indent}  ${a.name}: ${value(a)}`));
  const derived = own.filter((a) => a.hasDefault && !literal(a)).map((a) => a.name);
  if (derived.length) lines.push(`${indent}# Left to the Dockerfile (their defaults use other ARGs): ${[...new Set(derived)].join(', ')}`);
  const bare = own.filter((a) => !a.hasDefault && !literals.some((l) => l.name === a.name) && !unset.has(a.name) && !skip.has(a.name)).map((a) => a.name);
  if (bare.length) lines.push(`${indent}# Declared without a default (set them in args: to pass a value): ${[...new Set(bare)].join(', ')}`);
  return lines;
}

export function starterMatrix(model: DockerfileModel, options: StarterOptions): Starter {
  const image = imageStage(model);
  const nameOf = (stage: DockerStage) => (stage.name ? stage.label : 'image');
  const stages = model.stages.filter((s) => s.name || s === image);
  const globalUnset = unsetGlobals(model);
  const globals = new Set([...model.globalArgs.filter(literal).map((a) => a.name), ...globalUnset.keys()]);
  const unset = [...globalUnset.values()];
  const lines = [
    `# The support matrix of ${options.name}, written by \`bake-matrix init\` from ${options.dockerfile}:`,
    '# a stage per named stage of it (`from:` where it builds on another), every ARG with its default.',
    `# Fill in the axis \`${AXIS}\` (one value per image variant; its args, platforms), then`,
    '# `npx bake-matrix generate` and commit bake/. Keys, templates and groups: the docs/ of bake-matrix.',
    `name: ${options.name}`,
    'registry: registry.example/team # where images are pushed: a bake variable, REGISTRY at run time',
    `dockerfile: ${JSON.stringify(options.dockerfile)}`,
    'context: .',
    'platforms: [linux/amd64, linux/arm64]',
  ];
  if (options.ci) {
    lines.push(
      '',
      `# Set by the CI pipeline (${SETS_VARIABLES[options.ci]}); the defaults serve a local build.`,
      'variables:',
      '  cache_branch:',
      '    env: CACHE_BRANCH',
      '    default: main',
      "    description: Tag-safe name of the branch whose cache is written (and read first).",
      '  pr_base:',
      '    env: CACHE_PR_BASE',
      '    default: ""',
      "    description: Tag-safe name of a pull request's base branch, whose cache is read next.",
    );
  }
  lines.push(...argsBlock(model.globalArgs, '', options.dockerfile, globalUnset));
  lines.push(
    '',
    'axes:',
    `  ${AXIS}:`,
    `    ${AXIS_VALUE}:`,
    '      default: true # the default value adds no suffix to tags',
    '      description: The image as the Dockerfile builds it by default.',
    '',
    'stages:',
  );
  for (const stage of stages) {
    lines.push(`  ${key(nameOf(stage))}:`);
    if (stage.name) lines.push(`    target: ${key(stage.label)}`);
    else lines.push(`    # the Dockerfile's last stage, which has no name (so no target:)`);
    const parent = stage.parent !== undefined ? model.stages[stage.parent] : undefined;
    if (parent?.name) lines.push(`    from: ${key(parent.label)}`);
    if (stage === image) {
      lines.push(`    axes: [${AXIS}]`, `    name: "{stage}{-${AXIS}}" # the default value adds no suffix`, `    tags: [${JSON.stringify(`{registry}/${options.name}:{version}{-${AXIS}}`)}]`);
    }
    const stageUnset = unsetInStage(model, stage);
    unset.push(...stageUnset.values());
    lines.push(...argsBlock(stage.args, '    ', options.dockerfile, stageUnset, globals));
    const named = stage.external.filter((ref) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ref));
    if (named.length) {
      lines.push(
        `    # Reads ${named.map((n) => `"${n}"`).join(', ')} (COPY --from / RUN --mount from=), which is no stage: an image, or a named`,
        `    # context the build must be given, e.g. contexts: { ${named[0]}: path/to/folder } or docker-image://...`,
      );
    }
  }
  // The last stage when it only builds on the image stage (`FROM binaries`) is that stage: not left out.
  const last = model.stages.at(-1);
  const skipped = model.stages.filter((s) => !s.name && s !== image && !(s === last && image && s.parent === image.index)).length;
  if (skipped) lines.push(`  # ${skipped} unnamed stage(s) of the Dockerfile left out: name one (FROM ... AS name) to build it as a target.`);
  if (options.ci) {
    lines.push(
      '',
      '# A registry cache per target (and platform): this branch\'s, then the base\'s, then main\'s.',
      'cache:',
      '  ref: "{registry}/cache:{target}-{cache_branch}"',
      '  fallback: ["{registry}/cache:{target}-{pr_base}", "{registry}/cache:{target}-main"]',
      '  mode: max',
    );
  }
  const [comment, ...runners] = RUNNERS[options.ci ?? 'github'];
  lines.push('', comment!, 'ci:', '  runners:', ...runners, '');
  const args = new Set([...model.globalArgs, ...model.stages.flatMap((s) => s.args)].filter((a) => literal(a) && !AUTOMATIC_ARG.test(a.name)).map((a) => a.name)).size;
  return { text: lines.join('\n'), stages: stages.map(nameOf), image: image ? nameOf(image) : '', args, unset };
}
