// fast-check generators of support matrices, as the user writes them (plain
// objects), and their serialisation into YAML and TOML files.
//
// The generator builds matrices that are valid by construction: names that
// cannot collide, templates that only use placeholders in scope, tags and
// cache refs that name every axis of their stage. What it cannot rule out
// cheaply (excludes, allow-lists or platforms that leave a stage or a value
// with nothing to build: empty-stage, empty-group, unused-value; a
// multi-platform subset among three or more platforms: platform-mismatch)
// valid-matrix.test.ts accepts as a clean problem list; about 98% of the
// generated matrices generate.
//
// test/property/found-bugs.md records the bugs these properties found.
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { parseToml } from '../../src/load/parse-toml.ts';
import { parseYaml } from '../../src/load/parse-yaml.ts';
import { SourceFile } from '../../src/load/source-file.ts';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';

export type Format = 'yaml' | 'toml';

export interface MatrixFileText {
  /** Relative to the project root: matrix/f0.yaml. */
  path: string;
  format: Format;
  text: string;
}

/** A generated matrix: the whole document, and how its top-level keys are split over files. */
export interface MatrixCase {
  doc: MatrixFile;
  files: { format: Format; keys: (keyof MatrixFile)[] }[];
}

// ---------------------------------------------------------------- strings

/**
 * Pieces of literal template text. `{` only appears doubled (`{{` is a
 * literal brace), so no piece can form a placeholder by accident.
 */
const PIECES = [
  '$', '%', '$$', '%%', '{{', '}', '}}', '"', "'", '\\', '\\\\', '\\n', '\n', '\t', ' ', 'a b',
  'é', '€', '😀', '中', 'ß', '\u00a0', 'x', 'Y', '7', ':', '/', '#', '-', '=', ',', '@', '*', '&', '|', '~',
  // A literal `${` or `%{` is written `${{` / `%{{`.
  '${{', '%{{', '$${{', '${{X}', '%{{ if }',
];

/** Characters of strings that are not templates (label keys, variable defaults). */
const RAW_CHARS = ['$', '%', '{', '}', '${', '%{', '$${', '"', "'", '\\', '\n', ' ', 'é', '😀', '中', 'a', 'B', '0', '.', '/', ':', '-', '_', '=', ','];

export function literalPiece(): fc.Arbitrary<string> {
  return fc.constantFrom(...PIECES);
}

/** A template: literal pieces and {placeholders} from `placeholders`. */
export function template(placeholders: readonly string[], minPieces = 1, maxPieces = 5): fc.Arbitrary<string> {
  const piece = placeholders.length
    ? fc.oneof({ weight: 3, arbitrary: literalPiece() }, { weight: 2, arbitrary: fc.constantFrom(...placeholders.map((p) => `{${p}}`)) })
    : literalPiece();
  return fc.array(piece, { minLength: minPieces, maxLength: maxPieces }).map((pieces) => pieces.join(''));
}

/** A string that is not a template: any characters, braces included. */
export function rawString(minLength = 0, maxLength = 6): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...RAW_CHARS), { minLength, maxLength }).map((parts) => parts.join(''));
}

/** An arg value: mostly a template, sometimes a number or a boolean (YAML and TOML both have them). */
function argValue(placeholders: readonly string[]): fc.Arbitrary<string | number | boolean> {
  return fc.oneof(
    { weight: 8, arbitrary: template(placeholders, 0) },
    { weight: 1, arbitrary: fc.integer({ min: -1000, max: 100000 }) },
    { weight: 1, arbitrary: fc.boolean() },
  );
}

// ---------------------------------------------------------------- names

export const PLATFORM_POOL = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/s390x'];
const AXIS_NAMES = ['cuda', 'framework', 'os', 'py', 'device', 'flavor_x'];
const VARIABLE_KEYS = ['cache_branch', 'channel', 'base_tag'];
const VARIABLE_ENVS = ['CACHE_BRANCH', 'BM_CHANNEL', 'BM_BASE_TAG'];
const REGISTRIES = ['ghcr.io/example', 'localhost:5000', 'registry.test/team/sub'];
/** Value names of axis i start with its letter: no two axes (or stages, groups) share a name. */
const VALUE_PREFIX = ['a', 'b', 'c', 'd'];

/** What bake-matrix does to a rendered name (src/plan/names.ts), to keep generated names apart. */
export const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_-]+/g, '_');

function valueNames(axisIndex: number, numeric: boolean): fc.Arbitrary<string[]> {
  const name = numeric
    ? fc.integer({ min: 0, max: 999 }).map(String)
    : fc.stringMatching(/^[0-9]{0,2}([._][0-9]{1,2})?$/).map((suffix) => VALUE_PREFIX[axisIndex]! + suffix);
  return fc.uniqueArray(name, { minLength: 1, maxLength: 4, selector: sanitize });
}

// ---------------------------------------------------------------- the matrix

type Doc = Record<string, unknown>;

function subset<T>(g: fc.GeneratorValue, items: readonly T[], min = 0, max = items.length): T[] {
  if (items.length === 0) return [];
  return g(fc.subarray, [...items], { minLength: Math.min(min, items.length), maxLength: Math.min(max, items.length) });
}

function settingsOf(g: fc.GeneratorValue, names: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>, max = 2): Doc | undefined {
  const entries = g(fc.uniqueArray, fc.tuple(names, value), { maxLength: max, selector: (entry: unknown) => (entry as [string, unknown])[0] }) as [string, unknown][];
  return entries.length ? Object.fromEntries(entries) : undefined;
}

const put = (doc: Doc, key: string, value: unknown) => {
  if (value !== undefined) doc[key] = value;
};

/** A valid matrix document. */
export function matrixDoc(): fc.Arbitrary<MatrixFile> {
  return fc.gen().map((g) => buildDoc(g));
}

function buildDoc(g: fc.GeneratorValue): MatrixFile {
  const doc: Doc = {};
  const labelKey = rawString(1, 5);

  if (g(fc.boolean)) doc.name = g(fc.stringMatching, /^[a-z0-9]{1,4}([-_][a-z0-9]{1,3})?$/);
  const registry = g(fc.option, fc.constantFrom(...REGISTRIES), { nil: undefined });
  put(doc, 'registry', registry);
  // Mostly two platforms; with more, a child may keep a multi-platform subset
  // of its parent's, which is a clean `platform-mismatch` error.
  const pool = g(fc.nat, 3) === 0 ? PLATFORM_POOL : PLATFORM_POOL.slice(0, 2);
  // In any order: the same platforms in another order are the same set.
  const platformList = (from: string[]): string[] => g(fc.shuffledSubarray, from, { minLength: 1 });
  if (g(fc.boolean)) doc.platforms = platformList(pool);
  // Values and stages restrict the matrix's platforms (a disjoint set is a clean `unused-value` or `empty-stage`).
  const restrict = () => platformList((doc.platforms as string[] | undefined) ?? ['linux/amd64']);
  if (g(fc.boolean)) doc.dockerfile = g(fc.constantFrom, 'Dockerfile', 'docker/Dockerfile', 'build/x.Dockerfile');
  if (g(fc.boolean)) doc.context = g(fc.constantFrom, '.', 'src', 'a/b');

  // Run-time variables: defaults are free text (they never reach a tag or a name), but
  // cache_branch's, which ends the cache ref's tag: tag characters, or empty.
  const variableKeys = subset(g, VARIABLE_KEYS, 0, 2);
  if (variableKeys.length) {
    const variables: Doc = {};
    for (const key of variableKeys) {
      const form = g(fc.constantFrom, 'string', 'object', 'object-env');
      const def = key === 'cache_branch' ? g(fc.constantFrom, '', 'main', 'pr-12', 'Release_1.2') : g(rawString, 0, 6);
      if (form === 'string') variables[key] = def;
      else {
        const spec: Doc = { default: def };
        // Distinct names: two variables with one env is an error (a mutation in invalid-matrix.test.ts).
        if (form === 'object-env') spec.env = VARIABLE_ENVS[VARIABLE_KEYS.indexOf(key)]!;
        if (g(fc.boolean)) spec.description = g(rawString, 0, 6);
        variables[key] = spec;
      }
    }
    doc.variables = variables;
  }
  const scopeVariables = [...variableKeys, 'version', 'git_sha', ...(registry ? ['registry'] : [])];
  const everywhere = ['target', 'stage', 'matrix', ...scopeVariables];
  put(doc, 'args', settingsOf(g, fc.constantFrom('PYTHON_VERSION', 'UV_VERSION', 'GLOBAL_X'), argValue(everywhere)));
  put(doc, 'labels', settingsOf(g, labelKey, template(everywhere, 0)));

  // Axes.
  const axisNames = g(fc.shuffledSubarray, AXIS_NAMES, { minLength: 1, maxLength: 4 }) as string[];
  const numericAxis = g(fc.option, fc.nat({ max: axisNames.length - 1 }), { nil: undefined });
  const values: Record<string, string[]> = {};
  axisNames.forEach((axis, i) => (values[axis] = g(valueNames, i, i === numericAxis)));
  const axes: Doc = {};
  for (const axis of axisNames) {
    const entries: Doc = {};
    for (const value of values[axis]!) {
      const shape = g(fc.constantFrom, 'null', 'empty', 'full');
      if (shape === 'null') entries[value] = null;
      else if (shape === 'empty') entries[value] = {};
      else {
        const own = [axis, ...everywhere];
        const v: Doc = {};
        if (g(fc.boolean)) v.description = g(rawString, 0, 8);
        put(v, 'args', settingsOf(g, fc.constantFrom(`${axis.toUpperCase()}_VERSION`, `${axis.toUpperCase()}_PKG`, 'SHARED_ARG'), argValue(own)));
        put(v, 'labels', settingsOf(g, labelKey, template(own, 0)));
        if (g(fc.nat, 5) === 0) v.platforms = restrict();
        const others = axisNames.filter((a) => a !== axis);
        if (others.length && g(fc.nat, 6) === 0) {
          const other = g(fc.constantFrom, ...others);
          v.only = { [other]: g(fc.subarray, values[other]!, { minLength: 1 }) };
        }
        entries[value] = v;
      }
    }
    axes[axis] = entries;
  }
  doc.axes = axes;

  const selector = (candidates: readonly string[], maxAxes = 2): Record<string, string | string[]> => {
    const chosen = subset(g, candidates, 1, maxAxes);
    return Object.fromEntries(
      chosen.map((axis) => {
        const picked = subset(g, values[axis]!, 1, 2);
        return [axis, picked.length === 1 && g(fc.boolean) ? picked[0]! : picked];
      }),
    );
  };

  // Stages: a chain or a tree; a child varies over its parent's axes and maybe more.
  const stageCount = g(fc.integer, { min: 1, max: 4 });
  const stages: Doc = {};
  const stageAxes: string[][] = [];
  const stageKeys: string[] = [];
  let layerIndex = 0;
  for (let i = 0; i < stageCount; i++) {
    const key = `s${i}`;
    const parent = i > 0 ? g(fc.option, fc.nat({ max: i - 1 }), { nil: undefined, freq: 3 }) : undefined;
    const parentAxes = parent === undefined ? [] : stageAxes[parent]!;
    const extra = g(fc.shuffledSubarray, axisNames.filter((a) => !parentAxes.includes(a))) as string[];
    const own = g(fc.boolean) ? [...parentAxes, ...extra] : [...extra, ...parentAxes];
    const stage: Doc = { target: g(fc.constantFrom, `stage-${i}`, `build_${i}`, `st.${i}`) };
    if (parent !== undefined) stage.from = `s${parent}`;
    const writeAxes = parent === undefined ? own.length > 0 || g(fc.boolean) : extra.length > 0 || g(fc.boolean);
    if (writeAxes) stage.axes = own;
    const axesUsed = writeAxes ? own : parentAxes;
    stageAxes.push(axesUsed);
    stageKeys.push(key);
    const inScope = [...axesUsed, ...everywhere];
    if (g(fc.nat, 3) === 0) {
      // A custom name: every axis, in some order, around the stage key.
      const parts = g(fc.shuffledSubarray, [...axesUsed.map((a) => `{${a}}`), key], { minLength: axesUsed.length + 1 }) as string[];
      stage.name = parts.join(g(fc.constantFrom, '-', '_', '.'));
    }
    if (g(fc.nat, 4) === 0) stage.dockerfile = g(fc.constantFrom, 'Dockerfile', 'other/Dockerfile');
    if (g(fc.nat, 4) === 0) stage.context = g(fc.constantFrom, '.', 'ctx');
    if (g(fc.nat, 5) === 0) stage.platforms = restrict();
    put(stage, 'args', settingsOf(g, fc.constantFrom('STAGE_ARG', 'SHARED_ARG', `S${i}_ARG`), argValue(inScope)));
    put(stage, 'labels', settingsOf(g, labelKey, template(inScope, 0)));
    const tagCount = g(fc.nat, 2);
    if (tagCount) {
      const repo = registry ? '{registry}' : 'localhost:5000';
      stage.tags = Array.from({ length: tagCount }, (_, t) => {
        const suffix = [...axesUsed.map((a) => `{${a}}`), key, `t${t}`];
        return g(fc.boolean) ? `${repo}/img:{version}-${suffix.join('-')}` : `${repo}/{matrix}-${key}:${suffix.join('.')}`;
      });
    }
    if (axesUsed.length && g(fc.nat, 8) === 0) stage.only = selector(axesUsed);
    if (g(fc.nat, 4) === 0) stage.default = g(fc.boolean);
    const layerCount = g(fc.nat, 2);
    if (layerCount) {
      const layers: Doc = {};
      for (let l = 0; l < layerCount; l++) {
        const layerKey = `l${layerIndex++}`;
        const layer: Doc = { target: `deps-${layerKey}` };
        const optional = axesUsed.filter((a) => !parentAxes.includes(a));
        const layerAxes = g(fc.boolean) ? [...parentAxes, ...(g(fc.subarray, optional) as string[])] : undefined;
        if (layerAxes) layer.axes = layerAxes;
        const effective = layerAxes ?? axesUsed;
        if (g(fc.nat, 3) === 0) layer.name = [layerKey, ...effective.map((a) => `{${a}}`)].join('-');
        put(layer, 'args', settingsOf(g, fc.constantFrom('LAYER_ARG', 'SHARED_ARG'), argValue([...effective, ...everywhere])));
        layers[layerKey] = layer;
      }
      stage.layers = layers;
    }
    stages[key] = stage;
  }

  const axesOfSomeStage = axisNames.filter((a) => stageAxes.some((s) => s.includes(a)));
  // Excludes name two axes that one stage varies over (a rule over axes no
  // stage has together applies nowhere: an error): one that names a single
  // axis drops that value everywhere, which is a (clean) `unused-value` error.
  const wide = axisNames.filter((a) => values[a]!.length > 1);
  const widePairs = stageAxes.map((axes) => axes.filter((a) => wide.includes(a))).filter((axes) => axes.length > 1);
  if (widePairs.length && g(fc.nat, 2) === 0) {
    doc.exclude = g(fc.array, fc.constant(null), { minLength: 1, maxLength: 2 }).map(() => {
      const pair = g(fc.shuffledSubarray, g(fc.constantFrom, ...widePairs), { minLength: 2, maxLength: 2 }) as string[];
      return Object.fromEntries(pair.map((axis) => [axis, g(fc.boolean) ? g(fc.constantFrom, ...values[axis]!) : [g(fc.constantFrom, ...values[axis]!)]]));
    });
  }
  const withAxes = stageAxes.map((a, i) => [a, i] as const).filter(([a]) => a.length > 0);
  if (withAxes.length && g(fc.nat, 3) === 0) {
    const [axes] = g(fc.constantFrom, ...withAxes);
    doc.include = [Object.fromEntries(axes.map((a: string) => [a, g(fc.constantFrom, ...values[a]!)]))];
  }
  if (axesOfSomeStage.length && g(fc.nat, 2) === 0) {
    const count = g(fc.integer, { min: 1, max: 2 });
    doc.overrides = Array.from({ length: count }, () => {
      // `when` names axes one stage varies over together, and `stages` lists only stages that do.
      const when = selector(g(fc.constantFrom, ...stageAxes.filter((axes) => axes.length > 0)));
      const scope = [...Object.keys(when), ...everywhere];
      const o: Doc = { when };
      const fitting = stageKeys.filter((_, i) => Object.keys(when).every((a) => stageAxes[i]!.includes(a)));
      if (g(fc.nat, 3) === 0) o.stages = g(fc.subarray, fitting, { minLength: 1 });
      put(o, 'args', settingsOf(g, fc.constantFrom('OVERRIDE_ARG', 'SHARED_ARG', 'STAGE_ARG'), argValue(scope)));
      put(o, 'labels', settingsOf(g, labelKey, template(scope, 0)));
      return o;
    });
  }
  doc.stages = stages;

  const groupCount = g(fc.nat, 2);
  if (groupCount) {
    const groups: Doc = {};
    for (let i = 0; i < groupCount; i++) {
      const members = subset(g, stageKeys, 1, 2);
      const shared = axisNames.filter((a) => members.every((m) => stageAxes[stageKeys.indexOf(m)]!.includes(a)));
      const placeholders = (g(fc.shuffledSubarray, shared) as string[]).map((a) => `{${a}}`);
      groups[[`g${i}`, ...placeholders].join(g(fc.constantFrom, '-', '_'))] = members;
    }
    doc.groups = groups;
  }

  const cache = g(fc.constantFrom, 'none', 'off', 'on');
  if (cache === 'off') doc.cache = false;
  if (cache === 'on') {
    const repo = registry ? '{registry}' : 'localhost:5000';
    const c: Doc = { ref: `${repo}/cache:{target}${variableKeys.includes('cache_branch') ? '-{cache_branch}' : ''}` };
    if (g(fc.boolean)) c.fallback = [`${repo}/cache:{target}-main`];
    if (g(fc.boolean)) c.mode = g(fc.constantFrom, 'max', 'min');
    if (g(fc.boolean)) c.compression = g(fc.constantFrom, 'zstd', 'gzip', 'estargz', 'uncompressed');
    if (g(fc.boolean)) c.export = g(fc.boolean);
    if (g(fc.boolean)) c.type = 'registry';
    doc.cache = c;
  }
  return doc as MatrixFile;
}

/**
 * A valid matrix, with its top-level keys split over one to three YAML or TOML
 * files. Shrinking is capped: every step runs the whole pipeline, and shrinking
 * a generated structure this size is otherwise unbounded in practice.
 */
export function matrixCase(maxShrinks = 400): fc.Arbitrary<MatrixCase> {
  return fc.limitShrink(matrixCaseUnlimited(), maxShrinks);
}

function matrixCaseUnlimited(): fc.Arbitrary<MatrixCase> {
  return matrixDoc().chain((doc) => {
    const keys = Object.keys(doc) as (keyof MatrixFile)[];
    return fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(2), { minLength: keys.length, maxLength: keys.length }), fc.array(fc.constantFrom<Format>('yaml', 'toml'), { minLength: 3, maxLength: 3 }))
      .map(([count, where, formats]) => ({
        doc,
        files: Array.from({ length: count }, (_, i) => ({ format: formats[i]!, keys: keys.filter((_, k) => where[k]! % count === i) })),
      }));
  });
}

/** The files of a case, as written to matrix/. */
export function filesOf(c: MatrixCase): MatrixFileText[] {
  return c.files.map((f, i) => {
    const part = Object.fromEntries(f.keys.filter((k) => c.doc[k] !== undefined).map((k) => [k, c.doc[k]]));
    return { path: `matrix/f${i}.${f.format}`, format: f.format, text: serialize(part, f.format) };
  });
}

export function serialize(doc: Doc, format: Format): string {
  return format === 'yaml' ? toYaml(doc) : toToml(doc);
}

// ---------------------------------------------------------------- TOML

/** A TOML basic string: JSON's escapes are TOML's, except that DEL must be escaped too. */
function tomlString(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, '\\u007F');
}

function tomlValue(v: unknown): string {
  if (v === null || v === undefined) return '{}'; // TOML has no null: an axis value without settings
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  return `{ ${Object.entries(v as Doc).map(([k, x]) => `${tomlString(k)} = ${tomlValue(x)}`).join(', ')} }`;
}

/** Top-level scalars and arrays as key = value, mappings as [tables] of inline values. */
export function toToml(doc: Doc): string {
  const lines: string[] = [];
  const tables: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      tables.push('', `[${tomlString(key)}]`, ...Object.entries(value as Doc).map(([k, x]) => `${tomlString(k)} = ${tomlValue(x)}`));
    } else lines.push(`${tomlString(key)} = ${tomlValue(value)}`);
  }
  return [...lines, ...tables].join('\n') + '\n';
}

// ---------------------------------------------------------------- in memory

/** The files of a case, loaded as src/load would (parsed, with positions), without touching disk. */
export function sourceFilesOf(files: readonly MatrixFileText[]): SourceFile[] {
  return files.map((f) => {
    const parsed = f.format === 'yaml' ? parseYaml(f.text, f.path) : parseToml(f.text, f.path);
    if (parsed.problems.length) throw new Error(`the generator wrote a file that does not parse: ${f.path}: ${parsed.problems.map((p) => p.message).join('; ')}\n${f.text}`);
    return new SourceFile(f.path, f.text, parsed.data ?? {}, parsed.spans);
  });
}

/** For failure messages: every file with its name. */
export function showFiles(files: readonly MatrixFileText[]): string {
  return files.map((f) => `--- ${f.path}\n${f.text}`).join('');
}

/**
 * Dockerfiles that fit a matrix: every Dockerfile it names defines every
 * stage and layer target, and declares every arg the matrix passes (with a
 * default), so the Dockerfile checks of the CLI pass on a valid matrix.
 */
export function dockerfilesOf(doc: MatrixFile): Record<string, string> {
  const argNames = new Set<string>();
  const targets = new Set<string>();
  const paths = new Set<string>();
  const collectArgs = (args: object | undefined | null) => Object.keys(args ?? {}).forEach((a) => argNames.add(a));
  collectArgs(doc.args);
  for (const values of Object.values(doc.axes ?? {})) for (const v of Object.values(values ?? {})) collectArgs(v?.args);
  for (const o of doc.overrides ?? []) collectArgs(o.args);
  for (const stage of Object.values(doc.stages ?? {})) {
    paths.add(stage.dockerfile ?? doc.dockerfile ?? 'Dockerfile');
    if (stage.target) targets.add(stage.target);
    collectArgs(stage.args);
    for (const layer of Object.values(stage.layers ?? {})) {
      targets.add(layer.target);
      collectArgs(layer.args);
    }
  }
  if (paths.size === 0) paths.add(doc.dockerfile ?? 'Dockerfile');
  const text = [...[...argNames].sort().map((a) => `ARG ${a}=x`), ...[...targets].sort().flatMap((t) => [`FROM scratch AS ${t}`, ...[...argNames].sort().map((a) => `ARG ${a}`)])].join('\n') + '\n';
  return Object.fromEntries([...paths].map((p) => [p, text]));
}
