// The GitHub Actions workflows `bake-matrix init --ci github` writes:
// templates/github/ in the package, the example stack's own workflows
// (.github/workflows/images.yml and bake-stage.yml) hardened the same way, with
// bake-matrix run from the project's node_modules. test/ci/workflow.test.ts
// validates and checks them with the repository's own.
import { readFileSync } from 'node:fs';

/** Where init writes each template (the folder is two levels above src/init/ and dist/init/ alike). */
export const WORKFLOW_TEMPLATES: Record<string, string> = {
  '.github/workflows/bake.yml': 'bake.yml',
  '.github/workflows/bake-stage.yml': 'bake-stage.yml',
};

export function githubWorkflows(): Record<string, string> {
  return Object.fromEntries(Object.entries(WORKFLOW_TEMPLATES).map(([path, template]) => [path, readFileSync(new URL(`../../templates/github/${template}`, import.meta.url), 'utf8')]));
}
