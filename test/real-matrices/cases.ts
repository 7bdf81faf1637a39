// The golden cases: one folder of test/fixtures/real-matrices/ each, the values
// the test gives the run-time variables, the fields of the original it does
// not compare (and why), and any deviation the matrix makes on purpose.
import { fileURLToPath } from 'node:url';
import { normalized, type ExpectedBuild, type Original, type OriginalImage } from './expected-builds.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/real-matrices/', import.meta.url));

export interface RealMatrixCase {
  /** The folder under test/fixtures/real-matrices/. */
  name: string;
  /**
   * Run-time values: the bake variables of the generated file, by their env
   * names, which are the names the original's `${NAME}` placeholders use.
   */
  values: Record<string, string>;
  /** Fields of the original images that are not bake inputs or outputs, and why they are not compared. */
  notCompared: Record<string, string>;
  /** A deviation from the original the matrix makes on purpose (documented in the case's notes.md). */
  adjust?: (build: ExpectedBuild, original: Original) => ExpectedBuild;
  /** Tags that cannot be known before the build, left out of the comparison. */
  leftOut?: { reason: string; tags: (image: OriginalImage) => string[] };
}

export const CASES: RealMatrixCase[] = [
  {
    name: 'llama.cpp',
    values: { BUILD_NUMBER: '6543' },
    notCompared: {
      provenance: 'false: a run-time flag, `bake-matrix run default --provenance=false`',
      push: 'a run-time flag: `bake-matrix run default --push`',
    },
    // The original's one unscoped GitHub Actions cache is shared by all 18 builds (buildx#3819:
    // the last export wins); the matrix gives each target its own scope, its name.
    adjust: (build) => normalized({ ...build, cacheFrom: build.cacheFrom.map((c) => c.replace(/^type=gha/, `type=gha,scope=${build.image}`)), cacheTo: build.cacheTo.map((c) => c.replace(/^type=gha/, `type=gha,scope=${build.image}`)) }),
  },
  {
    name: 'python',
    values: {},
    notCompared: {
      bashbrew: 'the library file as published (bare tags, arch names, GitCommit, Builder, Constraints): the same facts as the compared fields, plus provenance',
    },
  },
  {
    name: 'aws-ofi-nccl',
    values: { GITHUB_REPOSITORY: 'aws/aws-ofi-nccl' },
    notCompared: {
      sourceJob: 'the name of the workflow job that builds the image',
      matrixEntry: 'the GitHub Actions matrix combination, with `platform-aws`, which the build does not use',
    },
    // The original's one unscoped GitHub Actions cache is shared by all 55 jobs (buildx#3819: the
    // last export wins); the matrix gives each target its own scope, its name (the image's name
    // without the repository prefix and the efalattest/latest suffix, "." as "_").
    adjust: (build) => {
      const scope = `type=gha,scope=${build.image.replace(/^aws-ofi-nccl-/, '').replace(':', '-').replace(/-(efalattest|latest)$/, '').replaceAll('.', '_')}`;
      return normalized({ ...build, cacheFrom: build.cacheFrom.map((c) => c.replace(/^type=gha/, scope)), cacheTo: build.cacheTo.map((c) => c.replace(/^type=gha/, scope)) });
    },
  },
  {
    name: 'golang',
    values: {},
    notCompared: {
      bashbrew: 'the library file as published (bare tags, arch names, GitCommit, Directory, Builder, Constraints): the same facts as the compared fields, plus provenance and the Windows build hosts',
    },
  },
  {
    name: 'sglang',
    values: { VERSION: '0.5.6', BUILD_COMMIT: '13c98eb9850721b64ef355bb67e0b667958635ca', GITHUB_RUN_ID: '20087654321' },
    notCompared: {
      noCache: 'a run-time flag: `bake-matrix run default --no-cache`',
    },
  },
  {
    name: 'sglang-64ec4f88',
    values: { VERSION: '0.4.6' },
    notCompared: { noCache: 'a run-time flag: `bake-matrix run default --no-cache`' },
  },
  {
    name: 'vllm',
    values: {
      RELEASE_VERSION: '0.11.1',
      RELEASE_VERSION_INPUT: 'v0.11.1',
      BUILDKITE_COMMIT: '1bf39398475eee4698a704f7994168b970642f7d',
      BUILDKITE_PIPELINE_ID: '019a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8',
      BUILDKITE_BUILD_URL: 'https://buildkite.com/vllm/release/builds/4711',
      ROCM_BASE_PARENT_PINNED: 'rocm/dev-ubuntu-22.04@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      ROCM_BASE_CACHE_KEY: '5f0e3a9c7b21d4e6',
      // The original passes the ROCm base by digest (meta-data written after its build);
      // the matrix links the base target under its staging tag, which names that image.
      ROCM_BASE_IMAGE_REF: 'public.ecr.aws/q9t5s3a7/vllm-release-repo:5f0e3a9c7b21d4e6-rocm-base',
      ROCK_BASE_CACHE_KEY: '9a8b7c6d5e4f3a2b',
    },
    notCompared: {
      gated: 'a manual block step of the pipeline before the CPU builds',
      pull: '--pull on the ROCm base build: a run-time flag (`bake-matrix run default --pull`), for every target',
      builtOnlyOnCacheMiss: 'the pipeline skips the base build when its tag exists; with bake, registry cache does that',
      published: 'false for the ROCk images: built, but not re-tagged on Docker Hub (they have no public tags)',
    },
  },
  {
    name: 'jupyter-docker-stacks',
    values: { GIT_SHA12: '820938695049' },
    notCompared: {
      published: 'true for every image: all are pushed and merged on main',
      sourceJobs: 'the names of the original\'s CI jobs',
    },
    adjust: (build, original) => {
      const image = original.images.find((i) => i.id === build.image)!;
      if (!image.parentImage) {
        // docker-stacks-foundation's Dockerfile declares neither REGISTRY nor OWNER: the
        // original passes them for nothing, and bake-matrix refuses an arg no ARG declares.
        const { REGISTRY: _r, OWNER: _o, ...args } = build.args;
        return normalized({ ...build, args });
      }
      // The original builds the parent in an earlier job and loads it under the name the
      // Dockerfile's default BASE_IMAGE gives ($REGISTRY/$OWNER/<parent>). The matrix
      // passes BASE_IMAGE = the parent's tag for the same architecture, and bake links
      // the parent target under that name (from: {stage, arg: BASE_IMAGE}).
      const parent = original.images.find((i) => i.tags.includes(`${image.parentImage}:latest`))!;
      const [platform] = build.platforms;
      return normalized({ ...build, args: { ...build.args, BASE_IMAGE: parent.platformTags![platform!]![0]! } });
    },
    leftOut: {
      reason: 'the version tags the original computes by running the built image (python-3.13, lab-4.x, the date, ...)',
      tags: (image) => image.runtimeTags ?? [],
    },
  },
];
