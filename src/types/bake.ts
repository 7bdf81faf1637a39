// The Bake model: exactly what is emitted, with Docker's own key spellings.
// See docs/bake-reference.md in docker/buildx; only attributes buildx v0.10 knows,
// except `annotations` (v0.12), written only when the matrix sets them.

export interface BakeTarget {
  description?: string;
  inherits?: string[];
  context?: string;
  dockerfile?: string;
  target?: string;
  contexts?: Record<string, string>;
  args?: Record<string, string>;
  labels?: Record<string, string>;
  tags?: string[];
  /** `id=ID,env=NAME` or `id=ID,src=PATH`; bake appends inherited ones. */
  secret?: string[];
  platforms?: string[];
  'cache-from'?: string[];
  'cache-to'?: string[];
  /** `type=image,name=REPO,push-by-digest=true,...` or `type=cacheonly` (per-platform targets). */
  output?: string[];
  /** `[type[platform]:]key=value` (buildx >= 0.12); bake appends inherited ones. */
  annotations?: string[];
}

export interface BakeGroup {
  targets: string[];
}

export interface BakeVariable {
  default: string;
}

export interface BakeFile {
  variable?: Record<string, BakeVariable>;
  group: Record<string, BakeGroup>;
  target: Record<string, BakeTarget>;
}
