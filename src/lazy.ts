// A package that only some commands or inputs need is loaded on first use, not
// at start-up (`--help` loads none; a YAML-only matrix never loads the TOML
// parser). Synchronous, so the pipeline stays a plain function: require() of
// CommonJS packages, and of ES modules on Node >= 20.19.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
