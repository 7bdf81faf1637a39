// Input digests: per target, one sha256 of everything that decides its image,
// so that an image built from the same inputs can be found instead of built.
//
// What goes in (and `bake-matrix hash --explain` shows):
//   definition  the target after `inherits`, its variables at this run's values
//               (an environment variable of a variable's name wins, as in
//               bake): context and Dockerfile paths, target stage, args,
//               platforms, the ids of its secrets (never their values), its
//               named contexts, and the values of the variables those read.
//               Not tags, labels, cache or output: they say where an image
//               goes and what it is called, not what is in it (a label such as
//               org.opencontainers.image.revision changes on every commit).
//   dockerfile  the lines before the first FROM and the text of each stage the
//               target stage reaches (FROM, COPY --from, RUN --mount from=),
//               less the stages a named context replaces: a line of a stage the
//               target does not reach changes nothing, as in BuildKit.
//   context     the context's files that BuildKit would send (context-files.ts):
//               `<Dockerfile>.dockerignore` beside the Dockerfile, else
//               `<context>/.dockerignore`, with BuildKit's pattern semantics
//               (dockerignore.ts); the Dockerfile and the ignore file are left
//               out there (the Dockerfile counts by its reached stages).
//   parents     the digest of each target linked through `target:`, and each
//               local named context's files; `docker-image://` references as
//               written, or at the digest `pinned` gives them (--pin-bases).
//
// A base image named by tag in a FROM line enters as written (it is part of the
// Dockerfile's text). Every file is read without following a link out of the
// project: the Dockerfile and the context folders must resolve inside the
// project root; a link inside a context is hashed as a link, never followed.
import { createHash } from 'node:crypto';
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDockerfile, findStage, type DockerfileModel } from '../check-dockerfiles/parse-dockerfile.ts';
import { previewBake, variablesIn } from '../inspect/preview-bake.ts';
import { resolveTarget } from '../inspect/resolve-target.ts';
import { inheritsOf, walkLinks } from '../links/walk-links.ts';
import { error, type Problem, type Result } from '../problems/problem.ts';
import type { BakeFile, BakeTarget } from '../types/bake.ts';
import { CONTEXT_LIMITS, hashContext, type ContextDigest, type ContextLimits } from './context-files.ts';
import { bakeValues } from './content-tags.ts';
import { compileIgnore, readIgnoreFile, type IgnoreMatcher } from './dockerignore.ts';
import { readRegularFile } from '../run/read-json-file.ts';

/** The label every image built with --skip-built carries, holding its input digest. */
export const INPUTS_LABEL = 'io.bake-matrix.inputs';
/** How many hex digits `{inputs|short}` and the content tag keep. */
export const SHORT = 12;
const DOCKERFILE_MAX = 4 * 1024 * 1024;
const IGNORE_MAX = 1024 * 1024;
const MAX_CHAIN = 256;

export interface InputDigest {
  name: string;
  /** `sha256:<64 hex>` */
  digest: string;
  /** The first SHORT hex digits. */
  short: string;
  definition: Record<string, unknown>;
  dockerfile: { path: string; stages: string[]; digest: string };
  context: { path: string; ignoreFile?: string; files: number; bytes: number; digest: string; lines?: string[] };
  /** Named context -> what it contributed (a parent's digest, a folder's digest, a reference as written or pinned). */
  contexts: Record<string, string>;
  /** The images its reached stages start FROM and its `docker-image://` contexts, ARGs substituted: what --pin-bases looks up. */
  bases: string[];
}

export interface DigestOptions {
  /** The project root, absolute: bake's working folder, from which the file's paths are written. */
  root: string;
  /** The environment: a variable's value is its environment variable's, else its default. */
  env: Readonly<Record<string, string | undefined>>;
  /** --pin-bases: base image reference (a FROM image, ARGs substituted, or a `docker-image://` context) -> its digest now; a reference not in the map enters as "not found". */
  pinned?: ReadonlyMap<string, string>;
  /** `--set` values of this run that may change what is built (see buildSets): they enter every digest. */
  overrides?: readonly string[];
  /** Keep each context's per-file lines (hash --explain --files). */
  keepLines?: boolean;
  /** Context digests already made, shared between calls of one command (--pin-bases digests twice: before and after its look-ups). */
  contextCache?: Map<string, ContextDigest>;
  limits?: ContextLimits;
}

/** The digests of `names` and of every target they link, keyed by target name. */
export function inputDigests(bake: BakeFile, names: readonly string[], options: DigestOptions): Result<Map<string, InputDigest>> {
  const state = new Digester(bake, bakeValues(bake, options.env), options);
  const order = walkLinks(bake.target, names);
  for (const name of order) state.digest(name, []);
  if (state.problems.length) return { ok: false, problems: state.problems };
  return { ok: true, value: state.done, warnings: state.warnings };
}

class Digester {
  readonly done = new Map<string, InputDigest>();
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
  private readonly failed = new Set<string>();
  private readonly dockerfiles = new Map<string, { text: string; model: DockerfileModel } | Problem>();
  private readonly contexts: Map<string, ContextDigest>;
  private readonly warnedContexts = new Set<string>();
  private readonly realRoot: string;

  constructor(
    private readonly bake: BakeFile,
    private readonly values: Record<string, { default: string }>,
    private readonly options: DigestOptions,
  ) {
    this.realRoot = realpathSync(options.root);
    this.contexts = options.contextCache ?? new Map();
  }

  private fail(name: string, problem: Problem): undefined {
    if (!this.failed.has(name)) this.problems.push(problem);
    this.failed.add(name);
    return undefined;
  }

  digest(name: string, path: string[]): InputDigest | undefined {
    const known = this.done.get(name);
    if (known || this.failed.has(name)) return known;
    if (path.length > MAX_CHAIN) return this.fail(name, error('inputs-chain-too-long', `${name}: its chain of linked targets is longer than ${MAX_CHAIN}.`, { hint: 'A generated bake file has a few levels; check the hand-edited links.' }));
    if (path.includes(name)) return this.fail(name, error('inputs-link-cycle', `The targets ${[...path.slice(path.indexOf(name)), name].join(' -> ')} link each other in a cycle: none of them has an input digest.`, { hint: 'Remove one of the `target:` contexts of the cycle.' }));
    const resolved = resolveTarget(this.bake, name);
    const text = (s: string) => previewBake(s, this.values);
    const used = new Set<string>();
    const read = (s: string) => {
      for (const v of variablesIn(s)) if (this.values[v]) used.add(v);
      return text(s);
    };
    const context = read(resolved.context?.value ?? '.');
    const dockerfileWritten = read(resolved.dockerfile?.value ?? 'Dockerfile');
    const stage = resolved.target ? read(resolved.target.value) : undefined;
    const args = Object.fromEntries(Object.keys(resolved.args).sort().map((k) => [read(k), read(resolved.args[k]!.value)]));
    const platforms = (resolved.platforms?.value ?? []).map(read).sort();
    const secrets = this.secretIds(name).map(read).sort();
    const contexts: Record<string, string> = {};
    for (const key of Object.keys(resolved.contexts).sort()) {
      const value = read(resolved.contexts[key]!.value);
      const contributed = this.namedContext(name, key, value, [...path, name]);
      if (contributed === undefined) return undefined;
      contexts[read(key)] = contributed;
    }
    const definition = { context, dockerfile: dockerfileWritten, ...(stage !== undefined ? { target: stage } : {}), args, platforms, secrets, variables: Object.fromEntries([...used].sort().map((v) => [v, this.values[v]!.default])), ...(this.options.overrides?.length ? { overrides: [...this.options.overrides] } : {}) };

    const contextDir = this.inside(name, resolve(this.options.root, context), `context "${context}"`, true);
    if (!contextDir) return undefined;
    const dockerfilePath = isAbsolute(dockerfileWritten) ? dockerfileWritten : join(contextDir, dockerfileWritten);
    const dockerfileReal = this.inside(name, dockerfilePath, `Dockerfile "${dockerfileWritten}"`, false);
    if (!dockerfileReal) return undefined;
    const loaded = this.loadDockerfile(dockerfileReal);
    if (!('model' in loaded)) return this.fail(name, { ...loaded, message: `${name}: ${loaded.message}` });
    const reached = reachedStages(loaded.model, stage, new Set(Object.keys(contexts).map((k) => k.toLowerCase())), args);
    if (!reached.ok) return this.fail(name, error('inputs-unknown-stage', `${name}: the Dockerfile ${this.shown(dockerfileReal)} has no stage "${stage}".`, { hint: 'Name a stage of the Dockerfile as the target.' }));
    const lines = loaded.text.split('\n');
    const firstFrom = loaded.model.stages[0]?.line ?? lines.length + 1;
    const dfHash = createHash('sha256').update(lines.slice(0, firstFrom - 1).join('\n'));
    for (const s of reached.stages) {
      const end = loaded.model.stages[s.index + 1]?.line ?? lines.length + 1;
      dfHash.update(`\0stage ${s.index}\0`).update(lines.slice(s.line - 1, end - 1).join('\n'));
    }
    const dockerfile = { path: this.shown(dockerfileReal), stages: reached.stages.map((s) => s.label), digest: `sha256:${dfHash.digest('hex')}` };
    const images = Object.values(contexts).filter((c) => c.startsWith('docker-image://')).map((c) => c.slice('docker-image://'.length));
    const bases = [...new Set([...baseImages(loaded.model, lines, reached.stages, args, new Set(Object.keys(contexts))), ...images])];
    if (this.options.pinned) (definition as Record<string, unknown>).bases = Object.fromEntries(bases.map((b) => [b, this.options.pinned!.get(b) ?? 'not found']));

    const ignore = this.ignoreFor(name, dockerfileReal, contextDir);
    if (ignore === undefined) return undefined;
    const skip = new Set<string>();
    const relDockerfile = relative(contextDir, dockerfileReal).split(sep).join('/');
    if (!relDockerfile.startsWith('..')) skip.add(relDockerfile);
    if (ignore.file) {
      const relIgnore = relative(contextDir, ignore.file).split(sep).join('/');
      if (!relIgnore.startsWith('..')) skip.add(relIgnore);
    }
    const files = this.contextDigest(name, contextDir, ignore.matcher, skip);
    if (!files) return undefined;
    const contextPart = { path: this.shown(contextDir), ...(ignore.file ? { ignoreFile: this.shown(ignore.file) } : {}), files: files.files, bytes: files.bytes, digest: `sha256:${files.digest}`, ...(files.lines ? { lines: files.lines } : {}) };

    const all = JSON.stringify({ v: 1, definition, dockerfile: dockerfile.digest, context: contextPart.digest, contexts });
    const hex = createHash('sha256').update(all).digest('hex');
    const result: InputDigest = { name, digest: `sha256:${hex}`, short: hex.slice(0, SHORT), definition, dockerfile, context: contextPart, contexts, bases };
    this.done.set(name, result);
    return result;
  }

  /** What a named context contributes: a linked target's digest, a local folder's files, or the reference (pinned when asked). */
  private namedContext(name: string, key: string, value: string, path: string[]): string | undefined {
    if (value.startsWith('target:')) {
      const parent = value.slice('target:'.length);
      if (!Object.hasOwn(this.bake.target, parent)) return this.fail(name, error('inputs-unknown-link', `${name}: its context "${key}" links the target "${parent}", which the bake file does not hold.`, { hint: 'Regenerate the bake file (bake-matrix generate).' }));
      const d = this.digest(parent, path);
      if (!d) return this.fail(name, error('inputs-parent-failed', `${name}: the input digest of the target it links, ${parent}, could not be computed (see above).`));
      return `target:${d.digest}`;
    }
    if (value.startsWith('docker-image://')) return value; // pinned with the FROM images (bases)
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('git@')) return value; // a remote context: as written
    const dir = this.inside(name, resolve(this.options.root, value), `named context "${key}" (${value})`, true);
    if (!dir) return undefined;
    const files = this.contextDigest(name, dir, undefined, new Set());
    return files ? `local:sha256:${files.digest}` : undefined;
  }

  /** The ids of the target's secrets, its own and inherited (bake appends them). */
  private secretIds(name: string): string[] {
    const ids = new Set<string>();
    const seen = new Set<string>();
    const visit = (n: string) => {
      if (seen.has(n) || !Object.hasOwn(this.bake.target, n)) return;
      seen.add(n);
      const t = this.bake.target[n] as BakeTarget;
      for (const parent of inheritsOf(t)) visit(parent);
      for (const s of t.secret ?? []) {
        const id = s.split(',').find((p) => p.startsWith('id='));
        if (id) ids.add(id.slice(3));
      }
    };
    visit(name);
    return [...ids];
  }

  /** `path` resolved through its links, when it is inside the project root and of the kind wanted. */
  private inside(name: string, path: string, what: string, folder: boolean): string | undefined {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (e) {
      return this.fail(name, error('inputs-unreadable', `${name}: its ${what} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { hint: 'Run `bake-matrix check`: it names what is missing.' }));
    }
    if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) {
      return this.fail(name, error('path-outside-repository', `${name}: its ${what} resolves to ${real}, outside the project root ${this.realRoot}.`, { hint: 'Keep what the build reads inside the project, as real folders and files.' }));
    }
    const stats = lstatSync(real);
    if (folder ? !stats.isDirectory() : !stats.isFile()) return this.fail(name, error('inputs-unreadable', `${name}: its ${what} is not a ${folder ? 'folder' : 'regular file'}.`));
    return real;
  }

  private loadDockerfile(path: string): { text: string; model: DockerfileModel } | Problem {
    let known = this.dockerfiles.get(path);
    if (!known) {
      const read = readRegularFile(path, DOCKERFILE_MAX, 'a Dockerfile', { noFollow: true });
      known = read.ok
        ? { text: read.text, model: parseDockerfile(read.text, this.shown(path)) }
        : read.tooLarge
          ? error('inputs-file-too-large', `The Dockerfile ${this.shown(path)} is larger than ${DOCKERFILE_MAX} bytes.`)
          : error('inputs-unreadable', `The Dockerfile ${this.shown(path)} ${read.reason}.`);
      this.dockerfiles.set(path, known);
    }
    return known;
  }

  /** BuildKit's ignore file: `<Dockerfile>.dockerignore` beside the Dockerfile, else the context's `.dockerignore`. */
  private ignoreFor(name: string, dockerfile: string, contextDir: string): { file?: string; matcher?: IgnoreMatcher } | undefined {
    for (const file of [`${dockerfile}.dockerignore`, join(contextDir, '.dockerignore')]) {
      let stats;
      try {
        stats = lstatSync(file);
      } catch {
        continue;
      }
      if (!stats.isFile()) return this.fail(name, error('inputs-unreadable', `${name}: ${this.shown(file)} is not a regular file (a link or a folder): bake-matrix reads the ignore file without following links.`));
      const read = readRegularFile(file, IGNORE_MAX, 'an ignore file', { noFollow: true });
      if (!read.ok) {
        if (read.tooLarge) return this.fail(name, error('inputs-file-too-large', `${name}: ${this.shown(file)} is larger than ${IGNORE_MAX} bytes.`));
        return this.fail(name, error('inputs-unreadable', `${name}: ${this.shown(file)} ${read.reason}.`));
      }
      const compiled = compileIgnore(readIgnoreFile(read.text));
      if (!compiled.ok) return this.fail(name, error('dockerignore-pattern', `${this.shown(file)}: the pattern ${JSON.stringify(compiled.pattern)} cannot be matched as BuildKit does: ${compiled.reason}.`, { hint: 'Write it without that construct (e.g. list the names, or use a plain * or ?).' }));
      return { file, matcher: compiled.matcher };
    }
    return {};
  }

  private contextDigest(name: string, dir: string, matcher: IgnoreMatcher | undefined, skip: ReadonlySet<string>) {
    const key = `${dir}\0${matcher?.patterns.join('\0') ?? ''}\0${[...skip].join('\0')}\0${this.options.keepLines ? 'lines' : ''}`;
    let known = this.contexts.get(key);
    if (!known) {
      known = hashContext(dir, { ...(matcher ? { matcher } : {}), skip, limits: this.options.limits ?? CONTEXT_LIMITS, keepLines: this.options.keepLines ?? false });
      this.contexts.set(key, known);
    }
    if (!known.ok) return this.fail(name, error('inputs-context-too-large', `${name}: the build context ${this.shown(dir)} ${known.reason}.`, { hint: known.hint }));
    if ((known.git || known.bakeFiles.length) && !this.warnedContexts.has(dir)) {
      this.warnedContexts.add(dir);
      const shown = this.shown(dir);
      const ignore = `${shown === '.' ? '' : `${shown}/`}.dockerignore`;
      if (known.git) {
        this.warnings.push({
          ...error('inputs-cover-git', `The build context "${shown}" (of ${name}) holds .git, and no .dockerignore rule leaves it out: BuildKit sends it, so it enters the input digest of every target built there, and every commit changes those digests. --skip-built then finds no image built at an earlier commit.`, {
            hint: `Add the line ".git" to ${ignore} (as \`docker init\` does), unless the build reads the repository's history (e.g. setuptools_scm).`,
          }),
          severity: 'warning',
        });
      }
      if (known.bakeFiles.length) {
        const lines = [...new Set(known.bakeFiles.map((f) => f.split('/').slice(0, -1).join('/')))].map((folder) => (folder ? `${folder}/docker-bake.*` : 'docker-bake.*'));
        this.warnings.push({
          ...error('inputs-cover-bake-file', `The build context "${shown}" (of ${name}) holds ${known.bakeFiles.join(', ')}, and no .dockerignore rule leaves it out: a generated bake file changes with every change of the matrix, so every such change changes the input digest of every target built there, and --skip-built rebuilds them all.`, {
            hint: `Add ${lines.map((l) => `"${l}"`).join(' and ')} to ${ignore}, unless the build reads the bake file.`,
          }),
          severity: 'warning',
        });
      }
    }
    return known;
  }

  private shown(path: string): string {
    return relative(this.realRoot, path).split(sep).join('/') || '.';
  }
}

/**
 * The stages `target` (default: the last) reaches, in file order; stages named
 * in `replaced` (named contexts) are not entered. A FROM that names a stage
 * through an ARG (`FROM os-${OS}`) reaches the one stage its value names, the
 * ARG substituted as in fromImage(); when it cannot be substituted, every
 * stage its pattern matches.
 */
function reachedStages(model: DockerfileModel, target: string | undefined, replaced: ReadonlySet<string>, args: Record<string, string>): { ok: true; stages: DockerfileModel['stages'] } | { ok: false } {
  const start = target === undefined ? model.stages[model.stages.length - 1] : findStage(model, target);
  if (!start) return { ok: false };
  const reached = new Set<number>([start.index]);
  const queue = [start.index];
  for (let i = 0; i < queue.length; i++) {
    const from = model.stages[queue[i]!]!;
    let deps = from.deps;
    if (from.fromTemplate !== undefined && from.fromCandidates?.length) {
      const named = substituted(model, from.fromTemplate, args);
      const chosen = named === undefined ? undefined : findStage(model, named);
      if (named !== undefined) deps = deps.filter((d) => !from.fromCandidates!.includes(d) || d === chosen?.index);
    }
    for (const dep of deps) {
      const stage = model.stages[dep]!;
      if (reached.has(dep) || (stage.name !== undefined && replaced.has(stage.name))) continue;
      reached.add(dep);
      queue.push(dep);
    }
  }
  return { ok: true, stages: model.stages.filter((s) => reached.has(s.index)) };
}

/** A FROM reference with the global ARGs substituted as BuildKit does: a build arg when the ARG is declared before the first FROM, else its default, else empty; undefined when a form other than $X / ${X} is left. */
function substituted(model: DockerfileModel, text: string, args: Record<string, string>): string | undefined {
  const globals = new Map(model.globalArgs.map((a) => [a.name, a.value ?? '']));
  const value = (name: string) => (globals.has(name) ? (Object.hasOwn(args, name) ? args[name]! : globals.get(name)!) : '');
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a?: string, b?: string) => value((a ?? b)!));
  return out.includes('$') ? undefined : out;
}

/**
 * The images the stages start FROM (not a stage, not a named context, not
 * scratch), with global ARGs substituted as BuildKit does in FROM lines: a
 * build arg when the ARG is declared before the first FROM, else its default,
 * else empty. A reference still holding `$` (a `${X:-y}` form) is left out:
 * it enters as written, with the Dockerfile's text.
 */
function baseImages(model: DockerfileModel, lines: readonly string[], stages: DockerfileModel['stages'], args: Record<string, string>, contexts: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const stage of stages) {
    if (stage.parent !== undefined) continue;
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)/i.exec(lines[stage.line - 1] ?? '');
    if (!from) continue;
    const image = substituted(model, from[1]!, args);
    if (image === undefined || image === '' || image.toLowerCase() === 'scratch' || contexts.has(image) || findStage(model, image)) continue;
    out.push(image);
  }
  return out;
}

/** Attributes a `--set` may change without changing what is built. */
const NOT_BUILT = new Set(['tags', 'cache-to', 'cache-from', 'output', 'labels', 'annotations', 'attest', 'description', 'push', 'load']);

/** The `--set` values that may change what is built (`<pattern>.<attribute>[.key][+]=value` of any other attribute), in order. */
export function buildSets(sets: readonly string[]): string[] {
  return sets.filter((set) => {
    const key = set.slice(0, Math.max(0, set.indexOf('=')) || set.length).replace(/\+$/, '');
    const attribute = key.split('.')[1] ?? '';
    return !NOT_BUILT.has(attribute);
  });
}
