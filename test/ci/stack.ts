// A small per-platform stack for the ci, manifest and per-platform tests:
// a base per cuda (shared by two frameworks), a tagged runtime per
// framework x cuda, trtllm amd64 only, a shared tag over the cuda variants of
// trtllm (one image per platform), a release-only tag, and `ci:` runners.
export const CI_STACK = `name: ci-stack
registry: localhost:5000/ci
platforms: [linux/amd64, linux/arm64]
variables:
  release: { env: RELEASE_VERSION, default: "" }
  pr_base: { env: CACHE_PR_BASE, default: "" }
axes:
  cuda:
    cu129: { args: { CUDA_VERSION: "12.9.1" } }
    cu130: { args: { CUDA_VERSION: "13.0.1" } }
  framework:
    vllm: { args: { ENGINE: vllm } }
    sglang: { args: { ENGINE: sglang } }
stages:
  base: { target: base, axes: [cuda], name: "base-{cuda}" }
  runtime:
    target: runtime
    from: base
    axes: [framework, cuda]
    tags:
      - "{registry}/{framework}:{version}-{cuda}"
      - { tag: "{registry}/{framework}:{release}-{cuda}", if: release }
groups:
  "{framework}-{cuda}": [runtime]
cache:
  ref: "{registry}/cache:{target}"
  fallback: ["{registry}/cache:{target}-{pr_base}"]
ci:
  runners:
    linux/amd64: ubuntu-24.04
    linux/arm64: [self-hosted, arm64]
`;

export const CI_DOCKERFILE = `FROM busybox AS base
ARG CUDA_VERSION
RUN echo $CUDA_VERSION > /cuda

FROM base AS runtime
ARG ENGINE
RUN echo $ENGINE > /engine
`;

/** One image per platform behind one shared tag: flavor x86 is amd64 only, arm is arm64 only (list, manifest). */
export const SHARED_TAG_STACK = `registry: localhost:5000/sh
platforms: [linux/amd64, linux/arm64]
args: { CUDA_VERSION: "12.9.1" }
axes:
  flavor:
    x86: { platforms: [linux/amd64], args: { ENGINE: a } }
    arm: { platforms: [linux/arm64], args: { ENGINE: b } }
stages:
  base: { target: base, name: base }
  runtime:
    target: runtime
    from: base
    axes: [flavor]
    tags: ["{registry}/app:{version}-{flavor}", { tag: "{registry}/app:{version}", shared: true }]
ci: { runners: { linux/amd64: a, linux/arm64: b } }
`;
