// Which `ci.runners` entry a per-platform image runs on. A key may name an OS
// version as containerd's platforms package writes one, `windows(10.0.20348)/amd64`,
// for the images whose values give that `os_version` (Windows Server 2022 and
// 2025 images are both windows/amd64 but need hosts of their own release); every
// other image of the platform takes the plain key.
import { majorMinorBuild } from './shared-tags.ts';

/** The runner key for an image of `platform` with this os.version, or undefined when ci.runners has none. */
export function runnerKeyOf(runners: Readonly<Record<string, unknown>>, platform: string, osVersion: string | undefined): string | undefined {
  if (osVersion !== undefined) {
    const slash = platform.indexOf('/');
    const [os, rest] = [platform.slice(0, slash), platform.slice(slash)];
    const wanted = majorMinorBuild(osVersion);
    for (const key of Object.keys(runners)) {
      const m = /^([a-z0-9]+)\(([0-9.]+)\)(\/.*)$/.exec(key);
      if (m && m[1] === os && m[3] === rest && majorMinorBuild(m[2]!) === wanted) return key;
    }
  }
  return Object.hasOwn(runners, platform) ? platform : undefined;
}
