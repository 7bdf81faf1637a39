// A Dockerfile as the checks need it: its stages, what each stage builds on,
// the ARGs declared (globally and per stage) and where variables are used.
// Pure: text in, model out (parsing by the npm package dockerfile-ast).
import type { Arg, Instruction } from 'dockerfile-ast';
import { lazy } from '../lazy.ts';

const ast = lazy<typeof import('dockerfile-ast')>('dockerfile-ast');

export interface ArgDecl {
  name: string;
  /** 1-based line of the ARG instruction. */
  line: number;
  hasDefault: boolean;
  /** The default after `=`, unquoted (`ARG A="x y"`: x y). */
  value?: string;
}

export interface VarUse {
  name: string;
  line: number;
  /** The instruction it is used in: FROM, RUN, ENV, ... */
  keyword: string;
  /** `${X:-default}`, `${X-default}`, `${X:+alt}`, `${X+alt}`: an unset X is handled. */
  optional: boolean;
}

export interface DockerStage {
  index: number;
  /** The `AS` name in lower case (stage names are case-insensitive), if any. */
  name?: string;
  /** As written, or `#index` for an unnamed stage. */
  label: string;
  /** Line of its FROM instruction. */
  line: number;
  /** Stages it needs, by index: its FROM, COPY --from and RUN --mount from=. */
  deps: number[];
  /** The stage its FROM names, by index (undefined when it starts from an image). */
  parent?: number;
  /** Its FROM has a --platform flag (the stage then runs for that platform, and so do stages FROM it). */
  fromPlatform?: true;
  /** Its FROM's image as written, when it holds a variable (`FROM deps-${OS}`): a stage or an image, per build (stage-refs.ts). */
  fromTemplate?: string;
  /**
   * With fromTemplate: the stages above it whose names its pattern matches (each variable any
   * text), which builds may start from; also in deps, so an ARG they declare counts as declared.
   */
  fromCandidates?: number[];
  /** What COPY --from and RUN --mount from= name that is no stage: an image, or a named context the build must be given. */
  external: string[];
  args: ArgDecl[];
  /** Variables used in the FROM line (only global ARGs are visible there). */
  fromUses: VarUse[];
  /** Variables used by the stage's other instructions. */
  uses: VarUse[];
}

export interface DockerfileModel {
  /** As shown to the user (relative to the project root). */
  path: string;
  /** ARGs before the first FROM. */
  globalArgs: ArgDecl[];
  stages: DockerStage[];
}

export function parseDockerfile(text: string, path: string): DockerfileModel {
  const { DockerfileParser, From, Arg } = ast();
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs: ArgDecl[] = [];
  const stages: DockerStage[] = [];
  /** Stage references by name or index, resolved once every stage is known. */
  const refs: { stage: DockerStage; ref: string; from?: true }[] = [];
  let current: DockerStage | undefined;
  for (const instruction of dockerfile.getInstructions()) {
    const line = instruction.getRange().start.line + 1;
    if (instruction instanceof From) {
      const written = instruction.getBuildStage();
      current = {
        index: stages.length,
        name: written?.toLowerCase(),
        label: written ?? `#${stages.length}`,
        line,
        deps: [],
        external: [],
        args: [],
        fromUses: usesOf(instruction, line),
        uses: [],
      };
      stages.push(current);
      const image = instruction.getImage();
      if (instruction.getPlatformFlag()) current.fromPlatform = true;
      if (image?.includes('$')) current.fromTemplate = image;
      if (image) refs.push({ stage: current, ref: image, from: true });
      continue;
    }
    if (instruction instanceof Arg) {
      (current ? current.args : globalArgs).push(...argDecls(instruction, line));
      continue;
    }
    if (!current) continue;
    current.uses.push(...usesOf(instruction, line));
    for (const ref of stageRefs(instruction)) refs.push({ stage: current, ref });
  }
  for (const { stage, ref, from } of refs) {
    const target = resolveStage(stages, ref, stage.index);
    if (from && target !== undefined) stage.parent = target;
    if (target !== undefined && target !== stage.index && !stage.deps.includes(target)) stage.deps.push(target);
    if (target === undefined && !from && !stage.external.includes(ref)) stage.external.push(ref);
  }
  for (const stage of stages) {
    if (stage.fromTemplate === undefined) continue;
    const candidates = fromCandidates(stages, stage.fromTemplate, stage.index);
    if (!candidates.length) continue;
    stage.fromCandidates = candidates;
    for (const c of candidates) if (!stage.deps.includes(c)) stage.deps.push(c);
  }
  return { path, globalArgs, stages };
}

/** `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`. */
export const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\})|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Stages above `before` whose names a templated FROM can be (each variable any text); none for `${BASE_IMAGE}` alone. */
function fromCandidates(stages: readonly DockerStage[], template: string, before: number): number[] {
  if (!/[A-Za-z0-9]/.test(template.replace(VARIABLE, ''))) return [];
  const parts = template.split(VARIABLE); // text, then the 4 groups of each variable, then text...
  const pattern = new RegExp(`^${parts.map((part, i) => (i % 5 === 0 ? (part ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : i % 5 === 1 ? '.*' : '')).join('')}$`, 'i');
  return stages.flatMap((s, i) => (i < before && s.name !== undefined && pattern.test(s.name) ? [i] : []));
}

/** The stage a FROM image, COPY --from or mount from= names: a stage name (defined earlier) or an index. */
function resolveStage(stages: DockerStage[], ref: string, before: number): number | undefined {
  if (/^\d+$/.test(ref)) return Number(ref) < before ? Number(ref) : undefined;
  const name = ref.toLowerCase();
  const index = stages.findIndex((s, i) => i < before && s.name === name);
  return index >= 0 ? index : undefined;
}

function stageRefs(instruction: Instruction): string[] {
  if (!(instruction instanceof ast().ModifiableInstruction)) return [];
  const flags = instruction.getFlags();
  // Copy.getFromFlag() only looks at the first flag; `COPY --link --from=x` is common.
  if (instruction.getKeyword() === 'COPY' || instruction.getKeyword() === 'ADD') {
    return flags.filter((flag) => flag.getName() === 'from').map((flag) => flag.getValue() ?? '').filter(Boolean);
  }
  if (instruction.getKeyword() !== 'RUN') return [];
  return flags
    .filter((flag) => flag.getName() === 'mount')
    .flatMap((flag) => flag.getOptions().filter((o) => o.getName() === 'from').map((o) => o.getValue() ?? ''))
    .filter(Boolean);
}

/** `ARG A`, `ARG A=1`, `ARG A="x y" B`: one declaration per name, with the default unquoted. */
function argDecls(instruction: Arg, line: number): ArgDecl[] {
  return instruction.getProperties().flatMap((property) => {
    const name = property.getName();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return [];
    const value = property.getValue();
    return [value === null ? { name, line, hasDefault: false } : { name, line, hasDefault: true, value }];
  });
}

function usesOf(instruction: Instruction, line: number): VarUse[] {
  return instruction.getVariables().flatMap((v) => {
    // dockerfile-ast reads `${X-default}` (no colon) as a variable named "X-default".
    const [, name, rest] = /^([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(v.getName()) ?? [];
    if (!name) return [];
    const modifier = rest ? rest.charAt(0) : v.getModifier();
    return [{ name, line: v.getNameRange().start.line + 1 || line, keyword: instruction.getKeyword(), optional: modifier === '-' || modifier === '+' }];
  });
}

/** Stage names in the order written, for "did you mean" and hints. */
export function stageNames(model: DockerfileModel): string[] {
  return model.stages.flatMap((s) => (s.name ? [s.label] : []));
}

export function findStage(model: DockerfileModel, name: string): DockerStage | undefined {
  const lower = name.toLowerCase();
  return model.stages.find((s) => s.name === lower);
}
