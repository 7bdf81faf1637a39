import { lstatSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDockerfile } from '../../check-dockerfiles/parse-dockerfile.ts';
import { decodeText } from '../../load/decode-text.ts';
import { ONE_FILE_MATRICES } from '../../load/find-matrix-files.ts';
import { DEFAULT_LIMITS, formatAmount } from '../../load/limits.ts';
import { error, UserError, type Problem } from '../../problems/problem.ts';
import { CI_SYSTEMS, ciFiles } from '../../init/ci-files.ts';
import { cannotCreate, createFile, readRegular, replaceFile } from '../../init/new-files.ts';
import { addScripts } from '../../init/package-scripts.ts';
import { starterMatrix, type Unset } from '../../init/starter-matrix.ts';
import { help } from '../help.ts';
import { EXIT, type Command } from '../io.ts';
import { parseChoice, parseOptions } from '../options.ts';
import { generateFrom } from '../../generate.ts';
import { parseYaml } from '../../load/parse-yaml.ts';
import { SourceFile } from '../../load/source-file.ts';
import { outDir, reportProblems, writeOutputs } from '../pipeline.ts';

const INIT_OPTIONS = {
  dockerfile: { type: 'string', default: 'Dockerfile' },
  name: { type: 'string' },
  ci: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const MATRIX_FILE = ONE_FILE_MATRICES[0]!;

export const initCommand: Command = {
  name: 'init',
  summary: 'Start a matrix from your Dockerfile: bake-matrix.yaml, the package.json scripts, with --ci the CI pipeline',
  usage: 'bake-matrix init [--dockerfile PATH] [--name NAME] [--ci github|gitlab|buildkite]',
  options: INIT_OPTIONS,
  optionHelp: {
    dockerfile: { arg: 'PATH', text: 'the Dockerfile to read, relative to the working directory, inside it (default: Dockerfile)' },
    name: { arg: 'NAME', text: 'the name of the stack and of its image (default: the name in package.json, else the folder\'s, in lower case)' },
    ci: { arg: 'github|gitlab|buildkite', text: 'also write the CI pipeline (github: .github/workflows/bake.yml and bake-stage.yml; gitlab: .gitlab-ci.yml and .gitlab/bake-jobs.yml; buildkite: .buildkite/pipeline.yml, env.sh and bake-job.sh): native per-platform builds, manifest lists, pull requests that never push; and a registry cache in the matrix' },
  },
  examples: ['bake-matrix init', 'bake-matrix init --dockerfile docker/Dockerfile --ci github'],
  details: [
    'Writes bake-matrix.yaml in the working directory (the project root): a stage per named Dockerfile stage,',
    'linked by from: where it builds on another, every ARG with its default, one axis (variant) to fill in;',
    'then generates bake/ from it, so `bake-matrix check` passes at once. Adds the scripts bake, bake:generate',
    'and bake:check to package.json when it has none of those names. Never overwrites a file: when one it would',
    'write exists, it writes nothing.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, INIT_OPTIONS, this.usage);
    if (values.help) return help(this, io);
    const ci = values.ci === undefined ? undefined : parseChoice('ci', values.ci, CI_SYSTEMS, this.usage, 'a CI this init knows');
    const root = io.cwd;
    const dockerfile = projectPath(root, values.dockerfile);
    const pkgText = readRegular(root, 'package.json');
    const name = values.name ?? stackName(packageName(pkgText) ?? basename(root));
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
      throw new UserError([error('usage', `"${name}" cannot name the stack: a name is lower case letters, digits, - and _, starting with a letter or digit.`, { hint: 'Pass --name NAME.' })]);
    }
    const workflows = ci === undefined ? [] : ciFiles(ci);
    // Everything checked before anything is written: init writes all of it or nothing.
    const problems: Problem[] = [];
    for (const existing of ['matrix', ...ONE_FILE_MATRICES]) {
      if (lexists(join(root, existing))) problems.push(error('init-exists', `${existing} exists: this project has a matrix already, and init never overwrites a file.`, { hint: 'Edit it, or move it aside and run init again.' }));
    }
    for (const { path } of workflows) {
      const problem = cannotCreate(root, path);
      if (problem) problems.push(problem);
    }
    if (problems.length) throw new UserError(problems);
    const text = readDockerfile(root, dockerfile);
    const model = parseDockerfile(text, dockerfile);
    if (model.stages.length === 0) {
      throw new UserError([error('init-no-stage', `${dockerfile} has no FROM: there is no stage to build.`, { file: dockerfile, hint: 'Pass --dockerfile PATH of the Dockerfile that builds your image.' })]);
    }
    const starter = starterMatrix(model, { name, dockerfile, ...(ci ? { ci } : {}) });
    const scripts = pkgText === undefined ? undefined : addScripts(pkgText);

    // Generated before anything is written: a starter that does not generate is refused whole.
    const parsed = parseYaml(starter.text, MATRIX_FILE);
    const source = new SourceFile(MATRIX_FILE, starter.text, parsed.data ?? {}, parsed.spans, join(root, MATRIX_FILE));
    const result = parsed.problems.length ? { ok: false as const, problems: parsed.problems, files: [source] } : generateFrom([source], { root });
    if (!result.ok) throw reportProblems(result.problems, result.files, io, false);
    const generated = result.value;

    createFile(root, MATRIX_FILE, starter.text);
    const wrote = [`${MATRIX_FILE} (${starter.stages.length} stage${starter.stages.length === 1 ? '' : 's'}: ${starter.stages.join(', ')}; ${starter.args} ARG default${starter.args === 1 ? '' : 's'}${starter.image ? `; the axis variant and the tag on ${starter.image}` : ''})`];
    for (const file of workflows) {
      createFile(root, file.path, file.text, file.mode);
      wrote.push(file.path);
    }
    if (scripts?.text) {
      replaceFile(root, 'package.json', scripts.text);
      wrote.push(`package.json (scripts ${scripts.added.join(', ')})`);
    }
    const bake = writeOutputs(generated, outDir(undefined, generated, io), io);
    wrote.push(...bake.written);
    const notes: string[] = [];
    if (pkgText === undefined) notes.push('No package.json here: `npm init -y` adds one; then install bake-matrix into it as a dev dependency (README, "Install": it is not on the npm registry yet), and `bake-matrix init` run again after moving bake-matrix.yaml aside adds the scripts.');
    if (starter.unset.length) notes.push(unsetNote(starter.unset, dockerfile));
    if (scripts?.kept.length) notes.push(`package.json has a script of its own named ${scripts.kept.join(', ')}: left as ${scripts.kept.length === 1 ? 'it is' : 'they are'}.`);
    const target = [...generated.plan.targets.values()].find((t) => t.kind !== 'common' && t.tags?.length)?.name;
    io.stdout(
      [
        ...wrote.map((w) => `wrote ${w}`),
        ...notes.map((n) => `note: ${n}`),
        '',
        'Next:',
        '  1. fill in the axis `variant` and the registry in bake-matrix.yaml; `npx bake-matrix generate` after each change',
        // The target itself, narrowed to one platform: a per-platform target (`-amd64`) has no tag, so --load would leave its image unnamed.
        `  2. \`npx bake-matrix list\` shows the targets; build one for this machine's platform: \`npx bake-matrix run ${target ?? '<target>'} --load --set '*.platform=${machinePlatform()}'\``,
        '  3. commit bake-matrix.yaml and bake/ (`npx bake-matrix check` in CI keeps them in step)',
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};

/** What init says of the ARGs it set to "": the build uses them and the Dockerfile gives them no default. */
function unsetNote(unset: readonly Unset[], dockerfile: string): string {
  const one = unset.length === 1;
  const names = unset.map((u) => u.name).join(', ');
  const inFrom = unset.filter((u) => u.inFrom).map((u) => u.name);
  const from = inFrom.length ? `, and an empty ${inFrom.join(' or ')} makes an invalid image reference in ${inFrom.length === 1 ? 'its' : 'their'} FROM line` : '';
  return `${unset.length} ARG${one ? ' has' : 's have'} no default in ${dockerfile} and the build uses ${one ? 'it' : 'them'}: ${names}. ${MATRIX_FILE} sets ${one ? 'it' : 'them'} to "" (what the build gets without a value${from}); set ${one ? 'its value' : 'their values'} there.`;
}

/** `--dockerfile` as a /-separated path relative to the project root; a path outside it is refused. */
function projectPath(root: string, given: string): string {
  const absolute = resolve(root, given);
  const rel = relative(root, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new UserError([error('init-outside', `--dockerfile ${given} is outside the working directory ${root}.`, { hint: 'Run init in the project root, and name a Dockerfile inside it.' })]);
  }
  return rel.split(sep).join('/');
}

function readDockerfile(root: string, path: string): string {
  const absolute = join(root, path);
  let bytes: Buffer;
  try {
    const stats = lstatSync(absolute);
    if (!stats.isFile()) throw new UserError([error('init-dockerfile', `${path} is not a regular file (${stats.isSymbolicLink() ? 'a symlink' : stats.isDirectory() ? 'a folder' : 'a device or pipe'}).`, { file: path, hint: 'Pass --dockerfile PATH of the Dockerfile itself.' })]);
    if (stats.size > DEFAULT_LIMITS.fileSize) {
      throw new UserError([error('limit-file-size', `${path} is ${formatAmount(stats.size, 'bytes')}, more than init reads (${formatAmount(DEFAULT_LIMITS.fileSize, 'bytes')}).`, { file: path, hint: 'Pass --dockerfile PATH of the Dockerfile that builds your image.' })]);
    }
    bytes = readFileSync(absolute);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError([error('dockerfile-not-found', `No Dockerfile at ${path} (looked in the working directory ${root}).`, { hint: 'Run init in the project root, or pass --dockerfile PATH.' })]);
    throw new UserError([error('init-dockerfile', `${path} cannot be read: ${code ?? String(e)}.`, { file: path, hint: 'Pass --dockerfile PATH.' })]);
  }
  const decoded = decodeText(bytes, path);
  if (!decoded.ok) throw new UserError([decoded.problem]);
  return decoded.text;
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The name in package.json without its @scope/, if there is one. */
function packageName(text: string | undefined): string | undefined {
  try {
    const name = (JSON.parse(text ?? 'null') as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name ? name.replace(/^@[^/]*\//, '') : undefined;
  } catch {
    return undefined;
  }
}

/** A folder's name as a stack name: lower case, runs of other characters as one -. */
export function stackName(folder: string): string {
  return folder.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '') || 'stack';
}

/** This machine's platform as docker names it (linux/amd64 when node's arch has no docker name here). */
function machinePlatform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return `linux/${arch[process.arch] ?? 'amd64'}`;
}
