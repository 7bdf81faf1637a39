// plan: Matrix + Expansion -> the Bake model, and what each target is made of (see README.md).
import { posix } from 'node:path';
import { describeValues, type Cell, type Expansion, type LayerCell, type Values } from '../expand/index.ts';
import { error, type Problem, type Result } from '../problems/problem.ts';
import type { BakeFile, BakeTarget } from '../types/bake.ts';
import type { Matrix, Origin, Stage, Template, Variable } from '../types/matrix.ts';
import { planGroups, type GroupInfo } from './groups.ts';
import { platformLinkProblems } from './platform-links.ts';
import { capital } from '../problems/capital.ts';
import { entriesOf, firstPerPlace, secretSpec, sortKeys } from './shapes.ts';
import { imageReferenceProblem, NAME, sanitizeName } from './names.ts';
import { levelSettings, ownSettings, resolveSettings, type LevelInput, type ResolvedSettings } from './settings.ts';
import { applyCacheLayout, ownCache } from './cache-layout.ts';
import { sameJson } from './same-json.ts';
import { escapeBake, render, type Scope } from './template.ts';

export const COMMON_TARGET = '_common';

export interface TargetInfo {
  name: string;
  kind: 'common' | 'stage' | 'layer';
  stage?: string;
  layer?: string;
  values: Values;
  platforms: string[];
  /** The target it inherits. */
  parent?: string;
  /** Stage targets above it, root first. */
  ancestors: string[];
  /** Effective args and labels (inherited ones included), with their sources. */
  args: ResolvedSettings;
  labels: ResolvedSettings;
  tags: { bake: string; preview: string; origin: Origin }[];
  /** For a layer: the stage targets it is bound into. */
  usedBy: string[];
}

export interface Plan {
  bake: BakeFile;
  targets: Map<string, TargetInfo>;
  groups: Map<string, GroupInfo>;
  expansion: Expansion;
}

export function planBake(m: Matrix, expansion: Expansion): Result<Plan> {
  return new Planner(m, expansion).run();
}

class Planner {
  private readonly problems: Problem[] = [];
  private readonly reported = new Set<string>();
  private readonly variables: Map<string, Variable>;
  private readonly usedVariables = new Set<string>();
  private readonly targets = new Map<string, TargetInfo>();
  private readonly bakeTargets: Record<string, BakeTarget> = {};
  private readonly cellNames = new Map<Cell, string>();
  private readonly tagOwners = new Map<string, { target: string; origin: Origin }>();
  /** Bake content of each layer target, to share identical ones. */
  private readonly layerContent = new Map<string, BakeTarget>();

  constructor(
    private readonly m: Matrix,
    private readonly expansion: Expansion,
  ) {
    this.variables = new Map(m.variables.map((v) => [v.key, v]));
  }

  run(): Result<Plan> {
    this.planCommon();
    for (const cell of this.expansion.cells) this.planCell(cell);
    this.problems.push(...platformLinkProblems(this.bakeTargets, (name) => this.m.stages.find((s) => s.key === this.targets.get(name)?.stage)?.origin));
    const groups = planGroups(this.m, this.expansion, this.cellNames, this.targets, (p) => this.problems.push(p), (t, v) => this.scope(t, v));
    if (this.m.cache) applyCacheLayout(this.bakeTargets, this.m.cache.layout, (name) => this.isImage(name));
    if (this.problems.some((p) => p.severity === 'error')) return { ok: false, problems: firstPerPlace(this.problems) };
    const variable = Object.fromEntries(
      this.m.variables.filter((v) => this.usedVariables.has(v.env)).map((v) => [v.env, { default: escapeBake(v.default) }]),
    );
    const bake: BakeFile = {
      ...(Object.keys(variable).length ? { variable } : {}),
      group: Object.fromEntries([...groups.values()].map((g) => [g.name, { targets: g.targets }])),
      target: this.bakeTargets,
    };
    return { ok: true, value: { bake, targets: this.targets, groups, expansion: this.expansion }, warnings: this.problems };
  }

  /** A target of a default stage: an image users build (and the cache layout exports). */
  private isImage(name: string): boolean {
    const info = this.targets.get(name);
    return info?.kind === 'stage' && this.m.stages.some((s) => s.key === info.stage && s.isDefault);
  }

  private scope(targetName: string, values: Values, stage?: Stage): Scope {
    return {
      values: { ...values, matrix: this.m.name, target: targetName, ...(stage ? { stage: stage.key } : {}) },
      variables: this.variables,
    };
  }

  private unknownPlaceholder = (template: Template, names: string[], scope: Scope) => {
    const key = `${template.origin.file}#${template.origin.pointer}#${names.join()}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const available = [...Object.keys(scope.values), ...this.variables.keys()].sort();
    this.problems.push(
      error('unknown-placeholder', `Unknown placeholder ${names.map((n) => `{${n}}`).join(', ')} in "${template.text}".`, {
        file: template.origin.file,
        pointer: template.origin.pointer,
        hint: `Where this template is used, the placeholders are: ${available.map((n) => `{${n}}`).join(', ')}. Declare a run-time value under \`variables:\`, or write {{ for a literal brace.`,
      }),
    );
  };

  private renderTracked(template: Template, scope: Scope) {
    const result = render(template, scope);
    if (!result.ok) {
      this.unknownPlaceholder(template, result.unknown, scope);
      return undefined;
    }
    this.trackVariables(result.value.bake);
    return result.value;
  }

  private resolve(into: ResolvedSettings, list: Parameters<typeof resolveSettings>[1], scope: Scope): ResolvedSettings {
    resolveSettings(into, list, scope, (t, names) => this.unknownPlaceholder(t, names, scope));
    for (const { key } of list) if (into[key]) this.trackVariables(into[key].bake);
    return into;
  }

  /** Only the variables some string uses are emitted. */
  private trackVariables(bake: string) {
    if (!bake.includes('${')) return;
    for (const v of this.variables.values()) if (bake.includes('${' + v.env + '}')) this.usedVariables.add(v.env);
  }

  /** Matrix-wide args and labels that read the same in every target live in one hidden target. */
  private planCommon() {
    const scope: Scope = { values: { matrix: this.m.name }, variables: this.variables };
    const args: ResolvedSettings = {};
    const labels: ResolvedSettings = {};
    const quiet = () => {};
    resolveSettings(args, entriesOf(this.m.args), scope, quiet);
    resolveSettings(labels, entriesOf(this.m.labels), scope, quiet);
    Object.values({ ...args, ...labels }).forEach((v) => this.trackVariables(v.bake));
    this.targets.set(COMMON_TARGET, { name: COMMON_TARGET, kind: 'common', values: {}, platforms: [], ancestors: [], args, labels, tags: [], usedBy: [] });
    const target: BakeTarget = {};
    const ownArgs = ownSettings(args, undefined);
    const ownLabels = ownSettings(labels, undefined);
    if (ownArgs) target.args = ownArgs;
    if (ownLabels) target.labels = ownLabels;
    if (this.m.secrets.length) target.secret = this.m.secrets.map(secretSpec);
    this.bakeTargets[COMMON_TARGET] = target;
  }

  private nameOf(template: Template, scope: Scope, what: () => string, origin: Origin): string | undefined {
    const rendered = this.renderTracked(template, scope);
    if (!rendered) return undefined;
    if (rendered.usesVariables) {
      this.problems.push(error('name-uses-variable', `The name template "${template.text}" of ${what()} uses a run-time variable; target names are fixed when the file is generated.`, { file: template.origin.file, pointer: template.origin.pointer }));
      return undefined;
    }
    const name = sanitizeName(rendered.preview);
    if (!NAME.test(name) || name.startsWith('-') || name.startsWith('_')) {
      this.problems.push(error('bad-name', `The name "${rendered.preview}" of ${what()} is not a usable bake target name.`, { file: origin.file, pointer: origin.pointer, hint: 'Names are letters, digits, "_" and "-", and start with a letter or digit.' }));
      return undefined;
    }
    return name;
  }

  /** The settings a target at the end of `levels` ends up with, rendered in its own scope. */
  private intended(levels: { input: LevelInput; values: Values }[], scope: Scope) {
    const args = this.resolve({}, entriesOf(this.m.args), scope);
    const labels = this.resolve({}, entriesOf(this.m.labels), scope);
    for (const { input, values } of levels) {
      const level = levelSettings(this.m, input, values);
      this.resolve(args, level.args, scope);
      this.resolve(labels, level.labels, scope);
    }
    return { args, labels };
  }

  private chainOf(cell: Cell): Cell[] {
    const chain: Cell[] = [];
    for (let c: Cell | undefined = cell; c; c = c.parent) chain.unshift(c);
    return chain;
  }

  private levelOf(cell: Cell): { input: LevelInput; values: Values } {
    return {
      input: { stage: cell.stage, axes: cell.stage.axes, above: cell.parent?.stage.axes ?? [], own: { args: cell.stage.args, labels: cell.stage.labels } },
      values: cell.values,
    };
  }

  /** `target:` contexts for every stage above, their layers, and `extra` (own layers). */
  private contextsOf(ancestors: Cell[], extra: Record<string, string> = {}): Record<string, string> {
    const contexts: Record<string, string> = {};
    for (const a of ancestors) {
      contexts[a.stage.target] = `target:${this.cellNames.get(a)}`;
      for (const layer of a.layers) {
        const name = this.layerNames.get(layer);
        if (name) contexts[layer.layer.target] = `target:${name}`;
      }
    }
    return { ...contexts, ...extra };
  }

  private readonly layerNames = new Map<LayerCell, string>();

  private readonly locations = new Map<Stage, { context: string; dockerfile: string }>();

  /** Once per stage, not per target (path.relative is slow). */
  private location(stage: Stage): { context: string; dockerfile: string } {
    let location = this.locations.get(stage);
    if (!location) {
      const context = stage.context;
      location = { context, dockerfile: posix.relative(posix.normalize(context), posix.normalize(stage.dockerfile)) || stage.dockerfile };
      this.locations.set(stage, location);
    }
    return location;
  }

  private planCell(cell: Cell) {
    const { stage } = cell;
    const what = () => `stage "${stage.key}" (${describeValues(cell.values)})`;
    const name = this.nameOf(stage.name, this.scope('', cell.values, stage), what, stage.origin);
    if (!name) return;
    const parentName = cell.parent ? this.cellNames.get(cell.parent) : COMMON_TARGET;
    if (!parentName) return; // the parent failed; its problem is reported, and its children are skipped
    if (!this.claimName(name, what, stage.origin)) return;
    this.cellNames.set(cell, name);
    const chain = this.chainOf(cell);
    const ancestors = chain.slice(0, -1);
    const scope = this.scope(name, cell.values, stage);
    const { args, labels } = this.intended(chain.map((c) => this.levelOf(c)), scope);

    const ownLayers: Record<string, string> = {};
    for (const layerCell of cell.layers) {
      const layerName = this.planLayer(layerCell, ancestors, name);
      if (layerName) ownLayers[layerCell.layer.target] = `target:${layerName}`;
    }
    const tags = stage.tags.flatMap((t) => {
      const rendered = this.renderTracked(t, scope);
      return rendered ? [{ ...rendered, origin: t.origin }] : [];
    });
    tags.forEach((t) => this.checkTag(t, name));
    const parentInfo = this.targets.get(parentName)!;
    const target = this.baseTarget(parentName, stage, cell.stage.target, cell.platforms, scope, cell.parent?.stage);
    const contexts = this.contextsOf(ancestors, ownLayers);
    if (Object.keys(contexts).length) target.contexts = contexts;
    const ownArgs = ownSettings(args, parentInfo.args);
    const ownLabels = ownSettings(labels, parentInfo.labels);
    if (ownArgs) target.args = ownArgs;
    if (ownLabels) target.labels = ownLabels;
    if (tags.length || parentInfo.tags.length) target.tags = tags.map((t) => t.bake);
    if (stage.secrets.length) target.secret = stage.secrets.map(secretSpec);
    this.bakeTargets[name] = sortKeys(target);
    this.targets.set(name, {
      name,
      kind: 'stage',
      stage: stage.key,
      values: cell.values,
      platforms: cell.platforms,
      parent: parentName,
      ancestors: ancestors.map((a) => this.cellNames.get(a)!),
      args,
      labels,
      tags,
      usedBy: [],
    });
  }

  /** Attributes every built target sets itself, since bake replaces rather than merges them. */
  private baseTarget(parent: string, stage: Stage, dockerfileTarget: string, platforms: string[], scope: Scope, parentStage: Stage | undefined): BakeTarget {
    const target: BakeTarget = { inherits: [parent], target: dockerfileTarget, platforms };
    const here = this.location(stage);
    const above = parentStage ? this.location(parentStage) : undefined;
    if (here.context !== above?.context) target.context = here.context;
    if (here.dockerfile !== above?.dockerfile || here.context !== above?.context) target.dockerfile = here.dockerfile;
    const cache = this.m.cache;
    if (cache) {
      const ref = this.renderTracked(cache.ref, scope);
      const fallback = cache.fallback.map((t) => this.renderTracked(t, scope)).filter((r) => r !== undefined);
      if (ref) Object.assign(target, ownCache(cache, ref.bake, fallback.map((r) => r.bake)));
    }
    return target;
  }

  private planLayer(layerCell: LayerCell, ancestors: Cell[], consumer: string): string | undefined {
    const { stage, layer, parent } = layerCell;
    // Descriptions for messages are built only when a message needs one.
    const what = () => `layer "${layer.key}" of stage "${stage.key}" (${describeValues(layerCell.values)})`;
    const nameScope = this.scope('', layerCell.values, stage);
    const name = this.nameOf(layer.name, { ...nameScope, values: { ...nameScope.values, layer: layer.key } }, what, layer.origin);
    if (!name) return undefined;
    const parentName = parent ? this.cellNames.get(parent) : COMMON_TARGET;
    if (!parentName) return undefined;
    const scope = this.scope(name, layerCell.values, stage);
    const levels = ancestors.map((c) => this.levelOf(c));
    levels.push({ input: { stage, axes: layer.axes, above: parent?.stage.axes ?? [], own: { args: layer.args, labels: {} } }, values: layerCell.values });
    const { args, labels } = this.intended(levels, scope);
    const parentInfo = this.targets.get(parentName)!;
    const target = this.baseTarget(parentName, stage, layer.target, layerCell.platforms, scope, parent?.stage);
    const contexts = this.contextsOf(ancestors);
    if (Object.keys(contexts).length) target.contexts = contexts;
    const ownArgs = ownSettings(args, parentInfo.args);
    const ownLabels = ownSettings(labels, parentInfo.labels);
    if (ownArgs) target.args = ownArgs;
    if (ownLabels) target.labels = ownLabels;
    if (parentInfo.tags.length) target.tags = [];
    const sorted = sortKeys(target);
    const existing = this.layerContent.get(name);
    if (existing !== undefined) {
      if (!sameJson(existing, sorted)) {
        this.problems.push(error('layer-collision', `Two cells need different "${name}" targets for ${what()}: their layer inputs differ but the name is the same.`, {
          file: layer.origin.file,
          pointer: layer.origin.pointer,
          hint: `Add the axes its inputs vary over to the layer's \`axes\` (now: ${layer.axes.join(', ') || 'none'}) or give it a \`name\` template that tells them apart.`,
        }));
        return undefined;
      }
      this.targets.get(name)!.usedBy.push(consumer);
      this.layerNames.set(layerCell, name);
      return name;
    }
    if (!this.claimName(name, what, layer.origin)) return undefined;
    this.layerContent.set(name, sorted);
    this.bakeTargets[name] = sorted;
    this.layerNames.set(layerCell, name);
    this.targets.set(name, {
      name,
      kind: 'layer',
      stage: stage.key,
      layer: layer.key,
      values: layerCell.values,
      platforms: layerCell.platforms,
      parent: parentName,
      ancestors: ancestors.map((a) => this.cellNames.get(a)!),
      args,
      labels,
      tags: [],
      usedBy: [consumer],
    });
    return name;
  }

  private readonly nameOwners = new Map<string, { what: () => string; origin: Origin }>();

  private claimName(name: string, what: () => string, origin: Origin): boolean {
    const owner = this.nameOwners.get(name);
    if (owner) {
      this.problems.push(error('name-collision', `${capital(what())} and ${owner.what()} both get the target name "${name}".`, {
        file: origin.file,
        pointer: origin.pointer,
        hint: 'Give one of the stages a `name` template that includes the axes that tell them apart.',
      }));
      return false;
    }
    this.nameOwners.set(name, { what, origin });
    return true;
  }

  private checkTag(tag: { preview: string; bake: string; origin: Origin }, target: string) {
    const problem = imageReferenceProblem(tag.preview);
    if (problem) {
      this.problems.push(error('bad-tag', `The tag "${tag.preview}" of target "${target}" is not a valid image reference: ${problem}.`, {
        file: tag.origin.file,
        pointer: tag.origin.pointer,
        hint: 'Tags are [registry/]name[:tag]; names are lower-case. Variables are checked at their defaults.',
      }));
      return;
    }
    const owner = this.tagOwners.get(tag.bake);
    if (owner && owner.target !== target) {
      this.problems.push(error('duplicate-tag', `Targets "${owner.target}" and "${target}" would both push the tag "${tag.preview}".`, {
        file: tag.origin.file,
        pointer: tag.origin.pointer,
        hint: 'Put the axes that tell the targets apart into the tag template.',
      }));
      return;
    }
    this.tagOwners.set(tag.bake, { target, origin: tag.origin });
  }
}
