// $GITHUB_STEP_SUMMARY: commands append Markdown there when it is set.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Appends `markdown` to $GITHUB_STEP_SUMMARY when set; a failure to write is only reported. */
export function appendStepSummary(io: { cwd: string; env: NodeJS.ProcessEnv; stderr: (text: string) => void }, markdown: string): void {
  const path = io.env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    appendFileSync(resolve(io.cwd, path), markdown);
  } catch (e) {
    io.stderr(`bake-matrix: could not append the summary to GITHUB_STEP_SUMMARY (${path}): ${(e as Error).message}\n`);
  }
}
