// Reads a docker-bake.hcl back into the shape of docker-bake.json, with a real
// HCL parser: @cdktn/hcl2json is HashiCorp's HCL library (hclsyntax) compiled
// to wasm, so it runs offline (the maintained fork of @cdktf/hcl2json, which
// went unmaintained with CDKTF; same output, byte for byte, on our files). It returns template strings in HCL's JSON form
// (`$${` for a literal `${`, interpolations kept as `${...}`), i.e. exactly the
// strings a docker-bake.json holds; blocks come as arrays of bodies
// (`{"target": {"x": [{...}]}}`), which are unwrapped here.
import { parse } from '@cdktn/hcl2json';

export async function parseBakeHcl(text: string, filename = 'docker-bake.hcl'): Promise<Record<string, Record<string, unknown>>> {
  const parsed: Record<string, Record<string, unknown[]>> = await parse(filename, text);
  const bake: Record<string, Record<string, unknown>> = {};
  for (const [type, blocks] of Object.entries(parsed)) {
    bake[type] = {};
    for (const [name, bodies] of Object.entries(blocks)) {
      if (bodies.length !== 1) throw new Error(`${filename}: ${type} "${name}" is defined ${bodies.length} times`);
      bake[type][name] = bodies[0];
    }
  }
  return bake;
}

/**
 * The value as HCL (through cty) sees it: every string and object key in NFC.
 * Bake normalises both the JSON and the HCL file this way, so a JSON file is
 * compared with a parsed HCL file only after this.
 */
export function normalizeStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(normalizeStrings);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.normalize('NFC'), normalizeStrings(v)]));
}
