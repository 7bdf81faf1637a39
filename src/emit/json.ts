// emit: Bake model -> docker-bake.json text. Same model, same bytes: every
// object's keys are sorted; arrays keep their (meaningful) order.
import type { BakeFile } from '../types/bake.ts';
import { define } from '../dict.ts';
import { ByteWriter, textOf, type ByteSource } from './byte-writer.ts';

export function emitJson(bake: BakeFile): string {
  return textOf(jsonSource(bake));
}

/**
 * The docker-bake.json bytes of `bake`: what `JSON.stringify` of the model
 * with every object's keys sorted writes (indented by 2, and a newline), a
 * block at a time, so that the whole text never exists as one string.
 */
export function jsonSource(bake: BakeFile): ByteSource {
  return (write) => {
    const out = new ByteWriter(write);
    // An empty "group" (or "target", "variable") object is an error for bake's HCL-JSON
    // reader ("Missing block label"): leave it out, as the HCL form has no block then.
    const model = bake as unknown as Record<string, unknown>;
    const types = sortedKeys(model).filter((type) => {
      const blocks = model[type];
      return blocks && Object.keys(blocks).length > 0;
    });
    if (types.length === 0) out.text('{}');
    types.forEach((type, i) => {
      const blocks = model[type];
      const lead = `${i ? ',' : '{'}\n  ${JSON.stringify(type)}: `;
      if (typeof blocks !== 'object' || blocks === null || Array.isArray(blocks)) return out.text(lead + indented(blocks, '\n  '));
      const object = blocks as Record<string, unknown>;
      // JSON.stringify leaves out an object's undefined, function and symbol values.
      const names = sortedKeys(object).filter((name) => object[name] !== undefined && typeof object[name] !== 'function' && typeof object[name] !== 'symbol');
      if (names.length === 0) return out.text(`${lead}{}`);
      // A batch of blocks at a time, stringified at their depth inside a wrapper
      // whose own lines are cut off: the text is JSON.stringify's all through.
      const swaps: Swap[] = [];
      for (let start = 0; start < names.length; start += BATCH) {
        const batch: Record<string, unknown> = {};
        let text: string;
        try {
          for (const name of names.slice(start, start + BATCH)) define(batch, name, blockInOrder(object[name], swaps));
          text = JSON.stringify({ x: batch }, null, 2);
        } finally {
          putBack(swaps);
        }
        out.text(start === 0 ? `${lead}{${BATCH_OPEN}` : `,${BATCH_OPEN}`);
        out.text(text.slice(WRAPPER_OPEN.length, text.length - WRAPPER_CLOSE.length));
      }
      out.text(WRAPPER_CLOSE.slice(0, -2));
    });
    if (types.length) out.text('\n}');
    out.text('\n');
    out.end();
  };
}

/** Blocks per JSON.stringify call. */
const BATCH = 256;
/** How JSON.stringify({ x: batch }, null, 2) begins and ends around the batch's entries. */
const WRAPPER_OPEN = '{\n  "x": {\n    ';
const WRAPPER_CLOSE = '\n  }\n}';
const BATCH_OPEN = '\n    ';

/** JSON.stringify(value with its keys sorted, null, 2) with each line after the first indented by `newline`'s spaces. */
function indented(value: unknown, newline: string): string {
  return JSON.stringify(sortDeep(value), null, 2).replaceAll('\n', newline);
}

/**
 * The keys in the order JSON.stringify writes them from a sorted copy (what
 * sortDeep makes): sorted, but an array index ("0", "42"), which an object
 * lists first in numeric order, before the others.
 */
function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (inOrder(keys)) return keys;
  keys.sort();
  if (!keys.some((key) => key.charCodeAt(0) >= 0x30 && key.charCodeAt(0) <= 0x39)) return keys; // no index
  const copy: Record<string, unknown> = {};
  for (const key of keys) define(copy, key, true);
  return Object.keys(copy);
}

/** A map of a block swapped for its sorted copy while a batch is written. */
interface Swap {
  block: Record<string, unknown>;
  key: string;
  original: unknown;
}

/**
 * What to write for a block: sortDeep's value, but a block whose own keys are in order and whose values
 * are texts, lists of texts and maps of texts (every bake target) is not copied for a map out of order
 * (a target's `contexts`, in chain order): the map is swapped for its sorted copy in place, and `swaps`
 * puts it back once the batch is written (nothing else runs in between).
 */
function blockInOrder(value: unknown, swaps: Swap[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.isFrozen(value)) return sortDeep(value);
  const block = value as Record<string, unknown>;
  const keys = Object.keys(block);
  if (!inOrder(keys)) return sortDeep(value);
  for (const key of keys) if (!flat(block[key])) return sortDeep(value);
  const mark = swaps.length;
  for (const key of keys) {
    const child = block[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) continue;
    const sorted = sortDeep(child);
    if (sorted === child) continue;
    // Only a plain writable value is swapped (a read-only or accessor one: the block is copied, as sortDeep does).
    const own = Object.getOwnPropertyDescriptor(block, key);
    if (!own || !own.writable || !own.configurable) {
      putBack(swaps, mark);
      return sortDeep(value);
    }
    swaps.push({ block, key, original: child });
    define(block, key, sorted);
  }
  return block;
}

/** A text (or other primitive), a list of them, or a map of them: what sortDeep copies at most one level of. */
function flat(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') return false;
    return true;
  }
  const map = value as Record<string, unknown>;
  for (const key in map) if (map[key] !== null && typeof map[key] === 'object') return false;
  return true;
}

/** Puts back the swaps from `from` on, last first. */
function putBack(swaps: Swap[], from = 0): void {
  for (let i = swaps.length - 1; i >= from; i--) define(swaps[i]!.block, swaps[i]!.key, swaps[i]!.original);
  swaps.length = from;
}

/** The value with every object's keys sorted; parts already in order are returned as they are, not copied. */
function sortDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      const sorted = sortDeep(item);
      if (sorted !== item) (out ??= value.slice())[i] = sorted;
    }
    return out ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  // Copies are plain objects (define() keeps `__proto__` a key): JSON.stringify writes those faster than prototype-less ones.
  if (!inOrder(keys)) {
    const out: Record<string, unknown> = {};
    for (const key of keys.sort()) define(out, key, sortDeep(object[key]));
    return out;
  }
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const child = object[keys[i]!];
    const sorted = sortDeep(child);
    if (sorted !== child && !out) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j]!, object[keys[j]!]);
    }
    if (out) define(out, keys[i]!, sorted);
  }
  return out ?? object;
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}
