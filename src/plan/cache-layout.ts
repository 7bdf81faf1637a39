// Which targets write a registry cache (cache-to) and which cache each target
// reads (cache-from). Measured on buildx v0.10.4 + BuildKit v0.11.6 with
// scripts/bench-build.ts; docs/internals.md, "Cache layouts", has the numbers.
//
// A target linked through a `target:` context is its own build with its own
// cache-from and cache-to, and a consumer's build contains the steps of every
// target it links. Layouts:
//
//   each (default)  Every target reads and writes its own ref. A consumer
//                   starts when its parent's build has its result, before the
//                   parent's cache export ends: the exports are off the chain's
//                   critical path. Every step stays in the ref of the target
//                   that runs it, so a fresh builder finds every step, run
//                   after run.
//   images          Only the images (targets of default stages) and targets
//                   nothing links write cache-to, each to its own ref (mode=max
//                   holds every step below them); every other target reads the
//                   ref of the first image that links it. Fewer exports, but an
//                   image built on a fresh builder from the cache exports a
//                   cache without the steps its linked targets took from the
//                   cache: they run again on the next fresh builder.

import type { BakeTarget } from '../types/bake.ts';
import type { CacheSpec } from '../types/matrix.ts';

export type CacheLayout = CacheSpec['layout'];

/**
 * Applies the layout to targets that each carry their own cache (ownCache),
 * in planning order (parents before the targets that link them).
 * `isImage(name)`: whether the target is one of the images users build.
 */
export function applyCacheLayout(targets: Record<string, BakeTarget>, layout: CacheLayout, isImage: (name: string) => boolean): void {
  if (layout !== 'images') return;
  const linkedBy = new Map<string, string[]>();
  for (const [name, target] of Object.entries(targets)) {
    for (const value of Object.values(target.contexts ?? {})) {
      if (!value.startsWith('target:')) continue;
      const linked = value.slice('target:'.length);
      const consumers = linkedBy.get(linked);
      if (consumers) consumers.push(name);
      else linkedBy.set(linked, [name]);
    }
  }
  const writes = (name: string) => isImage(name) || !linkedBy.has(name);
  for (const [name, target] of Object.entries(targets)) {
    if (!target['cache-from'] || writes(name)) continue;
    // Every target above an image is bound by the image's own contexts, so some writer links it directly.
    const writer = linkedBy.get(name)!.find(writes);
    if (!writer) continue;
    delete target['cache-to'];
    target['cache-from'] = [...targets[writer]!['cache-from']!];
  }
}
