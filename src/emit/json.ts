// emit: Bake model -> docker-bake.json text. Same model, same bytes: every
// object's keys are sorted; arrays keep their (meaningful) order.
import type { BakeFile } from '../types/bake.ts';

export function emitJson(bake: BakeFile): string {
  // An empty "group" (or "target", "variable") object is an error for bake's HCL-JSON
  // reader ("Missing block label"): leave it out, as the HCL form has no block then.
  const blocks = Object.fromEntries(Object.entries(bake).filter(([, v]) => v && Object.keys(v).length > 0));
  return JSON.stringify(sortDeep(blocks), null, 2) + '\n';
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compare)) sorted[key] = sortDeep((value as Record<string, unknown>)[key]);
  return sorted;
}

/** Code-point order, independent of the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
