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
  origin: Origin;
}

export interface Axis {
  name: string;
  values: AxisValue[];
  origin: Origin;
}

export interface ExcludeRule {
  selector: Selector;
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
  target: string;
  from?: string;
  axes: string[];
  name: Template;
  /** Relative to the project root. */
  dockerfile: string;
  context: string;
  platforms?: string[];
  args: Settings;
  labels: Settings;
  secrets: Secret[];
  tags: Template[];
  only?: Selector;
  isDefault: boolean;
  layers: Layer[];
  description?: string;
  origin: Origin;
}

export type GroupSpec =
  | { kind: 'template'; template: Template; stages: string[]; origin: Origin }
  | { kind: 'list'; name: string; targets: string[]; description?: string; origin: Origin };

export interface CacheSpec {
  ref: Template;
  fallback: Template[];
  mode: 'max' | 'min';
  compression: 'zstd' | 'gzip' | 'estargz' | 'uncompressed';
  export: boolean;
  /** Which targets write cache-to (see plan/cache-layout.ts). */
  layout: 'each' | 'images';
  origin: Origin;
}

export interface Matrix {
  /** The matrix files, as shown to the user. */
  sources: string[];
  name: string;
  platforms: string[];
  platformsOrigin: Origin;
  args: Settings;
  labels: Settings;
  secrets: Secret[];
  variables: Variable[];
  axes: Axis[];
  exclude: ExcludeRule[];
  include: IncludeRule[];
  overrides: Override[];
  /** Parents before children. */
  stages: Stage[];
  groups: GroupSpec[];
  cache: CacheSpec | null;
}
