// Per-platform targets, for native builds in CI (`ci:` in the matrix): each
// target with platforms gets one target per platform, `<target>-<arch>`
// (vllm-cu129-runtime-arm64), and each group one group per platform,
// `<group>-<arch>` (vllm-cu129-arm64). A per-platform target
//
// - inherits its target, so args, labels, Dockerfile and secrets are the same;
// - builds that one platform, and links the same platform of every target it
//   links (`target:base-cu129-arm64`), so an arm64 job never builds amd64;
// - writes and reads its own cache ref (the cache templates with {target}
//   being its own name), so jobs of different platforms never write one ref,
//   and reads the per-platform refs of every target it links;
// - pushes by digest (`push-by-digest=true` to the repository of its first
//   tag, when pushed with --push) and has no tags: nothing appears under the
//   final tags until `bake-matrix manifest` merges the platforms. Targets
//   without tags write nothing but their cache (`type=cacheonly`).
//
// It works on the planned targets only, after the planner.
import { error, type Problem, type Result } from '../problems/problem.ts';
import type { BakeFile, BakeTarget } from '../types/bake.ts';
import type { Matrix, Origin, Stage } from '../types/matrix.ts';
import { cellScope, matrixNames, piecesToBake, RenderBudget, type Lookup, type Scope } from '../template/index.ts';
import { DEFAULT_LIMITS, type Limits } from '../load/limits.ts';
import { cacheRefCollision, cacheToOrigin, cacheWritten, planCache } from './cache.ts';
import type { Plan, TargetInfo } from './index.ts';
import { perPlatformName, repositoryOf } from './platform-name.ts';
import type { PlannedTag } from './tags.ts';
import { TemplateProblems } from './template-problems.ts';
import { originKey, targetList } from '../problems/target-list.ts';
import { runnerKeyOf } from './runner-of.ts';
import { sortKeys } from './shapes.ts';
import { dict, plain } from '../dict.ts';

export interface PerPlatform {
  /** Target -> platform -> its per-platform target. */
  targets: Map<string, Map<string, string>>;
  /** Group -> platform -> its per-platform group. */
  groups: Map<string, Map<string, string>>;
  /** Per-platform target -> what it builds. */
  of: Map<string, { target: string; platform: string }>;
  /** Platform -> runner (`runs-on`). */
  runners: Record<string, string | string[]>;
  maxJobs: number;
}

/** The output of a per-platform image: by digest, to the repository only. */
export const DIGEST_OUTPUT = 'push-by-digest=true,name-canonical=true';

export function planPerPlatform(m: Matrix, plan: Plan, limits: Pick<Limits, 'valueLength' | 'renderWork' | 'templateChain'> = DEFAULT_LIMITS): Result<Plan> {
  if (!m.ci) return { ok: true, value: plan, warnings: [] };
  return new PerPlatformPlanner(m, plan, new RenderBudget(limits)).run();
}

class PerPlatformPlanner {
  private readonly problems: Problem[] = [];
  private readonly names = new Map<string, string>();
  private readonly added: Record<string, BakeTarget> = dict();
  private readonly addedGroups: Record<string, { targets: string[] }> = dict();
  private readonly result: PerPlatform;
  private readonly templates: TemplateProblems;
  /** Per-platform target -> the cache-from entries of its own refs. */
  private readonly ownCacheFrom = new Map<string, string[]>();
  private readonly stages = new Map<string, Stage>();
  /** Tag entry -> the targets whose first tag has no repository of its own. */
  private readonly badRepositories = new Map<string, { tag: PlannedTag; targets: string[] }>();

  constructor(
    private readonly m: Matrix,
    private readonly plan: Plan,
    private readonly budget: RenderBudget,
  ) {
    this.result = { targets: new Map(), groups: new Map(), of: new Map(), runners: m.ci!.runners, maxJobs: m.ci!.maxJobs };
    this.templates = new TemplateProblems(this.problems, matrixNames(m));
    for (const name of Object.keys(plan.bake.target)) this.names.set(name, `the target "${name}"`);
    for (const name of Object.keys(plan.bake.group)) this.names.set(name, `the group "${name}"`);
  }

  run(): Result<Plan> {
    const built = [...this.plan.targets.values()].filter((t) => t.kind !== 'common' && t.platforms.length);
    for (const info of built) {
      const names = new Map(info.platforms.map((p) => [p, perPlatformName(info.name, p)]));
      for (const [platform, name] of names) this.claim(name, `the ${platform} target of "${info.name}"`, this.originOf(info));
      this.result.targets.set(info.name, names);
    }
    this.checkRunners(built);
    for (const info of built) {
      for (const [platform, name] of this.result.targets.get(info.name)!) {
        this.result.of.set(name, { target: info.name, platform });
        const target = this.target(info, platform, name);
        if (target) this.added[name] = target;
      }
    }
    for (const { tag, targets } of this.badRepositories.values()) {
      this.problems.push(error('tag-repository', `The repository of the tag "${tag.template}" of ${targetList(targets)} cannot be told apart from its tag: a run-time value stands where the repository ends.`, {
        file: tag.origin.file,
        pointer: tag.origin.pointer,
        hint: 'Write the tag as <repository>:<tag> with a literal ":" (e.g. "{registry}/{framework}:{version}"): per-platform images are pushed by digest to that repository.',
      }));
    }
    for (const group of Object.keys(this.plan.bake.group)) this.group(group);
    this.checkCacheRefs();
    if (this.problems.some((p) => p.severity === 'error')) return { ok: false, problems: this.problems };
    const bake: BakeFile = {
      ...this.plan.bake,
      group: Object.assign(dict<BakeFile['group'][string]>(), this.plan.bake.group, this.addedGroups),
      target: Object.assign(dict<BakeTarget>(), this.plan.bake.target, this.added),
    };
    return { ok: true, value: { ...this.plan, bake, perPlatform: this.result }, warnings: this.problems };
  }

  private originOf(info: TargetInfo): Origin {
    const stage = this.stageOf(info);
    const layer = stage?.layers.find((l) => l.key === info.layer);
    return layer?.origin ?? stage?.origin ?? this.m.ci!.origin;
  }

  /** The stage a target builds, looked up by key (once per stage, not per target). */
  private stageOf(info: TargetInfo): Stage | undefined {
    if (this.stages.size === 0) for (const s of this.m.stages) this.stages.set(s.key, s);
    return info.stage === undefined ? undefined : this.stages.get(info.stage);
  }

  private claim(name: string, what: string, origin: Origin): void {
    const owner = this.names.get(name);
    if (owner) {
      this.problems.push(error('per-platform-name-collision', `The per-platform name "${name}" of ${what} is already ${owner}.`, {
        file: origin.file,
        pointer: origin.pointer,
        hint: 'Per-platform targets and groups are named <name>-<arch> (ci: in the matrix). Rename the stage, axis value or group that ends like a platform.',
      }));
      return;
    }
    this.names.set(name, what);
  }

  private checkRunners(built: TargetInfo[]): void {
    const runners = this.m.ci!.runners;
    const users = new Map<string, string[]>();
    for (const info of built) {
      for (const p of info.platforms) {
        if (runnerKeyOf(runners, p, info.osVersion) !== undefined) continue;
        const shown = info.osVersion !== undefined && p.startsWith('windows/') ? `windows(${info.osVersion})${p.slice('windows'.length)}` : p;
        const list = users.get(shown);
        if (list) list.push(info.name);
        else users.set(shown, [info.name]);
      }
    }
    for (const [platform, targets] of users) {
      const plain = platform.replace(/\([^)]*\)/, '');
      this.problems.push(error('missing-runner', `No runner for ${platform}, which ${targets.length} target${targets.length === 1 ? '' : 's'} build${targets.length === 1 ? 's' : ''} (${targets.slice(0, 3).join(', ')}${targets.length > 3 ? ', ...' : ''}).`, {
        file: this.m.ci!.origin.file,
        pointer: `${this.m.ci!.origin.pointer}/runners`,
        hint: plain === platform
          ? `Add "${platform}: <runner label>" under ci.runners: the jobs of that platform run there natively.`
          : `Add "${platform}: <runner label>" (a host of that Windows release) or "${plain}: <runner label>" under ci.runners: the jobs of that platform run there natively.`,
      }));
    }
  }

  /** A key of the target as bake resolves it: its own value, else the nearest ancestor's (maps merge). */
  private resolved<K extends keyof BakeTarget>(name: string, key: K): BakeTarget[K] | undefined {
    const t = this.plan.bake.target[name];
    if (!t) return undefined;
    if (key === 'contexts') {
      const merged = dict<string>();
      for (const parent of t.inherits ?? []) Object.assign(merged, this.resolved(parent, 'contexts') ?? {});
      return Object.assign(merged, t.contexts) as BakeTarget[K];
    }
    if (t[key] !== undefined) return t[key];
    for (const parent of [...(t.inherits ?? [])].reverse()) {
      const v = this.resolved(parent, key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private target(info: TargetInfo, platform: string, name: string): BakeTarget | undefined {
    const target: BakeTarget = { inherits: [info.name], platforms: [platform] };
    const contexts = dict<string>();
    for (const [key, value] of Object.entries(this.resolved(info.name, 'contexts') ?? {})) {
      if (!value.startsWith('target:')) continue;
      const linked = value.slice('target:'.length);
      const same = this.result.targets.get(linked)?.get(platform);
      if (!same) {
        this.problems.push(error('per-platform-link', `"${info.name}" builds ${platform} but links "${linked}", which does not.`, { ...this.originOf(info), hint: 'Give the linked stage or layer the platforms of its consumers.' }));
        return undefined;
      }
      contexts[key] = `target:${same}`;
    }
    if (Object.keys(contexts).length) target.contexts = plain(contexts);
    const cache = this.cache(info, name);
    this.ownCacheFrom.set(name, cache?.from ?? []);
    // The build of a target needs the cache of what it links too (each is a build of its own,
    // and the consumer's build runs their steps again unless it can import them): bake appends
    // inherited cache-from, but the linked per-platform targets are not inherited.
    const from = [...new Set([...(cache?.from ?? []), ...this.linkedCacheFrom(Object.values(contexts))])];
    if (from.length) target['cache-from'] = from;
    if (cache?.to.length) target['cache-to'] = cache.to;
    if ((this.resolved(info.name, 'tags') ?? []).length) target.tags = [];
    target.output = [this.output(info)];
    return sortKeys(target);
  }

  /** The own cache-from entries of the linked per-platform targets and of everything they link, parents first. */
  private linkedCacheFrom(links: string[]): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const visit = (link: string) => {
      const name = link.replace(/^target:/, '');
      if (seen.has(name)) return;
      seen.add(name);
      for (const l of Object.values(this.added[name]?.contexts ?? {})) visit(l);
      out.push(...(this.ownCacheFrom.get(name) ?? []));
    };
    links.forEach(visit);
    return out;
  }

  /** The cache templates of the target's stage, with {target} its per-platform name. */
  private cache(info: TargetInfo, name: string) {
    const stage = this.stageOf(info);
    if (!stage?.cache) return undefined;
    const layer = stage.layers.find((l) => l.key === info.layer);
    const arg = (key: string): Lookup => {
      const resolved = info.args[key];
      return resolved ? { kind: 'pieces', pieces: resolved.pieces, source: { placeholder: `{arg:${key}}`, what: `arg ${key}` } } : { kind: 'error', code: 'unknown-arg', reason: `"${info.name}" has no arg ${key}` };
    };
    const scope: Scope = cellScope(matrixNames(this.m), {
      values: info.values,
      varies: layer?.axes ?? stage.axes,
      builtins: { matrix: this.m.name, target: name, stage: stage.key, ...(layer ? { layer: layer.key } : {}) },
      arg,
      budget: this.budget,
    });
    return planCache(stage.cache, scope, (t, p) => this.templates.report(t, p, scope), (p) => this.problems.push(p));
  }

  private output(info: TargetInfo): string {
    if (info.tags.length === 0) return 'type=cacheonly';
    const tag: PlannedTag = info.tags.find((t) => !t.if) ?? info.tags[0]!;
    const repository = repositoryOf(tag.pieces);
    if (!repository) {
      // One problem per tag as written, naming its targets (reported once every target is planned).
      const key = originKey(tag.origin);
      const found = this.badRepositories.get(key) ?? { tag, targets: [] };
      if (!found.targets.includes(info.name)) found.targets.push(info.name);
      this.badRepositories.set(key, found);
      return 'type=cacheonly';
    }
    return `type=image,name=${piecesToBake(repository)},${DIGEST_OUTPUT}`;
  }

  private group(name: string): Map<string, string> {
    const done = this.result.groups.get(name);
    if (done) return done;
    const byPlatform = new Map<string, string>();
    this.result.groups.set(name, byPlatform);
    const members = new Map<string, string[]>();
    for (const member of this.plan.bake.group[name]!.targets) {
      const variants = this.plan.bake.group[member] ? this.group(member) : this.result.targets.get(member);
      for (const [platform, variant] of variants ?? []) members.set(platform, [...(members.get(platform) ?? []), variant]);
    }
    for (const [platform, targets] of members) {
      const groupName = perPlatformName(name, platform);
      const info = this.plan.groups.get(name);
      this.claim(groupName, `the ${platform} group of "${name}"`, info?.origin ?? this.m.ci!.origin);
      byPlatform.set(platform, groupName);
      this.addedGroups[groupName] = { targets };
    }
    return byPlatform;
  }

  /** Whether `copy` is the per-platform target of `target`, which has that one platform: the same build, so the same cache. */
  private sameBuild(target: string, copy: string): boolean {
    return this.result.of.get(copy)?.target === target && this.result.targets.get(target)?.size === 1;
  }

  /** Where the `index`-th cache-to entry of a target (a per-platform one: of the target it builds) was written. */
  private cacheOrigin(name: string, index: number): Origin {
    const info = this.plan.targets.get(this.result.of.get(name)?.target ?? name);
    const spec = (info && this.stageOf(info)?.cache) ?? this.m.cache ?? this.m.stages.find((s) => s.cache)?.cache;
    return spec ? cacheToOrigin(spec, index) : this.m.ci!.origin;
  }

  /** One cache ref per target and platform: a template without {target} would give every platform one ref (a single-platform target and its own per-platform copy are one build and may share it). */
  private checkCacheRefs(): void {
    const writers = new Map<string, { target: string; origin: Origin }>();
    const all = Object.assign(dict<BakeTarget>(), this.plan.bake.target, this.added);
    for (const [name, t] of Object.entries(all)) {
      for (const [index, entry] of (t['cache-to'] ?? []).entries()) {
        const written = cacheWritten(entry);
        const other = writers.get(written.key);
        const here = { target: name, origin: this.cacheOrigin(name, index) };
        if (other && other.target !== name && (this.added[name] || this.added[other.target]) && !this.sameBuild(other.target, name) && !this.sameBuild(name, other.target)) {
          this.problems.push(cacheRefCollision(written, other, here, 'each build would overwrite the cache of the other (buildx#3819)', 'Put {target} into the cache ref or scope (e.g. "{registry}/cache:{target}", "{target}"): every per-platform target then writes its own.'));
          return;
        }
        writers.set(written.key, here);
      }
    }
  }
}
