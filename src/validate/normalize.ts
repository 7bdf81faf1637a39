// The one normaliser: matrix files as written -> one resolved Matrix.
// Merges the files, expands shorthands and fills every default; reports keys
// that two files both define. Reference checks are in rules.ts.
import { error, pointerOf, type Problem } from '../problems/problem.ts';
import type { SourceFile } from '../load/source-file.ts';
import type * as W from '../types/matrix-file.generated.ts';
import type { Axis, CacheSpec, Matrix, Origin, Settings, Table, TableEntry, Template, Variable } from '../types/matrix.ts';
import { BUILT_IN, DEFAULTS, cacheSpec, ciSpec, imageBase, outputSpecs, secrets, selector, settings, stageBase, tagSpecs, unreadArgs, type At } from './normalize-parts.ts';
import { projectRoot } from './project-root.ts';
import { resolveStages } from './resolve-stages.ts';
import { valueParents } from './value-parents.ts';
import { describeCombination } from '../template/combination.ts';
import { dict } from '../dict.ts';

/** Run-time values every matrix has; `variables` may redefine them. */
export const BUILT_IN_VARIABLES: Record<string, { env: string; default: string; description: string }> = {
  version: { env: 'VERSION', default: 'dev', description: 'Image version, set by CI for a release.' },
  git_sha: { env: 'GIT_SHA', default: '', description: 'Commit the images are built from.' },
};

export interface NormalizeOptions {
  /** The project root when no file sets `root`: the folder holding the matrix. */
  defaultRoot?: string;
}

export function normalize(files: readonly SourceFile[], options: NormalizeOptions = {}): { matrix: Matrix; problems: Problem[] } {
  const problems: Problem[] = [];
  const firstSeen = new Map<string, Origin>();
  /** Records that `what` is defined at `origin`; false (and a problem) when another file did. */
  const claim = (what: string, origin: Origin): boolean => {
    const earlier = firstSeen.get(what);
    if (earlier && earlier.file !== origin.file) {
      problems.push(
        error('defined-twice', `"${what}" is defined in ${earlier.file} and again here.`, {
          file: origin.file,
          pointer: origin.pointer,
          atKey: true,
          hint: 'Define it in one matrix file only.',
        }),
      );
      return false;
    }
    firstSeen.set(what, origin);
    return true;
  };

  let dockerfile: Template = { text: DEFAULTS.dockerfile, origin: BUILT_IN };
  let context: Template = { text: DEFAULTS.context, origin: BUILT_IN };
  let cache: CacheSpec | null = null;
  const variables = new Map<string, Variable>(
    Object.entries(BUILT_IN_VARIABLES).map(([key, v]) => [key, { key, ...v, origin: BUILT_IN }]),
  );
  const matrix: Matrix = {
    sources: files.map((f) => f.path),
    root: options.defaultRoot ?? '.',
    rootOrigin: BUILT_IN,
    name: DEFAULTS.name,
    platforms: [...DEFAULTS.platforms],
    platformsOrigin: BUILT_IN,
    platformsDeclared: false,
    args: dict(),
    argsUnread: [],
    labels: dict(),
    secrets: [],
    variables: [],
    axes: [],
    tables: [],
    exclude: [],
    include: [],
    overrides: [],
    stages: [],
    groups: [],
    autoGroups: { values: [], stages: true, default: true },
    autoGroupsOrigin: BUILT_IN,
    cache: null,
    ci: null,
  };
  let autoValues: boolean | string[] = true;
  const written: { key: string; stage: W.Stage; origin: Origin }[] = [];

  for (const file of files) {
    const doc = file.data as W.MatrixFile;
    const at: At = (...path) => ({ file: file.path, pointer: pointerOf(path) });
    if (doc.name !== undefined && claim('name', at('name'))) matrix.name = doc.name;
    if (doc.root !== undefined && claim('root', at('root'))) {
      const found = projectRoot(doc.root, file.absolutePath ?? file.path, at('root'));
      if ('problem' in found) problems.push(found.problem);
      else {
        matrix.root = found.root;
        matrix.rootOrigin = at('root');
      }
    }
    if (doc.dockerfile !== undefined && claim('dockerfile', at('dockerfile'))) dockerfile = { text: doc.dockerfile, origin: at('dockerfile') };
    if (doc.context !== undefined && claim('context', at('context'))) context = { text: doc.context, origin: at('context') };
    if (doc.platforms !== undefined && claim('platforms', at('platforms'))) {
      matrix.platforms = [...doc.platforms];
      matrix.platformsOrigin = at('platforms');
    }
    if (doc.registry !== undefined && claim('variables.registry', at('registry'))) {
      variables.set('registry', { key: 'registry', env: 'REGISTRY', default: doc.registry, description: 'Registry the images are pushed to.', origin: at('registry') });
    }
    for (const [key, v] of Object.entries(doc.variables ?? {})) {
      if (!claim(`variables.${key}`, at('variables', key))) continue;
      const spec = typeof v === 'string' ? { default: v } : v;
      const builtIn = BUILT_IN_VARIABLES[key];
      variables.set(key, {
        key,
        env: spec.env ?? builtIn?.env ?? key.toUpperCase(),
        ...(spec.env !== undefined ? { envWritten: true } : {}),
        default: spec.default ?? builtIn?.default ?? '',
        description: spec.description ?? builtIn?.description,
        origin: at('variables', key),
      });
    }
    mergeSettings(matrix.args, doc.args, at, ['args'], claim);
    matrix.argsUnread.push(...unreadArgs(doc.args_unread, at, ['args_unread']));
    mergeSettings(matrix.labels, doc.labels, at, ['labels'], claim);
    matrix.secrets.push(...secrets(doc.secrets, at, ['secrets']));
    for (const [axisName, values] of Object.entries(doc.axes ?? {})) {
      if (claim(`axes.${axisName}`, at('axes', axisName))) matrix.axes.push(axis(axisName, values, at));
    }
    for (const [name, table] of Object.entries(doc.tables ?? {})) {
      if (claim(`tables.${name}`, at('tables', name))) matrix.tables.push(tableOf(name, table, at, problems));
    }
    (doc.exclude ?? []).forEach((rule, i) => {
      const { platforms, ...axes } = rule;
      matrix.exclude.push({ selector: selector(axes as Record<string, string | string[]>), ...(platforms ? { platforms: [...platforms] } : {}), origin: at('exclude', i) });
    });
    (doc.include ?? []).forEach((rule, i) => matrix.include.push({ combination: { ...rule }, origin: at('include', i) }));
    (doc.overrides ?? []).forEach((o, i) =>
      matrix.overrides.push({
        when: selector(o.when),
        stages: o.stages ? [...o.stages] : undefined,
        args: settings(o.args, at, ['overrides', i, 'args']),
        labels: settings(o.labels, at, ['overrides', i, 'labels']),
        tags: tagSpecs(o.tags, at, ['overrides', i, 'tags']),
        replaceTags: o.replace_tags ?? false,
        ...(o.from === undefined ? {} : typeof o.from === 'string' || 'stage' in o.from ? { fromStage: stageBase(o.from, at('overrides', i, 'from')) } : { from: imageBase(o.from, at, ['overrides', i, 'from']) }),
        ...(o.output ? { output: outputSpecs(o.output, at, ['overrides', i, 'output']) } : {}),
        annotations: settings(o.annotations, at, ['overrides', i, 'annotations']),
        origin: at('overrides', i),
      }),
    );
    for (const [key, stage] of Object.entries(doc.stages ?? {})) {
      if (claim(`stages.${key}`, at('stages', key))) written.push({ key, stage, origin: at('stages', key) });
    }
    for (const [key, group] of Object.entries(doc.groups ?? {})) {
      if (!claim(`groups.${key}`, at('groups', key))) continue;
      const origin = at('groups', key);
      matrix.groups.push(
        Array.isArray(group)
          ? { kind: 'template', template: { text: key, origin }, stages: [...group], origin }
          : { kind: 'list', name: key, targets: [...group.targets], description: group.description, origin },
      );
    }
    if (doc.auto_groups !== undefined && claim('auto_groups', at('auto_groups'))) {
      const g = doc.auto_groups;
      matrix.autoGroupsOrigin = at('auto_groups');
      if (g.values !== undefined) autoValues = Array.isArray(g.values) ? [...g.values] : g.values;
      if (g.stages !== undefined) matrix.autoGroups.stages = g.stages;
      if (g.default !== undefined) matrix.autoGroups.default = g.default;
    }
    if (doc.ci !== undefined && claim('ci', at('ci'))) matrix.ci = ciSpec(doc.ci, at);
    if (doc.cache !== undefined && claim('cache', at('cache'))) {
      cache = doc.cache === false ? null : cacheSpec(doc.cache, undefined, at, ['cache']);
      if (doc.cache !== false && !cache) {
        problems.push(error('cache-without-ref', 'The cache has no `ref` (a registry cache ref) and no `gha` (a GitHub Actions cache scope).', { ...at('cache'), atKey: true, hint: 'Add `ref: "{registry}/cache:{target}"` or `gha: "{target}"` (one per target), or write `cache: false`.' }));
      }
    }
  }

  matrix.cache = cache;
  matrix.variables = [...variables.values()];
  matrix.autoGroups.values = autoValues === true ? matrix.axes.map((a) => a.name) : autoValues === false ? [] : autoValues;
  // A `default` group the matrix declares replaces the generated one.
  if (matrix.groups.some((g) => g.kind === 'list' && g.name === 'default')) matrix.autoGroups.default = false;
  const tagged = new Set(matrix.overrides.flatMap((o) => (o.tags.length ? (o.stages ?? []) : [])));
  const optionalAxes = new Set(matrix.axes.flatMap((a) => a.values.flatMap((v) => v.without)));
  // A value's `from` is an override of the stage where the chain enters its axis, before the written ones (which win).
  matrix.overrides.unshift(...valueParents(matrix.axes, written, problems));
  const overrideParents = new Map<string, string[]>();
  for (const o of matrix.overrides) for (const key of o.fromStage ? (o.stages ?? []) : []) overrideParents.set(key, [...(overrideParents.get(key) ?? []), o.fromStage!.stage]);
  matrix.stages = resolveStages(written, { dockerfile, context, cache, tagged, overrideParents, optionalAxes, problems });
  matrix.platformsDeclared = matrix.platformsOrigin !== BUILT_IN || matrix.ci !== null || matrix.stages.some((s) => s.platforms) || matrix.axes.some((a) => a.values.some((v) => v.platforms)) || matrix.exclude.some((e) => e.platforms);
  return { matrix, problems };
}

function axis(name: string, values: Record<string, W.AxisValue>, at: At): Axis {
  return {
    name,
    origin: at('axes', name),
    values: Object.entries(values).map(([valueName, v]) => {
      const path = ['axes', name, valueName];
      return {
        axis: name,
        name: valueName,
        description: v?.description,
        args: settings(v?.args, at, [...path, 'args']),
        labels: settings(v?.labels, at, [...path, 'labels']),
        platforms: v?.platforms ? [...v.platforms] : undefined,
        only: selector(v?.only ?? {}),
        vars: settings(Object.fromEntries(Object.entries(v?.vars ?? {}).filter((e): e is [string, string | number | boolean] => !Array.isArray(e[1]))), at, [...path, 'vars']),
        lists: dict(Object.entries(v?.vars ?? {}).flatMap(([key, list]) => (Array.isArray(list) ? [[key, list.map((text, i) => ({ text: String(text), origin: at(...path, 'vars', key, i) }))]] : []))),
        isDefault: v?.default ?? false,
        without: [...(v?.without ?? [])],
        ...(v?.os_version !== undefined ? { osVersion: v.os_version } : {}),
        ...(v?.from !== undefined ? { from: stageBase(v.from, at(...path, 'from')) } : {}),
        origin: at(...path),
      };
    }),
  };
}

/** Flattens a table's nested entries into one entry per combination; a wrong depth is a problem. */
function tableOf(name: string, table: W.Table, at: At, problems: Problem[]): Table {
  const entries = new Map<string, TableEntry>();
  const path = ['tables', name, 'entries'];
  const walk = (node: unknown, depth: number, keys: string[]) => {
    const here = at(...path, ...keys);
    if (depth === table.by.length) {
      const cell = leaf(node, here, keys, at, path);
      if (cell) entries.set(keys.join('\0'), { values: dict(table.by.map((a, i) => [a, keys[i]!])), cell, origin: here });
      else problems.push(error('bad-table-entry', `The entry ${describeCombination(table.by, keys)} of table "${name}" must be a text, or a mapping of column names to texts.`, { ...here, hint: `The table is indexed by ${table.by.join(', ')}: nest one mapping level per axis, then the value.` }));
      return;
    }
    if (!node || typeof node !== 'object' || Array.isArray(node)) {
      problems.push(error('bad-table-entry', `Table "${name}" is indexed by ${table.by.join(', ')}, but ${keys.length ? `the entry ${describeCombination(table.by.slice(0, keys.length), keys)}` : 'its entries'} stop${keys.length ? 's' : ''} at the ${table.by[depth]} level.`, { ...here, hint: `Give a mapping of ${table.by[depth]} values there (or "-" where ${table.by[depth]} does not apply).` }));
      return;
    }
    for (const [key, value] of Object.entries(node)) walk(value, depth + 1, [...keys, key]);
  };
  walk(table.entries, 0, []);
  return { name, by: [...table.by], entries, description: table.description, origin: at('tables', name) };
}

function leaf(node: unknown, origin: Origin, keys: string[], at: At, path: (string | number)[]): TableEntry['cell'] | undefined {
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return { text: String(node), origin };
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const columns = dict<Template>();
  for (const [column, value] of Object.entries(node)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    columns[column] = { text: String(value), origin: at(...path, ...keys, column) };
  }
  return columns;
}

function mergeSettings(into: Settings, input: Record<string, string | number | boolean> | undefined, at: At, path: string[], claim: (what: string, origin: Origin) => boolean): void {
  for (const [key, t] of Object.entries(settings(input, at, path))) {
    if (claim(`${path.join('.')}.${key}`, t.origin)) into[key] = t;
  }
}
