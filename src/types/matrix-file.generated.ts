/* Generated from schema/matrix.schema.json by scripts/gen-types.ts: do not edit. Run `npm run gen:types`. */

/**
 * Platforms every target builds for, before value and stage restrictions. Default: [linux/amd64].
 *
 * @minItems 1
 */
export type Platforms = [Platform, ...Platform[]];
/**
 * os/arch[/variant], as docker buildx --platform takes it.
 */
export type Platform = string;
/**
 * Build secrets of every target (bake `secret`): mounted with RUN --mount=type=secret, never stored in the image, unlike args.
 *
 * Items: A build secret: its id and exactly one of `env` or `src`.
 */
export type Secrets = ((
  | {
      env: string;
    }
  | {
      src: string;
    }
) & {
  /**
   * The id a Dockerfile mounts: RUN --mount=type=secret,id=<id>.
   */
  id: string;
  /**
   * Read the secret from this environment variable when bake runs.
   */
  env?: string;
  /**
   * Read the secret from this file (relative to the project root) when bake runs.
   */
  src?: string;
})[];
export type Variable =
  | string
  | {
      default?: string;
      /**
       * Name of the bake variable (and so of the environment variable that overrides it). Default: the key in upper case.
       */
      env?: string;
      description?: string;
    };
/**
 * Settings of one value of an axis; null or {} for none.
 */
export type AxisValue = null | {
  description?: string;
  args?: Args1;
  labels?: Labels1;
  platforms?: Platforms1;
  /**
   * Allow-list: this value combines only with these values of other axes.
   */
  only?: {
    [k: string]: ValueList;
  };
};
/**
 * Restrict targets with this value to these platforms.
 *
 * @minItems 1
 */
export type Platforms1 = [Platform, ...Platform[]];
/**
 * @minItems 1
 */
export type ValueList = [ValueName, ...ValueName[]];
export type ValueName = string;
/**
 * lower_snake_case: usable as {name} in templates.
 */
export type PlaceholderName = string;
/**
 * A path relative to the repository root.
 */
export type RelativePath = string;
/**
 * Restrict this stage to these platforms.
 *
 * @minItems 1
 */
export type Platforms2 = [Platform, ...Platform[]];
/**
 * Build secrets of this stage's targets, added to those they inherit.
 *
 * Items: A build secret: its id and exactly one of `env` or `src`.
 */
export type Secrets1 = ((
  | {
      env: string;
    }
  | {
      src: string;
    }
) & {
  /**
   * The id a Dockerfile mounts: RUN --mount=type=secret,id=<id>.
   */
  id: string;
  /**
   * Read the secret from this environment variable when bake runs.
   */
  env?: string;
  /**
   * Read the secret from this file (relative to the project root) when bake runs.
   */
  src?: string;
})[];
/**
 * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
 */
export type Template = string;
export type Group =
  | [ValueName, ...ValueName[]]
  | {
      description?: string;
      /**
       * Generated target and group names.
       *
       * @minItems 1
       */
      targets: [string, ...string[]];
    };

/**
 * One file of a bake-matrix support matrix. Every top-level key is optional in a single file; the files of a matrix folder are merged, and the merged matrix must have axes and stages.
 */
export interface MatrixFile {
  /**
   * Path or URL of this schema, for editors.
   */
  $schema?: string;
  /**
   * Name of the stack; available as {matrix} in templates.
   */
  name?: string;
  /**
   * Default of the run-time variable `registry` (bake variable REGISTRY); shorthand for variables.registry.default.
   */
  registry?: string;
  /**
   * Dockerfile of every stage, relative to the repository root. Default: Dockerfile.
   */
  dockerfile?: string;
  /**
   * Build context of every stage, relative to the repository root. Default: the repository root.
   */
  context?: string;
  platforms?: Platforms;
  args?: Args;
  labels?: Labels;
  secrets?: Secrets;
  /**
   * Run-time values, emitted as bake variables so CI overrides them from the environment without regenerating. Each key is a placeholder usable in templates: {registry}.
   */
  variables?: {
    [k: string]: Variable;
  };
  /**
   * The dimensions of the matrix. Each axis maps its value names to their settings.
   */
  axes?: {
    [k: string]: {
      [k: string]: AxisValue;
    };
  };
  /**
   * Combinations removed from every stage whose axes include all the rule's axes.
   */
  exclude?: Selector[];
  /**
   * Combinations added back (after exclude) to every stage whose axes are all named by the entry.
   */
  include?: Combination[];
  /**
   * Settings for the combinations a `when` selector matches; the most specific level of precedence, later entries win.
   */
  overrides?: Override[];
  /**
   * The build stages, each a Dockerfile stage built once per combination of its axes.
   */
  stages?: {
    [k: string]: Stage;
  };
  /**
   * Groups. A key with placeholders ({framework}-{cuda}) mapped to a list of stages makes one group per combination; a plain key mapped to {targets: [...]} lists targets and groups by name.
   */
  groups?: {
    [k: string]: Group;
  };
  /**
   * Registry cache for every target: one ref per target, plus ordered fallbacks for cache-from. `false` turns it off.
   */
  cache?: false | Cache;
}
/**
 * Build args of every target (the most general level).
 */
export interface Args {
  [k: string]: string | number | boolean;
}
/**
 * Image labels of every target; values are templates.
 */
export interface Labels {
  [k: string]: string | number | boolean;
}
export interface Args1 {
  [k: string]: string | number | boolean;
}
export interface Labels1 {
  [k: string]: string | number | boolean;
}
/**
 * Axis name to one value or a list of values; matches combinations having all of them.
 */
export interface Selector {
  [k: string]: ValueName | ValueList;
}
/**
 * Axis name to exactly one value.
 */
export interface Combination {
  [k: string]: ValueName;
}
export interface Override {
  when: Selector;
  /**
   * Apply only to these stages (and, through inheritance, their children). Default: every stage whose axes cover `when`.
   *
   * @minItems 1
   */
  stages?: [ValueName, ...ValueName[]];
  args?: Args1;
  labels?: Labels1;
}
export interface Stage {
  description?: string;
  /**
   * The Dockerfile stage to build.
   */
  target: string;
  /**
   * The parent stage: its target is inherited and bound as a `target:` context.
   */
  from?: string;
  /**
   * Axes this stage varies over, in name order. Default: the parent's axes; none for a root stage.
   */
  axes?: PlaceholderName[];
  /**
   * Target name template. Default: the axis values then the stage, joined by '-'.
   */
  name?: string;
  dockerfile?: RelativePath;
  context?: RelativePath;
  platforms?: Platforms2;
  args?: Args1;
  labels?: Labels1;
  secrets?: Secrets1;
  /**
   * Image tag templates, e.g. {registry}/{framework}:{version}-{cuda}.
   */
  tags?: Template[];
  only?: Selector1;
  /**
   * Part of the default group and the per-value groups. Default: true for stages with tags (only requested targets are pushed); when no stage has tags, for stages no other stage derives from.
   */
  default?: boolean;
  /**
   * Dependency layers: targets built in parallel from this stage's parent and bound into this stage as `target:` contexts under their Dockerfile stage names.
   */
  layers?: {
    [k: string]: Layer;
  };
}
/**
 * Axis name to one value or a list of values; matches combinations having all of them.
 */
export interface Selector1 {
  [k: string]: ValueName | ValueList;
}
export interface Layer {
  description?: string;
  target: string;
  /**
   * Axes the layer's inputs vary over; cells that agree on them share one layer target. Default: the stage's axes.
   */
  axes?: PlaceholderName[];
  name?: Template;
  args?: Args1;
}
export interface Cache {
  /**
   * Only registry cache is generated.
   */
  type?: 'registry';
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  ref: string;
  /**
   * Further cache-from refs, in order (e.g. the main branch's cache).
   */
  fallback?: Template[];
  /**
   * Default: max.
   */
  mode?: 'max' | 'min';
  /**
   * Default: zstd.
   */
  compression?: 'zstd' | 'gzip' | 'estargz' | 'uncompressed';
  /**
   * Write cache-to. Default: true.
   */
  export?: boolean;
  /**
   * Which targets write cache-to. each (default): every target reads and writes its own ref. images: only the images (default stages) and targets nothing links write; every other target reads the cache of the first image built on it (fewer exports, but a build that took those steps from the cache exports an image cache without them).
   */
  layout?: 'each' | 'images';
}
