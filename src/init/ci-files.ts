// The CI files `bake-matrix init --ci <ci>` writes: templates/<ci>/ in the
// package (the folder is two levels above src/init/ and dist/init/ alike).
// github: the example stack's own workflows (.github/workflows/images.yml and
// bake-stage.yml) hardened the same way, with bake-matrix run from the
// project's node_modules (test/ci/workflow.test.ts validates them); gitlab and
// buildkite: the pipelines of docs/ci.md (test/ci/pipelines.test.ts).
import { readFileSync } from 'node:fs';

export const CI_SYSTEMS = ['github', 'gitlab', 'buildkite'] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];

export interface CiFile {
  /** Where init writes it, relative to the project root. */
  path: string;
  text: string;
  /** 0o755 for the script a pipeline step runs. */
  mode: number;
}

/** Where each template goes: the paths docs/ci.md and each template's header name. */
const CI_TEMPLATES: Record<CiSystem, Record<string, string>> = {
  github: { '.github/workflows/bake.yml': 'bake.yml', '.github/workflows/bake-stage.yml': 'bake-stage.yml' },
  gitlab: { '.gitlab-ci.yml': '.gitlab-ci.yml', '.gitlab/bake-jobs.yml': 'bake-jobs.yml' },
  buildkite: { '.buildkite/pipeline.yml': 'pipeline.yml', '.buildkite/env.sh': 'env.sh', '.buildkite/bake-job.sh': 'bake-job.sh' },
};

export function ciFiles(ci: CiSystem): CiFile[] {
  return Object.entries(CI_TEMPLATES[ci]).map(([path, template]) => ({
    path,
    text: readFileSync(new URL(`../../templates/${ci}/${template}`, import.meta.url), 'utf8'),
    mode: template === 'bake-job.sh' ? 0o755 : 0o644,
  }));
}
