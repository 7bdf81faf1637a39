// plan: Matrix + Expansion -> the Bake model, and what each target is made of (see README.md).
import { describeValues, type Cell, type Expansion, type LayerCell, type Values } from '../expand/index.ts';
import { capital } from '../problems/capital.ts';
import { error, type Problem, type Result } from '../problems/problem.ts';
import type { BakeFile, BakeTarget } from '../types/bake.ts';
import type { CacheSpec, Matrix, Origin, Secret, Stage, Template } from '../types/matrix.ts';
import { cellScope, escapeBake, type CellInput, matrixNames, render, RenderBudget, type Lookup, type MatrixNames, type RenderProblem, type Scope } from '../template/index.ts';
import { CacheWriters, planCache } from './cache.ts';
import { applyCacheLayout } from './cache-layout.ts';
import { baseImageKey } from './image-key.ts';
import { isDefaultTarget, planGroups, type GroupInfo } from './groups.ts';
import { NAME, sanitizeName } from './names.ts';
import { locationOf, namedContexts, type Location, type NamedContext } from './paths.ts';
import { differentPlatformSets, platformLinkProblems } from './platform-links.ts';
import { ArgResolver, levelSettings, ownSettings, renderSettings, winners, type Keyed, type LevelInput, type ResolvedSettings, type TemplateProblemSink } from './settings.ts';
import { sameJson } from './same-json.ts';
import { entriesOf, firstPerPlace, secretSpec, sortTargetKeys } from './shapes.ts';
import { renderTags, TagOwners, tagSpecsOf, type PlannedTag } from './tags.ts';
import { planOutputs } from './outputs.ts';
import { assignOsVersions, sharedTagProblems } from './shared-tags.ts';
import { TemplateProblems } from './template-problems.ts';
import { namedVariables, usedVariables } from './used-variables.ts';
import { renderReference } from './reference-sample.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { PerPlatform } from './per-platform.ts';
import { DEFAULT_LIMITS, type Limits } from '../load/limits.ts';
import { define, dict, plain } from '../dict.ts';

export const COMMON_TARGET = '_common';

/** A Dockerfile stage name (`FROM ... AS <name>`), as a rendered `target` must be. */
const DOCKERFILE_STAGE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

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
  tags: PlannedTag[];
  /** Tags that read {inputs}: not in the bake file; run and ci render them (src/inputs/content-tags.ts). */
  contentTags?: PlannedTag[];
  /** For a layer: the stage targets it is bound into. */
  usedBy: string[];
  /** Where it builds (stage and layer targets). */
  location?: Location;
  /** The upstream image its parent Dockerfile stage is replaced by. */
  image?: { as: string; bake: string; preview: string; origin: Origin };
  /** Named contexts the stage declares (`contexts:`). */
  namedContexts?: Record<string, NamedContext>;
  /** The OCI os.version of its windows/* images, from its values' `os_version` (shared-tags.ts). */
  osVersion?: string;
  /** The Dockerfile stage it builds (its stage's `target`, rendered); undefined: the last one. */
  dockerTarget?: string;
}

export interface Plan {
  bake: BakeFile;
  targets: Map<string, TargetInfo>;
  groups: Map<string, GroupInfo>;
  expansion: Expansion;
  /** With `ci:`: the per-platform targets and groups (per-platform.ts). */
  perPlatform?: PerPlatform;
}

export function planBake(m: Matrix, expansion: Expansion, limits: Pick<Limits, 'valueLength' | 'renderWork' | 'templateChain'> = DEFAULT_LIMITS): Result<Plan> {
  return new Planner(m, expansion, new RenderBudget(limits)).run();
}

class Planner {
  private readonly problems: Problem[] = [];
  private readonly names: MatrixNames;
  private readonly templates: TemplateProblems;
  private readonly targets = new Map<string, TargetInfo>();
  private readonly bakeTargets: Record<string, BakeTarget> = dict();
  private readonly cellNames = new Map<Cell, string>();
  private readonly layerNames = new Map<LayerCell, string>();
  /** Each target name's owner: its cell (held by the expansion anyway), described only for a message. */
  private readonly nameOwners = new Map<string, Cell | LayerCell>();
  private readonly tagOwners: TagOwners;
  private readonly cacheWriters = new CacheWriters();
  /** The platform lists of the multi-platform targets (cells without a restriction share one): links are checked only when they hold different sets. */
  private readonly platformLists = new Set<readonly string[]>();
  /** Targets with an `output` of their own or inherited: the targets built on them reset it. */
  private readonly withOutput = new Set<string>();
  private readonly stages: Map<string, Stage>;
  private readonly matrixArgs: Keyed[];
  private readonly matrixLabels: Keyed[];

  constructor(
    private readonly m: Matrix,
    private readonly expansion: Expansion,
    private readonly budget: RenderBudget,
  ) {
    this.names = matrixNames(m);
    this.templates = new TemplateProblems(this.problems, this.names);
    this.tagOwners = new TagOwners(m.variables);
    this.stages = new Map(m.stages.map((s) => [s.key, s]));
    this.matrixArgs = entriesOf(m.args);
    this.matrixLabels = entriesOf(m.labels);
    const parentCells = new Set<Cell>();
    for (const cell of expansion.cells) if (cell.parent) parentCells.add(cell.parent);
    this.parentCells = parentCells;
  }

  run(): Result<Plan> {
    this.planCommon();
    for (const cell of this.expansion.cells) {
      this.planCell(cell);
      if (this.budget.exhausted) return { ok: false, problems: firstPerPlace(this.problems) };
    }
    this.checkContextTargets();
    this.problems.push(...assignOsVersions(this.m, this.targets), ...sharedTagProblems(this.targets));
    if (differentPlatformSets(this.platformLists)) this.problems.push(...platformLinkProblems(this.bakeTargets, (name) => this.stages.get(this.targets.get(name)?.stage ?? '')?.origin));
    const groups = planGroups(this.m, this.expansion, this.cellNames, this.targets, this.addProblem, (target, cell) => this.scope(cell.stage, cell.values, { target }));
    if (this.m.cache) applyCacheLayout(this.bakeTargets, this.m.cache.layout, (name) => this.isImage(name));
    if (this.problems.some((p) => p.severity === 'error')) return { ok: false, problems: firstPerPlace(this.problems) };
    const used = usedVariables(this.bakeTargets, new Set(namedVariables(this.m).map((v) => v.env)));
    const variable = dict(this.m.variables.filter((v) => used.has(v.env)).map((v) => [v.env, { default: escapeBake(v.default) }]));
    const bake: BakeFile = {
      ...(Object.keys(variable).length ? { variable } : {}),
      group: dict([...groups.values()].map((g) => [g.name, { targets: g.targets }])),
      target: this.bakeTargets,
    };
    return { ok: true, value: { bake, targets: this.targets, groups, expansion: this.expansion }, warnings: this.problems };
  }

  /** A `target:` named context must link a target of the generated file (buildx fails late, per target, on one that is not). */
  private checkContextTargets() {
    for (const info of this.targets.values()) {
      for (const [key, context] of Object.entries(info.namedContexts ?? {})) {
        if (context.target === undefined || this.bakeTargets[context.target]) continue;
        this.problems.push(error('unknown-context-target', `The named context "${key}" of "${info.name}" links "target:${context.target}", which is not a target of the generated file.${didYouMean(context.target, Object.keys(this.bakeTargets).filter((n) => n !== COMMON_TARGET))}`, {
          file: context.origin.file,
          pointer: context.origin.pointer,
          hint: `Link a generated target (\`bake-matrix list\` names them), or let bake-matrix bind the stage: \`from: <stage>\` binds every stage above as a target: context.`,
        }));
      }
    }
  }

  /** A target of a default stage: an image users build (and the cache layout exports). */
  private isImage(name: string): boolean {
    const info = this.targets.get(name);
    const stage = info?.kind === 'stage' ? this.stages.get(info.stage ?? '') : undefined;
    return stage !== undefined && isDefaultTarget(stage, info);
  }

  /** The scope of templates on one target: its values, the built-ins known there, and (for settings) its args. */
  private scope(stage: Stage | undefined, values: Values, builtins: { target?: string; layer?: string }, arg?: (name: string) => Lookup, varies?: string[]): Scope {
    const known: Record<string, string> = { matrix: this.m.name };
    if (builtins.target !== undefined) known.target = builtins.target;
    if (stage) known.stage = stage.key;
    if (builtins.layer) known.layer = builtins.layer;
    const input: CellInput = { values, varies: varies ?? stage?.axes ?? [], budget: this.budget, builtins: known };
    if (arg) input.arg = arg;
    return cellScope(this.names, input);
  }

  private readonly addProblem = (p: Problem) => {
    this.problems.push(p);
  };

  private report = (scope: Scope) => (template: Template, problems: RenderProblem[]) => this.templates.report(template, problems, scope);

  /** Matrix-wide args and labels that read the same in every target live in one hidden target. */
  private planCommon() {
    const quiet = () => {};
    const scope = this.scope(undefined, dict(), {});
    const args = renderSettings(winners(new Map(), entriesOf(this.m.args)), scope, quiet);
    const labels = renderSettings(winners(new Map(), entriesOf(this.m.labels)), scope, quiet);
    this.targets.set(COMMON_TARGET, { name: COMMON_TARGET, kind: 'common', values: dict(), platforms: [], ancestors: [], args, labels, tags: [], usedBy: [] });
    const target: BakeTarget = {};
    const ownArgs = ownSettings(args, undefined);
    const ownLabels = ownSettings(labels, undefined);
    if (ownArgs) target.args = ownArgs;
    if (ownLabels) target.labels = ownLabels;
    if (this.m.secrets.length) target.secret = this.m.secrets.map(secretSpec);
    this.bakeTargets[COMMON_TARGET] = target;
  }

  private nameOf(template: Template, scope: Scope, owner: Cell | LayerCell): string | undefined {
    const result = render(template, scope);
    if (!result.ok) {
      this.templates.report(template, result.problems, scope);
      return undefined;
    }
    if (result.value.usesVariables) {
      this.problems.push(error('name-uses-variable', `The name template "${template.text}" of ${describeOwner(owner)} uses a run-time variable; target names are fixed when the file is generated.`, { file: template.origin.file, pointer: template.origin.pointer }));
      return undefined;
    }
    const name = sanitizeName(result.value.preview);
    if (!NAME.test(name) || name.startsWith('-') || name.startsWith('_')) {
      this.problems.push(error('bad-name', `The name "${result.value.preview}" of ${describeOwner(owner)} is not a usable bake target name.`, { file: ownerOrigin(owner).file, pointer: ownerOrigin(owner).pointer, hint: 'Names are letters, digits, "_" and "-", and start with a letter or digit.' }));
      return undefined;
    }
    return name;
  }

  private claimName(name: string, claimant: Cell | LayerCell): boolean {
    const owner = this.nameOwners.get(name);
    if (owner) {
      const origin = ownerOrigin(claimant);
      this.problems.push(error('name-collision', `${capital(describeOwner(claimant))} and ${describeOwner(owner)} both get the target name "${name}".`, {
        file: origin.file,
        pointer: origin.pointer,
        hint: 'Give one of the stages a `name` template that includes the axes that tell them apart.',
      }));
      return false;
    }
    this.nameOwners.set(name, claimant);
    return true;
  }

  /** The winning templates of the matrix and the levels of a cell's chain: worked out once per cell, and kept for the cells below one (read only). */
  private readonly chainWinners = new Map<Cell | undefined, ChainWinners>();
  /** Cells with a cell below them: only their winners are read again (a leaf's would be kept for nothing, and most cells are leaves). */
  private readonly parentCells: ReadonlySet<Cell>;

  private winnersOf(cell: Cell | undefined): ChainWinners {
    const kept = !cell || this.parentCells.has(cell);
    let found = kept ? this.chainWinners.get(cell) : undefined;
    if (!found) {
      if (!cell) found = { args: winners(new Map(), this.matrixArgs), labels: winners(new Map(), this.matrixLabels) };
      else {
        const above = this.winnersOf(cell.parent);
        const input: LevelInput = { stage: cell.stage, axes: cell.stage.axes, above: cell.parent?.stage.axes ?? [], own: { args: cell.stage.args, labels: cell.stage.labels } };
        const level = levelSettings(this.m, input, cell.values);
        found = { args: withLevel(above.args, level.args), labels: withLevel(above.labels, level.labels) };
        if (!kept) return found;
      }
      this.chainWinners.set(cell, found);
    }
    return found;
  }

  /**
   * The args and labels a target with these winning templates ends up with, rendered
   * in its own scope, where `{arg:NAME}` reads the target's final args.
   */
  private intended(chain: ChainWinners, stage: Stage, values: Values, builtins: { target: string; layer?: string }, varies: string[], fixed?: Map<string, { lookup: Lookup; origin: Origin }>) {
    let args: ReadonlyMap<string, Keyed> = chain.args;
    const labels = chain.labels;
    if (fixed) {
      const unfixed = new Map(chain.args);
      for (const key of fixed.keys()) unfixed.delete(key);
      args = unfixed;
    }
    let scope!: Scope;
    // One reporter per target: its settings, paths, contexts, cache and outputs report through it.
    const report = (t: Template, p: RenderProblem[]) => this.templates.report(t, p, scope);
    const resolver = new ArgResolver(args, report, fixed);
    scope = this.scope(stage, values, builtins, resolver.lookup, varies);
    resolver.scope = scope;
    return { args: resolver.renderAll(), labels: renderSettings(labels, scope, report), scope, report };
  }

  /** Ancestors whose Dockerfile stages a target binds: up to the first one reached through a tag or an image. */
  private bound(ancestors: Cell[]): Cell[] {
    const out: Cell[] = [];
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i]!;
      out.unshift(a);
      if (a.fromArg || a.image) break;
    }
    return out;
  }

  /** The contexts of the stages bound above, by the last of them: every target below one cell binds the same. */
  private readonly boundContexts = new Map<Cell, Record<string, string>>();

  /** The contexts of the stages bound above a target with these ancestors (undefined: none above it). */
  private boundAbove(ancestors: Cell[]): Record<string, string> | undefined {
    const last = ancestors[ancestors.length - 1];
    if (!last) return undefined;
    let above = this.boundContexts.get(last);
    if (!above) this.boundContexts.set(last, (above = this.contextsAbove(ancestors)));
    return above;
  }

  /** `target:` contexts for every stage bound above (and their layers, `above`: boundAbove), `docker-image://` for image bases, then `extra`. */
  private contextsOf(above: Record<string, string> | undefined, extra: Record<string, string> = dict()): Record<string, string> {
    if (!above) return plain(extra);
    // As a plain object (what the bake target holds), each key once in its first place: those above, then `extra`, which wins.
    const out: Record<string, string> = {};
    for (const key in above) define(out, key, Object.hasOwn(extra, key) ? extra[key]! : above[key]!);
    for (const key in extra) if (!Object.hasOwn(above, key)) define(out, key, extra[key]!);
    return out;
  }

  /** Stages already told of a bound-name clash (target-reused, context-name-taken): once per stage, not per target. */
  private readonly boundClashReported = new Set<string>();

  /**
   * The names a target binds from above (its ancestors' Dockerfile stages and layers, as rendered for this
   * target) and its own layers must not be its own Dockerfile stage (the build would depend on itself) nor
   * the name of one of its named contexts (one of the two would be lost). Compared per rendered name:
   * `target: "{framework}"` above and `target: vllm` below clash in the vllm targets only.
   */
  private checkBoundNames(stage: Stage, name: string, dockerTarget: string | undefined, named: Record<string, { origin: Origin }>, above: Record<string, string> | undefined, layers: readonly LayerCell[]): void {
    const bound = (key: string): string | undefined => {
      const layer = layers.find((l) => l.layer.target === key);
      if (layer) return `its layer "${layer.layer.key}"`;
      const value = above?.[key];
      return value?.startsWith('target:') ? `"${value.slice('target:'.length)}" above it` : undefined;
    };
    const once = (code: string) => {
      const key = `${code}\0${stage.key}`;
      if (this.boundClashReported.has(key)) return false;
      this.boundClashReported.add(key);
      return true;
    };
    const clash = dockerTarget === undefined ? undefined : bound(dockerTarget);
    if (clash && once('target-reused')) {
      const origin = stage.targetTemplate?.origin ?? { file: stage.origin.file, pointer: `${stage.origin.pointer}/target` };
      this.problems.push(error('target-reused', `Stage "${stage.key}" builds the Dockerfile stage "${dockerTarget}" for "${name}", which ${clash} also builds; bake binds that one as a \`target:\` context under the same name, so the build would depend on itself.`, {
        file: origin.file,
        pointer: origin.pointer,
        hint: 'Give each stage and layer of a chain its own Dockerfile stage (compared as rendered for each target).',
      }));
    }
    for (const [key, context] of Object.entries(named)) {
      const taken = bound(key);
      if (taken && once(`context-name-taken\0${key}`)) {
        this.problems.push(error('context-name-taken', `The named context "${key}" of stage "${stage.key}" has the name of the Dockerfile stage that ${taken} builds for "${name}", which bake-matrix binds as a \`target:\` context.`, {
          file: context.origin.file,
          pointer: context.origin.pointer,
          atKey: true,
          hint: 'Rename the context (and the Dockerfile line that uses it).',
        }));
      }
    }
  }

  private contextsAbove(ancestors: Cell[]): Record<string, string> {
    const contexts = dict<string>();
    for (const a of this.bound(ancestors)) {
      const image = this.targets.get(this.cellNames.get(a)!)?.image;
      if (image) contexts[image.as] = `docker-image://${image.bake}`;
      const dockerTarget = this.targets.get(this.cellNames.get(a)!)?.dockerTarget;
      if (dockerTarget) contexts[dockerTarget] = `target:${this.cellNames.get(a)}`;
      for (const layer of a.layers) {
        const name = this.layerNames.get(layer);
        if (name) contexts[layer.layer.target] = `target:${name}`;
      }
    }
    return contexts;
  }

  private planCell(cell: Cell) {
    const { stage } = cell;
    const name = this.nameOf(stage.name, this.scope(stage, cell.values, { target: '' }), cell);
    if (!name) return;
    const parentName = cell.parent ? this.cellNames.get(cell.parent) : COMMON_TARGET;
    if (!parentName) return; // the parent failed; its problem is reported, and its children are skipped
    if (!this.claimName(name, cell)) return;
    const chain: Cell[] = [];
    for (let c: Cell | undefined = cell; c; c = c.parent) chain.unshift(c);
    const ancestors = chain.slice(0, -1);
    const parentInfo = this.targets.get(parentName)!;
    const fromArg = cell.fromArg;
    const fromTag = fromArg ? this.parentTag(stage, fromArg, parentInfo) : undefined;
    if (fromArg && !fromTag) return;
    const fixed = fromTag ? new Map([[fromArg!.name, { lookup: { kind: 'pieces', pieces: fromTag.pieces, source: { placeholder: `{arg:${fromArg!.name}}`, what: `the first tag of "${parentName}"`, origin: fromTag.origin } } as Lookup, origin: fromArg!.origin }]]) : undefined;
    const { args, labels, scope, report } = this.intended(this.winnersOf(cell), stage, cell.values, { target: name }, stage.axes, fixed);
    const location = locationOf(stage.dockerfile, stage.context, scope, report, this.problems);
    const dockerTarget = this.dockerTargetOf(stage, scope);
    if (!dockerTarget.ok) return;
    const image = cell.image ? this.imageOf(cell, scope) : undefined;
    this.cellNames.set(cell, name);
    /** Contexts of its own: its layers, then its named contexts, its image base or its parent's tag. */
    const own = dict<string>();
    for (const layerCell of cell.layers) {
      const layerName = this.planLayer(layerCell, ancestors, name, cell, image);
      if (layerName) own[layerCell.layer.target] = `target:${layerName}`;
    }
    const rendered = renderTags(tagSpecsOf(this.m, stage, cell.values), scope, (t, p) => this.templates.report(t.template, p, scope), this.problems);
    for (const tag of rendered) {
      const problem = this.tagOwners.check(tag, name);
      if (problem) this.problems.push(problem);
    }
    // Content tags ({inputs}) stay out of the bake file: run and ci render them (src/inputs/content-tags.ts).
    const tags = rendered.filter((t) => !t.content);
    const contentTags = rendered.filter((t) => t.content);
    if (contentTags.length && !tags.some((t) => !t.shared)) {
      const first = contentTags[0]!;
      if (!this.problems.some((q) => q.code === 'content-tag-alone' && q.file === first.origin.file && q.pointer === first.origin.pointer)) {
        this.problems.push(error('content-tag-alone', `Target "${name}" has a content tag ("${first.template}") but no other tag: its image would be pushed only where --skip-built renders that tag, and plain bake would build it untagged.`, {
          file: first.origin.file,
          pointer: first.origin.pointer,
          hint: 'Give the stage a tag without {inputs} as well (e.g. "{registry}/{framework}:{version}"): the content tag is pushed beside it.',
        }));
      }
    }
    const named = namedContexts(stage.contexts, scope, report, this.problems);
    const info: TargetInfo = {
      name,
      kind: 'stage',
      stage: stage.key,
      values: cell.values,
      platforms: this.m.platformsDeclared ? cell.platforms : [],
      parent: parentName,
      ancestors: ancestors.map((a) => this.cellNames.get(a)!),
      args,
      labels,
      tags,
      ...(contentTags.length ? { contentTags } : {}),
      usedBy: [],
    };
    // The optional keys in this order, only when set (as spreads would, without their objects).
    if (location) info.location = location;
    if (image) info.image = image;
    if (Object.keys(named).length) info.namedContexts = named;
    if (dockerTarget.value !== undefined) info.dockerTarget = dockerTarget.value;
    this.targets.set(name, info);
    // On its parent's tag, a target is an image of its own: it inherits `_common` (the args and labels of
    // its chain it sets itself), so no context, Dockerfile or tag reset of the parent's reaches it through bake.
    const inherited = fromTag ? COMMON_TARGET : parentName;
    const inheritedInfo = fromTag ? this.targets.get(COMMON_TARGET)! : parentInfo;
    const target = this.baseTarget(inherited, inheritedInfo.location, dockerTarget.value, cell.platforms, scope, report, location, stage.cache, name);
    for (const [key, context] of Object.entries(named)) own[key] = context.value;
    if (image) own[image.as] = `docker-image://${image.bake}`;
    if (fromTag) own[fromTag.key] = `target:${parentName}`;
    const above = fromTag ? undefined : this.boundAbove(ancestors);
    const contexts = fromTag ? plain(own) : this.contextsOf(above, own);
    this.checkBoundNames(stage, name, dockerTarget.value, named, above, cell.layers);
    if (Object.keys(contexts).length) target.contexts = contexts;
    const ownArgs = ownSettings(args, inheritedInfo.args);
    const ownLabels = ownSettings(labels, inheritedInfo.labels);
    if (ownArgs) target.args = ownArgs;
    if (ownLabels) target.labels = ownLabels;
    const pushed = tags.filter((t) => !t.shared);
    if (pushed.length || inheritedInfo.tags.some((t) => !t.shared)) target.tags = pushed.map((t) => t.bake);
    const secrets = fromTag ? chainSecrets(chain.map((c) => c.stage)) : stage.secrets;
    if (secrets.length) target.secret = secrets.map(secretSpec);
    const outputs = planOutputs(this.m, stage, cell.values, scope, report, this.problems);
    if (outputs.output?.length) this.withOutput.add(name);
    if (outputs.output?.length || this.withOutput.has(inherited)) target.output = outputs.output ?? [];
    if (outputs.annotations.length) target.annotations = outputs.annotations;
    this.bakeTargets[name] = sortTargetKeys(target);
  }

  /** `from: {stage, arg}`: the parent's first pushed tag, and the context key bake links it under. */
  private parentTag(stage: Stage, fromArg: { name: string; origin: Origin }, parent: TargetInfo): (PlannedTag & { key: string }) | undefined {
    const tag = parent.tags.find((t) => !t.shared && !t.if);
    if (!tag) {
      this.problems.push(error('parent-without-tag', `Stage "${stage.key}" takes its base image from the tag of "${parent.name}" (arg ${fromArg.name}), but "${parent.name}" has no tag.`, {
        file: fromArg.origin.file,
        pointer: fromArg.origin.pointer.replace(/\/arg$/, ''),
        hint: `Give stage "${parent.stage}" a \`tags\` entry, or use \`from: ${parent.stage}\` to bind it as a Dockerfile stage.`,
      }));
      return undefined;
    }
    const key = baseImageKey(tag.bake, tag.preview);
    if (!key.ok) {
      this.problems.push(error('parent-tag-key', `The tag "${tag.preview}" of "${parent.name}" cannot name a bake context: ${key.reason}.`, { file: tag.origin.file, pointer: tag.origin.pointer, hint: key.hint }));
      return undefined;
    }
    return { ...tag, key: key.key };
  }

  /** The Dockerfile stage a cell builds: its stage's `target`, rendered in the cell's scope when it is a template. */
  private dockerTargetOf(stage: Stage, scope: Scope, quiet = false): { ok: true; value: string | undefined } | { ok: false } {
    const template = stage.targetTemplate;
    if (!template) return { ok: true, value: stage.target };
    const result = render(template, scope);
    if (!result.ok) {
      if (!quiet) this.templates.report(template, result.problems, scope);
      return { ok: false };
    }
    const at = { file: template.origin.file, pointer: template.origin.pointer };
    if (result.value.usesVariables) {
      if (!quiet) this.problems.push(error('target-uses-variable', `The target template "${template.text}" of stage "${stage.key}" uses a run-time variable; the Dockerfile stage is fixed when the file is generated (and checked then).`, { ...at, hint: 'Use axis values, their `vars` or tables in `target`.' }));
      return { ok: false };
    }
    const value = result.value.preview;
    if (!DOCKERFILE_STAGE.test(value)) {
      if (!quiet) this.problems.push(error('bad-target', `The target template "${template.text}" of stage "${stage.key}" gives "${value}", which is not a Dockerfile stage name.`, { ...at, hint: 'A Dockerfile stage name is letters, digits, "_", "." and "-", starting with a letter or digit.' }));
      return { ok: false };
    }
    return { ok: true, value };
  }

  private imageOf(cell: Cell, scope: Scope): TargetInfo['image'] | undefined {
    const base = cell.image!;
    const parentStage = cell.stage.from ? this.stages.get(cell.stage.from) : undefined;
    const parentTarget = parentStage ? this.dockerTargetOf(parentStage, scope, true) : undefined;
    const as = base.as ?? (parentTarget?.ok ? parentTarget.value : undefined);
    if (!as) {
      this.problems.push(error('image-without-stage', `The image base of stage "${cell.stage.key}" does not say which Dockerfile stage it stands in for.`, {
        file: base.origin.file,
        pointer: base.origin.pointer,
        hint: 'Add `as: <Dockerfile stage>`: the image replaces that stage (FROM <stage>) as a docker-image:// context.',
      }));
      return undefined;
    }
    const image = renderReference(base.image, scope, (t, problems) => this.templates.report(t, problems, scope), (text, why) =>
      this.problems.push(error('bad-image', `The image "${text}" that stage "${cell.stage.key}" builds on is not an image reference: ${why}.`, {
        file: base.image.origin.file,
        pointer: base.image.origin.pointer,
        hint: 'Write [registry/]name[:tag][@sha256:<64 hex>], e.g. nvcr.io/nvidia/cuda:12.9.1-devel-ubuntu24.04: it becomes a docker-image:// context.',
      })),
    );
    if (!image) return undefined;
    return { as, bake: image.bake, preview: image.preview, origin: base.image.origin };
  }

  /** Attributes every built target sets itself, since bake replaces rather than merges them. */
  private baseTarget(parent: string, above: Location | undefined, dockerfileTarget: string | undefined, platforms: string[], scope: Scope, report: TemplateProblemSink, location: Location | undefined, cache: CacheSpec | null, name: string): BakeTarget {
    // Platforms nothing declares are left to the builder (its own platform), as `docker buildx build` does.
    const target: BakeTarget = { inherits: [parent], ...(dockerfileTarget !== undefined ? { target: dockerfileTarget } : {}), ...(this.m.platformsDeclared ? { platforms } : {}) };
    if (this.m.platformsDeclared && platforms.length > 1) this.platformLists.add(platforms);
    if (location) {
      if (location.context !== above?.context) target.context = location.context;
      if (location.dockerfile !== above?.dockerfile || location.context !== above?.context) target.dockerfile = location.dockerfile;
    }
    if (cache) {
      const planned = planCache(cache, scope, report, this.addProblem);
      if (planned) {
        target['cache-from'] = planned.from;
        if (planned.to.length) {
          target['cache-to'] = planned.to;
          const problem = this.cacheWriters.claim(planned.to, name, cache);
          if (problem) this.problems.push(problem);
        }
      }
    }
    return target;
  }

  /** The inputs each layer target was planned from, by name. */
  private readonly layerInputs = new Map<string, LayerInputs>();

  private planLayer(layerCell: LayerCell, ancestors: Cell[], consumer: string, consumerCell: Cell, imageInfo: TargetInfo['image']): string | undefined {
    const { stage, layer, parent } = layerCell;
    const name = this.nameOf(layer.name, this.scope(stage, layerCell.values, { target: '', layer: layer.key }, undefined, layer.axes), layerCell);
    if (!name) return undefined;
    const parentName = parent ? this.cellNames.get(parent) : COMMON_TARGET;
    if (!parentName) return undefined;
    // Built from the stage's Dockerfile as its consumer sees it: consumers that disagree collide below.
    const consumerScope = this.scope(stage, consumerCell.values, { target: name });
    const location = locationOf(stage.dockerfile, stage.context, consumerScope, this.report(consumerScope), this.problems);
    // A layer shared by many cells is planned once per distinct input: the same inputs plan the same target, and its problems are reported once per place anyway.
    const inputs: LayerInputs = { layerCell, parentName, location, image: imageInfo };
    const planned = this.targets.get(name);
    if (planned?.kind === 'layer' && sameLayerInputs(this.layerInputs.get(name), inputs)) {
      planned.usedBy.push(consumer);
      this.layerNames.set(layerCell, name);
      return name;
    }
    // The winners of the chain above it (its consumer's ancestors, which end at its parent), then its own level.
    const above = this.winnersOf(ancestors[ancestors.length - 1]);
    const level = levelSettings(this.m, { stage, axes: layer.axes, above: parent?.stage.axes ?? [], own: { args: layer.args, labels: {} } }, layerCell.values);
    const chainWinners = { args: withLevel(above.args, level.args), labels: withLevel(above.labels, level.labels) };
    const { args, labels, scope, report } = this.intended(chainWinners, stage, layerCell.values, { target: name }, layer.axes);
    const parentInfo = this.targets.get(parentName)!;
    const target = this.baseTarget(parentName, parentInfo.location, layer.target, layerCell.platforms, scope, report, location, stage.cache, name);
    const contexts = this.contextsOf(this.boundAbove(ancestors), imageInfo ? dict([[imageInfo.as, `docker-image://${imageInfo.bake}`]]) : dict());
    if (Object.keys(contexts).length) target.contexts = contexts;
    const ownArgs = ownSettings(args, parentInfo.args);
    const ownLabels = ownSettings(labels, parentInfo.labels);
    if (ownArgs) target.args = ownArgs;
    if (ownLabels) target.labels = ownLabels;
    if (parentInfo.tags.some((t) => !t.shared)) target.tags = [];
    if (this.withOutput.has(parentName)) target.output = [];
    const sorted = sortTargetKeys(target);
    // Cells that need a layer target of one name share it when its content is the same (key order aside: both files sort keys).
    if (this.targets.get(name)?.kind === 'layer') {
      if (!sameJson(this.bakeTargets[name], sorted)) {
        this.problems.push(error('layer-collision', `Two cells need different "${name}" targets for ${describeOwner(layerCell)}: their layer inputs differ but the name is the same.`, {
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
    if (!this.claimName(name, layerCell)) return undefined;
    this.bakeTargets[name] = sorted;
    this.layerInputs.set(name, inputs);
    this.layerNames.set(layerCell, name);
    this.targets.set(name, {
      name,
      kind: 'layer',
      stage: stage.key,
      layer: layer.key,
      values: layerCell.values,
      platforms: this.m.platformsDeclared ? layerCell.platforms : [],
      parent: parentName,
      ancestors: ancestors.map((a) => this.cellNames.get(a)!),
      args,
      labels,
      tags: [],
      usedBy: [consumer],
      ...(location ? { location } : {}),
    });
    return name;
  }
}

/** What owns a target name, as a message names it: `stage "runtime" (cuda=cu129)`, `layer "torch" of stage "framework" (cuda=cu129)`. */
function describeOwner(owner: Cell | LayerCell): string {
  return 'layer' in owner ? `layer "${owner.layer.key}" of stage "${owner.stage.key}" (${describeValues(owner.values)})` : `stage "${owner.stage.key}" (${describeValues(owner.values)})`;
}

/** Where a target name's owner is written: its layer, or its stage. */
function ownerOrigin(owner: Cell | LayerCell): Origin {
  return 'layer' in owner ? owner.layer.origin : owner.stage.origin;
}

/** The winners above with a level's templates over them: the same (read only) map when the level sets none. */
function withLevel(above: ReadonlyMap<string, Keyed>, level: readonly Keyed[]): ReadonlyMap<string, Keyed> {
  return level.length ? winners(new Map(above), level) : above;
}

/** The winning template of each arg and label key, in the order keys first appear. */
interface ChainWinners {
  args: ReadonlyMap<string, Keyed>;
  labels: ReadonlyMap<string, Keyed>;
}

/**
 * Everything a layer target is planned from besides its name: its stage and layer, its values and platforms,
 * its parent (whose target fixes the ancestors, their contexts and what it inherits), and what its consumer
 * decides (where it builds, the image standing in for the parent).
 */
interface LayerInputs {
  layerCell: LayerCell;
  parentName: string;
  location: Location | undefined;
  image: TargetInfo['image'];
}

/** Whether two consumers plan a layer from the same inputs (compared in place: a shared layer is asked for by every consumer). */
function sameLayerInputs(a: LayerInputs | undefined, b: LayerInputs): boolean {
  if (!a) return false;
  const x = a.layerCell;
  const y = b.layerCell;
  return (
    x.stage === y.stage &&
    x.layer === y.layer &&
    a.parentName === b.parentName &&
    sameJson(x.platforms, y.platforms) &&
    a.location?.context === b.location?.context &&
    a.location?.dockerfile === b.location?.dockerfile &&
    a.image?.as === b.image?.as &&
    a.image?.bake === b.image?.bake &&
    sameJson(x.values, y.values)
  );
}

/** The stage secrets a chain's targets get through bake's inherits, for a target that inherits none of them: a deeper stage's id wins. */
function chainSecrets(stages: readonly Stage[]): Secret[] {
  const byId = new Map<string, Secret>();
  for (const stage of stages) for (const secret of stage.secrets) byId.set(secret.id, secret);
  return [...byId.values()];
}
