// Objects keyed by input: arg and label names, axes, values, stages, contexts,
// and target and group names made from them. A dict has no prototype, so
// `__proto__`, `constructor` or `toString` is a key like any other (set, read,
// listed and serialised by JSON.stringify), never one of Object's members; and
// a key that is not there reads as undefined.

/** An empty dict, or one holding `entries` in their order. */
export function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  // Not Object.create(null): V8 makes that a hash-table object from the start (about twice the memory, slower to
  // read), where a literal given a null prototype keeps fast properties until it grows large. The planner makes
  // several per target (values, args, labels, contexts).
  const out = Object.setPrototypeOf({}, null) as Record<string, T>;
  if (entries) for (const [key, value] of entries) out[key] = value;
  return out;
}

/** The value at `key` when `object` has it as its own key (not Object's `constructor`, `toString`...). */
export function own<T>(object: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Sets `key` as an own data property of a plain object: parsed data stays plain
 * objects (the schema checker's deep-equal needs their prototype), and a plain
 * assignment of `__proto__` would set the prototype instead of a key.
 */
export function define(object: Record<string, unknown>, key: string, value: unknown): void {
  // Only `__proto__` is an accessor on Object.prototype; any other key assigned makes the same own
  // data property, without defineProperty's cost (the planner defines every key of every target).
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * The keys of a dict as a plain object of own properties: for the Bake model's
 * maps (args, labels, contexts), which are written out and compared, never
 * looked up by a key from input.
 */
export function plain<T>(entries: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(entries)) define(out, key, entries[key]);
  return out;
}
