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
 * Args the matrix passes on purpose although a Dockerfile may not read them (no ARG declares them for a target): the Dockerfile arg check reports nothing for these names, on any target. A name listed here that the check would not report anyway is a warning.
 *
 * @minItems 1
 */
export type ArgsUnread = [ArgName, ...ArgName[]];
export type ArgName = string;
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
  /**
   * A per-value parent: for the combinations with this value, the stage where the stage chain enters this axis (the one stage that varies over it while its parent does not, or that has no parent) builds on this stage instead: `rocm: { from: rocm-base }`, or `{ stage, arg }` to link it by its tag. For any other stage, write an override with `stages` and `from`.
   */
  from?: ValueName | FromStage;
  args?: Args1;
  labels?: Labels1;
  platforms?: Platforms1;
  /**
   * Allow-list: this value combines only with these values of other axes.
   */
  only?: {
    [k: string]: ValueList;
  };
  /**
   * Named attributes of this value, used in templates as {axis.name}: `cu129: { vars: { version: "12.9.1" } }` gives {cuda.version}. Literal text. A list (`aliases: ["3.14.6", "3.14", "3"]`) is for tags only: a tag that uses it is written once per element.
   */
  vars?: {
    /**
     * @minItems 1
     * @maxItems 64
     */
    [k: string]: string | number | boolean | [string | number, ...(string | number)[]];
  };
  /**
   * The axis's default value: an optional segment ({-cuda}) renders nothing for it, so `vllm:0.21.0` and `vllm:0.21.0-cu130` come from one template. At most one value per axis.
   */
  default?: boolean;
  /**
   * Axes that do not apply to this value: a `cpu` device has no CUDA version. Its cells have no value, no args and no name part for them; {-cuda} renders nothing there.
   *
   * @minItems 1
   */
  without?: [PlaceholderName, ...PlaceholderName[]];
  /**
   * The OCI `os.version` of this value's Windows images (`10.0.20348` for Windows Server 2022, `10.0.26100` for 2025): images that differ only by it may share a tag, one manifest list telling them apart (compared by major.minor.build).
   */
  os_version?: string;
};
export type ValueName = string;
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
/**
 * lower_snake_case, not ending in "_": usable as {name} in templates.
 */
export type PlaceholderName = string;
/**
 * Remove only these platforms from the matching targets, not the combination.
 *
 * @minItems 1
 */
export type Platforms2 = [Platform, ...Platform[]];
export type Tag =
  | Template
  | {
      /**
       * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
       */
      tag: string;
      when?: Selector1;
      /**
       * Several targets carry this tag on purpose (the per-variant images behind one manifest). bake does not push it (two pushes of one tag race); `bake-matrix manifest` makes it one manifest list.
       */
      shared?: boolean;
      /**
       * Only when these run-time variables are set (not empty), e.g. `if: release` for a tag that exists on a release only; the tag is left out of the bake file's list while any of them is empty.
       */
      if?: PlaceholderName | [PlaceholderName, ...PlaceholderName[]];
    };
/**
 * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
 */
export type Template = string;
/**
 * Tags added to the targets of the `stages` named (required with tags) for the matching combinations.
 */
export type Tags = Tag[];
/**
 * Replaces the `output` of the `stages` named (required with output) for the matching combinations.
 *
 * @minItems 1
 */
export type Output = [OutputEntry, ...OutputEntry[]];
/**
 * Restrict this stage to these platforms.
 *
 * @minItems 1
 */
export type Platforms3 = [Platform, ...Platform[]];
/**
 * Args this stage's targets (its layers included) may be passed without their Dockerfile stage reading them: the Dockerfile arg check reports nothing for these names on them. A name listed here that the check would not report there is a warning.
 *
 * @minItems 1
 */
export type ArgsUnread1 = [ArgName, ...ArgName[]];
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
 * Image tags: templates ({registry}/{framework}:{version}{-cuda}), or {tag, when, shared}.
 */
export type Tags1 = Tag[];
/**
 * Bake `output`: where the target's image goes, replacing buildx's default (written as buildx's CSV form, `type=image,name=...,push-by-digest=true`). Each entry is `type` plus that exporter's options, in buildx's spelling. Stages built on this one do not inherit it.
 *
 * @minItems 1
 */
export type Output1 = [OutputEntry, ...OutputEntry[]];
export type CacheEntry =
  | string
  | {
      /**
       * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
       */
      gha: string;
    };
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
   * The project root, relative to the file that writes it: where `docker buildx bake` runs, and what every dockerfile, context and secret path of the matrix is relative to. Default: the folder holding the matrix (for a matrix folder, its parent).
   */
  root?: string;
  /**
   * Default of the run-time variable `registry` (bake variable REGISTRY); shorthand for variables.registry.default.
   */
  registry?: string;
  /**
   * Dockerfile of every stage, relative to the project root. Default: Dockerfile; for a stage whose context is a template, the Dockerfile in that context (as bake resolves it).
   */
  dockerfile?: string;
  /**
   * Build context of every stage, relative to the project root. Default: the project root.
   */
  context?: string;
  platforms?: Platforms;
  args?: Args;
  args_unread?: ArgsUnread;
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
   * Values per combination: a table indexed by some axes, used in templates as {name} (or {name.column}). A combination a target needs that has no entry is an error naming it, never a silent default.
   */
  tables?: {
    [k: string]: Table;
  };
  /**
   * Combinations removed from every stage whose axes include all the rule's axes; with `platforms`, only those platforms are removed from the matching targets.
   */
  exclude?: ExcludeRule[];
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
   * Which groups bake-matrix generates by itself. Default: all of them.
   */
  auto_groups?: {
    /**
     * One group per axis value (`vllm`, `cu129`): true for every axis, false for none, or a list of axes.
     */
    values?: boolean | PlaceholderName[];
    /**
     * One group per stage (`runtime`). Default: true.
     */
    stages?: boolean;
    /**
     * The `default` group (every default stage). Default: true; a `default` declared under `groups` replaces it.
     */
    default?: boolean;
  };
  /**
   * Registry cache for every target: one ref per target, plus ordered fallbacks for cache-from. `false` turns it off.
   */
  cache?: false | Cache;
  /**
   * Native per-platform builds in CI. When present, the bake file also has one target per platform of every target (`vllm-cu129-runtime-arm64`) and one group per platform of every group (`vllm-cu129-arm64`), pushed by digest; `bake-matrix ci` lists the CI jobs and `bake-matrix manifest` merges the per-platform images under the final tags.
   */
  ci?: {
    /**
     * The runner of each platform, as `runs-on` takes it: a label or a list of labels (`linux/arm64: ubuntu-24.04-arm`). Every platform a target builds for needs one. A Windows platform may name an OS version as containerd writes it, `windows(10.0.20348)/amd64`: the images whose values give that `os_version` run there, the others on the plain platform's runner.
     */
    runners: {
      [k: string]: string | [string, ...string[]];
    };
    /**
     * Jobs per CI matrix (GitHub allows 256, the default); a dependency level with more jobs is split into several stages run one after the other.
     */
    'max-jobs'?: number;
  };
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
export interface FromStage {
  /**
   * The parent stage.
   */
  stage: string;
  /**
   * The build arg that names the base image (FROM ${ARG}); it gets the parent target's first tag.
   */
  arg?: string;
}
export interface Args1 {
  [k: string]: string | number | boolean;
}
export interface Labels1 {
  [k: string]: string | number | boolean;
}
export interface Table {
  description?: string;
  /**
   * The axes the table is indexed by, outermost first.
   *
   * @minItems 1
   */
  by: [PlaceholderName, ...PlaceholderName[]];
  /**
   * Nested by the `by` axes: `{ vllm: { cu129: "..." } }`. A leaf is a template, or a mapping of column names to templates ({name.column}). The key "-" stands for an axis that does not apply to the combination.
   */
  entries: {};
}
/**
 * Axis name to one value or a list of values; matches combinations having all of them. With `platforms`, the matching targets lose only these platforms.
 */
export interface ExcludeRule {
  platforms?: Platforms2;
  [k: string]: ValueName | ValueList | Platforms2 | undefined;
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
  tags?: Tags;
  /**
   * With `tags`: replace the stage's tags instead of adding to them.
   */
  replace_tags?: boolean;
  output?: Output;
  annotations?: Annotations;
  /**
   * For the matching combinations, the parent of the `stages` named: another stage (a per-value parent: bound as a `target:` context, or with `{stage, arg}` linked under its first tag), or an upstream image (`{image, as}`, a `docker-image://` context) instead of a built stage. The last matching override wins.
   */
  from?: ValueName | FromStage | FromImage;
}
/**
 * Axis name to one value or a list of values; matches combinations having all of them.
 */
export interface Selector {
  [k: string]: ValueName | ValueList;
}
/**
 * Axis name to one value or a list of values; matches combinations having all of them.
 */
export interface Selector1 {
  [k: string]: ValueName | ValueList;
}
export interface OutputEntry {
  /**
   * The exporter: image (with `push: true`, or registry: pushed), docker (loaded), oci, tar, local (files, to `dest`), cacheonly.
   */
  type: 'image' | 'registry' | 'docker' | 'oci' | 'tar' | 'local' | 'cacheonly';
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  name?: string;
  push?: boolean;
  /**
   * Push without a tag (the name's repository only); the digest goes into --metadata-file.
   */
  'push-by-digest'?: boolean;
  'name-canonical'?: boolean;
  /**
   * oci, tar, local, docker: a path relative to the project root, inside it.
   */
  dest?: string;
  compression?: 'zstd' | 'gzip' | 'estargz' | 'uncompressed';
  'compression-level'?: number;
  'force-compression'?: boolean;
  'oci-mediatypes'?: boolean;
}
/**
 * Annotations for the `stages` named (required with annotations), over the stage's own.
 */
export interface Annotations {
  [k: string]: string | number | boolean;
}
export interface FromImage {
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  image: string;
  /**
   * The Dockerfile stage (FROM <as>) the image stands in for. Default: the parent stage's target (in an override).
   */
  as?: string;
}
export interface Stage {
  description?: string;
  /**
   * The Dockerfile stage to build; a template over the stage's axes (`target: "{variant}"`: one stage with an axis instead of one stage per Dockerfile stage), each rendered name checked against the Dockerfile. Default: the Dockerfile's last stage (such a stage cannot be a parent: it has no name to bind).
   */
  target?: string;
  /**
   * The parent: a stage (its target is inherited and bound as a `target:` context), `{stage, arg}` (the arg gets the parent's first tag, and the parent is linked under that tag), or `{image, as}` (an upstream image bound as a `docker-image://` context).
   */
  from?: ValueName | FromStage | FromImage;
  /**
   * Axes this stage varies over, in name order. Default: the parent's axes; none for a root stage.
   */
  axes?: PlaceholderName[];
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  name?: string;
  /**
   * Dockerfile of this stage, relative to the project root; a template ({python}/{variant}/Dockerfile). Default: the parent's, else the matrix's; when none is written, the Dockerfile in the context if the context is a template (as bake resolves it), else Dockerfile.
   */
  dockerfile?: string;
  /**
   * Build context of this stage, relative to the project root; a template. Default: the parent's, else the matrix's.
   */
  context?: string;
  platforms?: Platforms3;
  args?: Args1;
  args_unread?: ArgsUnread1;
  labels?: Labels1;
  secrets?: Secrets1;
  tags?: Tags1;
  output?: Output1;
  annotations?: Annotations1;
  only?: Selector2;
  /**
   * Part of the default group and the per-value groups. Default: true for stages with tags, with only the cells that get a tag (only requested targets are pushed, and buildx pushes no target without tags); when no stage has tags, for stages no other stage derives from. true: every cell.
   */
  default?: boolean;
  /**
   * Dependency layers: targets built in parallel from this stage's parent and bound into this stage as `target:` contexts under their Dockerfile stage names.
   */
  layers?: {
    [k: string]: Layer;
  };
  /**
   * Named contexts (bake `contexts`): a folder relative to the project root, or docker-image://, target: (not needed for stages: bake-matrix binds those), https:// or oci-layout://. Values are templates.
   */
  contexts?: {
    [k: string]: Template;
  };
  /**
   * Cache of this stage's targets (and its layers): keys given here replace the matrix's `cache` keys; `false` turns cache off for this stage.
   */
  cache?: false | StageCache;
}
/**
 * Bake `annotations` (buildx >= 0.12): OCI annotations of the image output, name -> template. A name may start with where it goes: `index:`, `manifest:`, `index-descriptor:`, `manifest-descriptor:` (and a platform: `manifest[linux/amd64]:`). Like labels, they flow down to the stages built on this one.
 */
export interface Annotations1 {
  [k: string]: string | number | boolean;
}
/**
 * Axis name to one value or a list of values; matches combinations having all of them.
 */
export interface Selector2 {
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
/**
 * Cache settings of one stage; missing keys come from the matrix's `cache`.
 */
export interface StageCache {
  /**
   * The type of `ref`: registry cache (a GitHub Actions cache is `gha`).
   */
  type?: 'registry';
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  ref?: string;
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  gha?: string;
  /**
   * Further cache-from entries, in order (e.g. the main branch's cache): registry refs, or { gha: <scope> }. The target's own `ref` and `gha` come first, unless listed here: then where they are listed.
   */
  fallback?: CacheEntry[];
  /**
   * Default: max.
   */
  mode?: 'max' | 'min';
  /**
   * Default: zstd. `none` writes no compression option (buildx's default).
   */
  compression?: 'zstd' | 'gzip' | 'estargz' | 'uncompressed' | 'none';
  /**
   * Write cache-to. Default: true.
   */
  export?: boolean;
  /**
   * More cache-to entries besides `ref` and `gha`, e.g. one per commit: registry refs, or { gha: <scope> }. The target's own come first, unless listed here: then where they are listed.
   */
  to?: CacheEntry[];
  /**
   * cache-to option oci-mediatypes (buildx's default: true).
   */
  'oci-mediatypes'?: boolean;
  /**
   * cache-to option image-manifest (BuildKit >= 0.12): write the cache as an image manifest, for registries that refuse an index.
   */
  'image-manifest'?: boolean;
  /**
   * cache-to option ignore-error: a failed cache export (registry down, no permission) is logged but does not fail a build whose images are done. Default: true (measured: buildx v0.10.4 + BuildKit v0.11.6).
   */
  'ignore-error'?: boolean;
}
export interface Cache {
  /**
   * The type of `ref`: registry cache (a GitHub Actions cache is `gha`).
   */
  type?: 'registry';
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  ref?: string;
  /**
   * A string with {placeholders}: axis names, variables, {stage}, {target}, {matrix}.
   */
  gha?: string;
  /**
   * Further cache-from entries, in order (e.g. the main branch's cache): registry refs, or { gha: <scope> }. The target's own `ref` and `gha` come first, unless listed here: then where they are listed.
   */
  fallback?: CacheEntry[];
  /**
   * Default: max.
   */
  mode?: 'max' | 'min';
  /**
   * Default: zstd. `none` writes no compression option (buildx's default).
   */
  compression?: 'zstd' | 'gzip' | 'estargz' | 'uncompressed' | 'none';
  /**
   * Write cache-to. Default: true.
   */
  export?: boolean;
  /**
   * More cache-to entries besides `ref` and `gha`, e.g. one per commit: registry refs, or { gha: <scope> }. The target's own come first, unless listed here: then where they are listed.
   */
  to?: CacheEntry[];
  /**
   * cache-to option oci-mediatypes (buildx's default: true).
   */
  'oci-mediatypes'?: boolean;
  /**
   * cache-to option image-manifest (BuildKit >= 0.12): write the cache as an image manifest, for registries that refuse an index.
   */
  'image-manifest'?: boolean;
  /**
   * cache-to option ignore-error: a failed cache export (registry down, no permission) is logged but does not fail a build whose images are done. Default: true (measured: buildx v0.10.4 + BuildKit v0.11.6).
   */
  'ignore-error'?: boolean;
  /**
   * Which targets write cache-to. each (default): every target reads and writes its own ref. images: only the images (default stages) and targets nothing links write; every other target reads the cache of the first image built on it (fewer exports, but a build that took those steps from the cache exports an image cache without them).
   */
  layout?: 'each' | 'images';
}
