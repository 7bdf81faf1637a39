// A FROM that names a stage through an arg (`FROM deps-${OS} AS build-base`):
// BuildKit expands it with the build's global args and then looks for a stage
// of that name; when there is none, it pulls an image of that name instead
// (docker.io/library/deps-rhel), which is never what was meant. So for every
// target, and each of its platforms (TARGETOS, TARGETARCH, TARGETVARIANT), a
// templated FROM whose pattern matches a stage name must name a stage defined
// before it. Reported at the matrix line that gives the value, naming the
// Dockerfile line. A value that is only known at run time (a bake variable) is
// not checked; an arg without value is arg-without-value's (check-args.ts).
import { error, type Problem } from '../problems/problem.ts';
import { didYouMean } from '../problems/suggest.ts';
import type { Origin } from '../types/matrix.ts';
import type { TargetStage } from './check-args.ts';
import { VARIABLE, type DockerStage } from './parse-dockerfile.ts';
import { targetList } from '../problems/target-list.ts';


/** What one variable of a FROM line is for one build: its text and where it was set. */
interface Value {
  text: string;
  /** The matrix position of the arg; undefined: the Dockerfile's ARG default. */
  origin?: Origin;
}

interface Missing {
  ts: TargetStage;
  stage: DockerStage;
  resolved: string;
  /** `OS = "rhel"`, for the message. */
  because: string;
  origin: Origin;
  atTarget: boolean;
  targets: string[];
}

export function checkStageRefs(targets: readonly TargetStage[]): Problem[] {
  const found = new Map<string, Missing>();
  for (const ts of targets) {
    for (const platform of ts.target.platforms.length ? ts.target.platforms : ['']) {
      for (const miss of missingRefs(ts, platform)) {
        const key = `${ts.model.path}#${miss.stage.index}#${miss.resolved}#${miss.origin.file}#${miss.origin.pointer}`;
        const entry = found.get(key);
        if (entry) entry.targets.push(ts.target.name);
        else found.set(key, { ...miss, targets: [ts.target.name] });
      }
    }
  }
  return [...found.values()].map(missingStageRef);
}

/** The templated FROMs of the stages this target builds (for one platform) that name no stage. */
function missingRefs(ts: TargetStage, platform: string): Omit<Missing, 'targets'>[] {
  const { model, bound } = ts;
  const out: Omit<Missing, 'targets'>[] = [];
  const seen = new Set<number>([ts.dockerStage.index]);
  const queue = [ts.dockerStage];
  const visit = (index: number) => {
    const stage = model.stages[index]!;
    if (seen.has(index) || (stage.name && bound.has(stage.name))) return;
    seen.add(index);
    queue.push(stage);
  };
  for (let stage = queue.shift(); stage; stage = queue.shift()) {
    // The stages a templated FROM may name are visited only when it names them for this build.
    for (const dep of stage.deps) if (!stage.fromCandidates?.includes(dep)) visit(dep);
    if (stage.fromTemplate === undefined || !stage.fromCandidates) continue;
    const expanded = expand(stage.fromTemplate, (name) => globalValue(ts, name, platform));
    if (!expanded) continue;
    const lower = expanded.text.toLowerCase();
    const target = model.stages.findIndex((s, i) => i < stage.index && s.name === lower);
    if (target >= 0) {
      visit(target);
      continue;
    }
    const setBy = expanded.used.find((u) => u.value.origin);
    out.push({
      ts,
      stage,
      resolved: expanded.text,
      because: expanded.used.map((u) => `${u.name} = "${u.value.text}"`).join(', '),
      origin: setBy?.value.origin ?? ts.origin,
      atTarget: !setBy,
    });
  }
  return out;
}

/** The FROM text with its variables expanded, and the values used; undefined when one is unknown (a run-time variable) or unset. */
function expand(template: string, value: (name: string) => Value | undefined | null): { text: string; used: { name: string; value: Value }[] } | undefined {
  const used: { name: string; value: Value }[] = [];
  let unknown = false;
  const text = template.replace(VARIABLE, (_all, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = value(name);
    if (v === null) {
      unknown = true;
      return '';
    }
    const set = v !== undefined && (op?.startsWith(':') ? v.text !== '' : true);
    if (v) used.push({ name, value: v });
    if (op?.endsWith('-')) return set ? v!.text : (word ?? '');
    if (op?.endsWith('+')) return set ? (word ?? '') : '';
    if (!v) unknown = true; // unset and used plainly: arg-without-value's case
    return v?.text ?? '';
  });
  return unknown ? undefined : { text, used };
}

/**
 * A global ARG's value for this target and platform, as a FROM line sees it:
 * the target's arg, else the ARG's default; the platform args from the
 * platform. undefined: not set; null: not known before the build. A default
 * sees the ARGs declared above it only, as BuildKit reads them, so a chain
 * always ends; each ARG is worked out once per lookup (`ARG B=${A}${A}` chains
 * do not double).
 */
function globalValue(ts: TargetStage, name: string, platform: string, above = ts.model.globalArgs.length, known = new Map<number, Value | undefined | null>(), depth = 0): Value | undefined | null {
  // A chain of defaults deeper than any real Dockerfile's (ARG B=${A}, ARG C=${B}, ...) is not worked out: one call per link would overflow the stack.
  if (depth > MAX_ARG_CHAIN) return null;
  const platformArg = PLATFORM_ARGS[name];
  if (platformArg) return platform ? { text: platformArg(platform) } : null;
  const args = ts.model.globalArgs;
  let index = above - 1;
  while (index >= 0 && args[index]!.name !== name) index--;
  if (index < 0) return undefined; // not declared globally (above): empty in a FROM line
  if (known.has(index)) return known.get(index);
  const decl = args[index]!;
  const given = ts.target.args[name];
  let value: Value | undefined | null;
  if (given) value = given.pieces.every((p) => 'text' in p) ? { text: given.preview, origin: given.origin } : null;
  else if (!decl.hasDefault) value = undefined;
  else if (!decl.value?.includes('$')) value = { text: decl.value ?? '' };
  else {
    const earlier = expand(decl.value, (n) => globalValue(ts, n, platform, index, known, depth + 1));
    const origin = earlier?.used.find((u) => u.value.origin)?.value.origin;
    // Past a reference's length no FROM can name a stage with it: not worked out further (`ARG B=${A}${A}` doubles).
    value = earlier && earlier.text.length <= MAX_FROM_TEXT ? { text: earlier.text, ...(origin ? { origin } : {}) } : null;
  }
  known.set(index, value);
  return value;
}

const MAX_FROM_TEXT = 4096;
/** Global ARG defaults that read each other, link by link, worked out for a FROM line. */
const MAX_ARG_CHAIN = 64;

const PLATFORM_ARGS: Record<string, (platform: string) => string> = {
  TARGETPLATFORM: (p) => p,
  TARGETOS: (p) => p.split('/')[0] ?? '',
  TARGETARCH: (p) => p.split('/')[1] ?? '',
  TARGETVARIANT: (p) => p.split('/')[2] ?? '',
};

function missingStageRef({ ts, stage, resolved, because, origin, atTarget, targets }: Missing): Problem {
  const { model } = ts;
  const candidates = (stage.fromCandidates ?? []).map((i) => model.stages[i]!);
  const at = `${model.path}:${stage.line}`;
  const later = model.stages.find((s) => s.index >= stage.index && s.name === resolved.toLowerCase());
  const why = later ? `its stage "${later.label}" comes after that line (${model.path}:${later.line}): a FROM can only name a stage above it` : `${model.path} has no stage of that name`;
  return error('unknown-from-stage', `The Dockerfile stage "${stage.label}" that ${targetList(targets)} build${targets.length > 1 ? '' : 's'} starts "FROM ${stage.fromTemplate}" (${at}), which is "${resolved}" with ${because}: ${why}, so the build would pull an image called "${resolved}".${didYouMean(resolved, candidates.map((s) => s.label))}`, {
    file: origin.file,
    pointer: atTarget ? `${origin.pointer}/target` : origin.pointer,
    hint: `Stages "FROM ${stage.fromTemplate}" can name: ${candidates.map((s) => `${s.label} (line ${s.line})`).join(', ')}. Add a stage "FROM ... AS ${resolved}" above ${at} (the layers that differ for this value), or give ${because.split(' = ')[0]} a value that has one.`,
  });
}
