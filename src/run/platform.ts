// Platform strings as containerd normalises them, so that a target's
// `linux/arm64` matches a builder's `linux/arm64/v8` and `linux/arm` its
// `linux/arm/v7`. `docker buildx inspect` marks platforms the builder was
// configured with by a trailing `*`; it means nothing here.

const ARCH: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', i686: '386' };

export function normalizePlatform(platform: string): string {
  const parts = platform.trim().replace(/\*$/, '').toLowerCase().split('/');
  const [os = '', rawArch = '', rawVariant] = parts;
  const arch = ARCH[rawArch] ?? rawArch;
  let variant = rawVariant ?? '';
  if (arch === 'arm64' && variant === 'v8') variant = '';
  if (arch === 'arm' && variant === '') variant = rawArch === 'armel' ? 'v6' : 'v7';
  if (arch === 'amd64' && variant === 'v1') variant = '';
  return [os, arch, variant].filter(Boolean).join('/');
}

/** Split comma-separated lists (as buildx does for --set *.platform=a,b and for inspect output). */
export function splitPlatforms(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter(Boolean);
}

/** The platforms in `wanted` that `available` does not offer. */
export function missingPlatforms(wanted: readonly string[], available: readonly string[]): string[] {
  const offered = new Set(available.map(normalizePlatform));
  return wanted.filter((p) => !offered.has(normalizePlatform(p)));
}
