// The one answer to "is the installed buildx new enough for this?".

export interface BuildxVersion {
  /** As printed, e.g. "v0.10.4" or "0.17.1-desktop.1". */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/** Parses `docker buildx version` ("github.com/docker/buildx v0.10.4 c513d34..."). */
export function parseBuildxVersion(output: string): BuildxVersion | undefined {
  const match = /(?:^|\s)(v?(\d+)\.(\d+)\.(\d+)\S*)/.exec(output);
  if (!match) return undefined;
  return { text: match[1]!, major: Number(match[2]), minor: Number(match[3]), patch: Number(match[4]) };
}

/** Whether `version` is at least `minimum` ("0.16.0"); an unknown version is given the benefit of the doubt. */
export function versionSatisfies(version: BuildxVersion | undefined, minimum: string): boolean {
  if (!version) return true;
  const [major = 0, minor = 0, patch = 0] = minimum.split('.').map(Number);
  const have = [version.major, version.minor, version.patch];
  const want = [major, minor, patch];
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i]! > want[i]!;
  return true;
}

/** The oldest buildx whose bake reads what we generate (see DESIGN.md, "Bake facts that bite"). */
export const MINIMUM_BUILDX = '0.10.0';
