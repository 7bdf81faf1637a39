// A command's JSON result with the generation's warnings: its own small module, so that
// `run` on an unchanged matrix uses it without loading the pipeline (cli/pipeline.ts).

/** The result, with `warnings` (already as JSON) when there were any (--json prints them nowhere else). */
export function withWarningsJson<T extends object>(result: T, warnings: readonly object[]): T & { warnings?: object[] } {
  return warnings.length ? { ...result, warnings: [...warnings] } : result;
}
