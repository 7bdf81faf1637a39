// Shared tags `bake-matrix manifest` could not assemble, refused at generate
// time. A shared tag is one manifest list of every image that carries it, and
// a manifest list holds one image per platform: os/arch[/variant] and, for
// Windows, the OCI os.version (Windows Server 2022 and 2025 images are both
// windows/amd64, told apart by 10.0.20348 and 10.0.26100). Two images of the
// same platform and os.version under one shared tag leave a client nothing to
// choose by: that, and only that, is refused. Images of different platforms
// (a Linux image and Windows images under `python:3.14`) share a tag fine.
import { error, type Problem } from '../problems/problem.ts';
import { piecesToBake } from '../template/index.ts';
import type { Matrix } from '../types/matrix.ts';
import type { TargetInfo } from './index.ts';

/** Sets each target's `osVersion` from its values (`os_version`); two values of one target that disagree are a problem. */
export function assignOsVersions(m: Matrix, targets: ReadonlyMap<string, TargetInfo>): Problem[] {
  const byValue = new Map(m.axes.flatMap((a) => a.values.filter((v) => v.osVersion !== undefined).map((v) => [`${a.name}\0${v.name}`, v] as const)));
  if (!byValue.size) return [];
  const problems = new Map<string, Problem>();
  for (const info of targets.values()) {
    const set = Object.entries(info.values).flatMap(([axis, value]) => (value === undefined ? [] : [byValue.get(`${axis}\0${value}`)].filter((v) => v !== undefined)));
    if (!set.length) continue;
    const versions = [...new Set(set.map((v) => v.osVersion!))];
    if (versions.length > 1) {
      const [a, b] = set;
      const key = `${a!.axis}=${a!.name} ${b!.axis}=${b!.name}`;
      if (!problems.has(key)) problems.set(key, error('os-version-conflict', `The ${a!.axis} "${a!.name}" gives os_version ${a!.osVersion} and the ${b!.axis} "${b!.name}" gives ${b!.osVersion}: "${info.name}" has both values, and an image has one os.version.`, {
        file: b!.origin.file,
        pointer: `${b!.origin.pointer}/os_version`,
        hint: 'Set os_version on the values of one axis only (the one that picks the Windows version).',
      }));
      continue;
    }
    info.osVersion = versions[0];
  }
  return [...problems.values()];
}

/** A platform as a manifest list tells images apart: `windows/amd64 (os.version 10.0.20348)`. */
export function manifestPlatform(platform: string, osVersion: string | undefined): string {
  return osVersion !== undefined && platform.startsWith('windows/') ? `${platform} (os.version ${majorMinorBuild(osVersion)})` : platform;
}

/** Windows tells releases apart by major.minor.build: 10.0.20348.4052 and 10.0.20348 are one release. */
export function majorMinorBuild(version: string): string {
  return version.split('.').slice(0, 3).join('.');
}

export function sharedTagProblems(targets: ReadonlyMap<string, TargetInfo>): Problem[] {
  /** Shared tag (as bake writes it) -> manifest platform -> the first image giving it. */
  const lists = new Map<string, Map<string, string>>();
  const problems = new Map<string, Problem>();
  for (const info of targets.values()) {
    if (!info.platforms.length) continue;
    for (const tag of info.tags) {
      if (!tag.shared) continue;
      const key = piecesToBake(tag.pieces);
      let list = lists.get(key);
      if (!list) lists.set(key, (list = new Map()));
      for (const platform of info.platforms) {
        const place = manifestPlatform(platform, info.osVersion);
        const other = list.get(place);
        if (other === undefined) {
          list.set(place, info.name);
          continue;
        }
        if (other === info.name || problems.has(`${key}\0${place}`)) continue;
        const windows = platform.startsWith('windows/');
        problems.set(`${key}\0${place}`, error('shared-tag-platform', `The shared tag "${tag.preview || tag.template}" would hold two ${place} images, of "${other}" and of "${info.name}": a manifest list holds one image per platform, so \`bake-matrix manifest\` could not make it (a client could not choose between them).`, {
          file: tag.origin.file,
          pointer: tag.origin.pointer,
          hint: windows && info.osVersion === undefined
            ? 'Windows images of different Windows versions are told apart by their os.version: set `os_version` on the values that pick the version (10.0.20348 for ltsc2022, 10.0.26100 for ltsc2025). Otherwise give the images tags of their own, or limit the tag with `when`.'
            : 'A shared tag stands for images of different platforms (one manifest list): give the images tags of their own, or limit the tag with `when`.',
        }));
      }
    }
  }
  return [...problems.values()];
}
