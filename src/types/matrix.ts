// The resolved matrix: every key present in one form, with where it was written.
// Produced by validate/normalize.ts from the files as written (matrix-file.generated.ts).

export interface Origin {
  file: string;
  /** JSON pointer into that file. */
  pointer: string;
}

/** A template string ({placeholders}) and where it was written. */
export interface Template {
  text: string;
  origin: Origin;
}

/** Args or labels: name -> template, in the order written. */
export type Settings = Record<string, Template>;

/** An `args_unread` entry: an arg that may go unread by a Dockerfile, on purpose. */
export interface UnreadArg {
  name: string;
  origin: Origin;
}

/** Axis name -> accepted values. */
export type Selector = Record<string, string[]>;

/** A build secret: bake `secret`, read by bake from an environment variable or a file. */
export interface Secret {
  id: string;
  env?: string;
  src?: string;
  origin: Origin;
}

export interface Variable {
  /** The placeholder name: {registry}. */
  key: string;
  /** The bake variable, overridden by the environment variable of that name. */
  env: string;
  /** `env` was written in the matrix (not derived from the key). */
  envWritten?: boolean;
  default: string;
  description?: string;
  origin: Origin;
}

export interface AxisValue {
  axis: string;
  name: string;
  description?: string;
  args: Settings;
  labels: Settings;
  platforms?: string[];
  /** Allow-list: other axis -> the values this one combines with. */
  only: Selector;
  /** Named attributes, literal text: {cuda.version}. */
  vars: Record<string, Template>;
  /** List attributes, for tags only: a tag using {python.aliases} is written once per element. */
  lists?: Record<string, Template[]>;
  /** The axis's default: an optional segment ({-cuda}) renders nothing for it. */
  isDefault: boolean;
  /** Axes that do not apply to combinations with this value. */
  without: string[];
  /** The OCI os.version of its windows/* images (`10.0.20348`). */
  osVersion?: string;
  /** A per-value parent stage (`from: rocm-base`): given to the stage where the chain enters the axis, as an override (value-parents.ts). */
  from?: StageBase;
  origin: Origin;
}

export interface Axis {
  name: string;
  values: AxisValue[];
  origin: Origin;
}

/** A value per combination of some axes: {name} or {name.column} in templates. */
export interface Table {
  name: string;
  by: string[];
  /** Key: the `by` values joined by NUL ("-" for an axis that does not apply). */
  entries: Map<string, TableEntry>;
  description?: string;
  origin: Origin;
}

export interface TableEntry {
  /** Axis -> value ("-": the axis does not apply). */
  values: Record<string, string>;
  /** A template, or named columns of templates. */
  cell: Template | Record<string, Template>;
  origin: Origin;
}

export interface ExcludeRule {
  selector: Selector;
  /** Only these platforms are removed from the matching targets, not the combination. */
  platforms?: string[];
  origin: Origin;
}

export interface IncludeRule {
  combination: Record<string, string>;
  origin: Origin;
}

export interface Override {
  when: Selector;
  stages?: string[];
  args: Settings;
  labels: Settings;
  tags: TagSpec[];
  /** With tags: they replace the stage's own. */
  replaceTags: boolean;
  /** The parent of the named stages is this upstream image for the matching combinations. */
  from?: ImageBase;
  /** The parent of the named stages is this stage for the matching combinations (a per-value parent). */
  fromStage?: StageBase;
  /** Replaces the named stages' `output`. */
  output?: OutputSpec[];
  /** Over the named stages' own annotations. */
  annotations: Settings;
  /** Set when the override stands for an axis value's `from` (the messages name the value). */
  fromValue?: { axis: string; value: string };
  origin: Origin;
}

/** A parent stage for some combinations: bound as `target:` contexts, or with `arg` linked under its first tag. */
export interface StageBase {
  stage: string;
  arg?: string;
  origin: Origin;
}

/** One bake `output` entry: an exporter and its options (buildx's spelling), written as CSV. */
export interface OutputSpec {
  type: string;
  /** Options in the order written; a template for `name` and `dest`. */
  options: { key: string; value: string | number | boolean | Template }[];
  origin: Origin;
}

export interface TagSpec {
  template: Template;
  /** Only for the combinations this selector matches. */
  when?: Selector;
  /** Several targets carry it on purpose: not pushed by bake, made one manifest by `bake-matrix manifest`. */
  shared: boolean;
  /** Variable keys: the tag exists only while every one of them is set (not empty). */
  if?: string[];
  origin: Origin;
}

/** An upstream image standing in for the Dockerfile stage `as` (a `docker-image://` context). */
export interface ImageBase {
  image: Template;
  /** The Dockerfile stage it replaces; undefined in an override: the parent stage's target. */
  as?: string;
  origin: Origin;
}

export interface Layer {
  key: string;
  target: string;
  axes: string[];
  name: Template;
  args: Settings;
  description?: string;
  origin: Origin;
}

export interface Stage {
  key: string;
  /** The Dockerfile stage, as written; undefined: the Dockerfile's last stage. */
  target?: string;
  /** When `target` has placeholders: the template each cell renders (`{variant}`). */
  targetTemplate?: Template;
  /** The parent stage. */
  from?: string;
  /** With `from: {stage, arg}`: the arg that gets the parent's first tag. */
  fromArg?: string;
  /** With `from: {image, as}`: an upstream image instead of a parent stage. */
  fromImage?: ImageBase;
  axes: string[];
  name: Template;
  /** Templates of paths relative to the project root. */
  dockerfile: Template;
  context: Template;
  /** Named contexts besides the ones bake-matrix binds: name -> template. */
  contexts: Settings;
  platforms?: string[];
  args: Settings;
  /** Args its targets (and its layers') may be passed without reading them. */
  argsUnread: UnreadArg[];
  labels: Settings;
  secrets: Secret[];
  tags: TagSpec[];
  /** Where its images go (bake `output`); undefined: buildx's default. */
  output?: OutputSpec[];
  /** OCI annotations (bake `annotations`): name -> template. */
  annotations: Settings;
  /** The stage's cache: the matrix's with the stage's keys; null: none. */
  cache: CacheSpec | null;
  only?: Selector;
  isDefault: boolean;
  /** Default because it has tags (no `default:` written): only its cells that get a tag are default. */
  defaultIfTagged: boolean;
  layers: Layer[];
  description?: string;
  origin: Origin;
}

export type GroupSpec =
  | { kind: 'template'; template: Template; stages: string[]; origin: Origin }
  | { kind: 'list'; name: string; targets: string[]; description?: string; origin: Origin };

/** One cache-from or cache-to entry: a registry ref, or a GitHub Actions cache scope. */
export interface CacheEntry {
  type: 'registry' | 'gha';
  template: Template;
}

export interface CacheSpec {
  /** The target's own registry ref (read and written). */
  ref?: Template;
  /** The target's own GitHub Actions cache scope (read and written). */
  gha?: Template;
  /** More cache-from entries, in order; one that is the target's own places it. */
  fallback: CacheEntry[];
  /** More cache-to entries, in order; one that is the target's own places it. */
  to: CacheEntry[];
  mode: 'max' | 'min';
  /** 'none': no compression option. */
  compression: 'zstd' | 'gzip' | 'estargz' | 'uncompressed' | 'none';
  export: boolean;
  /** cache-to options written only when set. */
  ociMediatypes?: boolean;
  imageManifest?: boolean;
  /** Default true: a failed cache export does not fail the build. */
  ignoreError: boolean;
  /** Which targets write cache-to (see plan/cache-layout.ts). */
  layout: 'each' | 'images';
  origin: Origin;
}

/** `ci:` native per-platform builds: the runner of each platform, and jobs per CI matrix. */
export interface CiSpec {
  /** Platform -> `runs-on` (a label or labels), in the order written. */
  runners: Record<string, string | string[]>;
  maxJobs: number;
  origin: Origin;
}

export interface AutoGroups {
  /** Axes that get one group per value. */
  values: string[];
  stages: boolean;
  default: boolean;
}

export interface Matrix {
  /** The matrix files, as shown to the user. */
  sources: string[];
  /** The project root, as given or resolved by load (absolute when known). */
  root: string;
  rootOrigin: Origin;
  name: string;
  platforms: string[];
  platformsOrigin: Origin;
  /** Some key names platforms (the matrix, a stage, a value, an exclude, `ci:`); false: bake files leave `platforms` out (the builder's own). */
  platformsDeclared: boolean;
  args: Settings;
  /** Args any target may be passed without reading them. */
  argsUnread: UnreadArg[];
  labels: Settings;
  secrets: Secret[];
  variables: Variable[];
  axes: Axis[];
  tables: Table[];
  exclude: ExcludeRule[];
  include: IncludeRule[];
  overrides: Override[];
  /** Parents before children. */
  stages: Stage[];
  groups: GroupSpec[];
  autoGroups: AutoGroups;
  autoGroupsOrigin: Origin;
  cache: CacheSpec | null;
  /** Per-platform targets and CI jobs; null: not generated. */
  ci: CiSpec | null;
}
