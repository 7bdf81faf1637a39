// A small matrix whose line numbers the inspect tests assert: keep lines in place,
// add new ones at the end.
import { testdir } from '../helpers/testdir.ts';

export const STACK_YAML = `name: fx
registry: ghcr.io/fx
dockerfile: Dockerfile
platforms: [linux/amd64]
args:
  PYTHON_VERSION: "3.12"
stages:
  base:
    target: base
    axes: [cuda]
    name: "base-{cuda}"
    args:
      BASE_ONLY: "yes"
  app:
    target: app
    from: base
    axes: [engine, cuda]
    tags: ["{registry}/{engine}:{version}-{cuda}"]
    layers:
      deps:
        target: deps
        axes: [cuda]
        name: "deps-{cuda}"
        args:
          DEPS_URL: "https://example.com/{cuda}"
overrides:
  - when: { engine: one, cuda: c2 }
    args:
      PATCH: "1"
labels:
  org.example.title: "{target}"
cache:
  ref: "{registry}/cache:{target}"
`;

export const VALUES_TOML = `[axes.cuda.c1]
args = { CUDA_VERSION = "1.0" }

[axes.cuda.c2]
args = { CUDA_VERSION = "2.0" }

[axes.engine.one]
args = { ENGINE = "one" }

[axes.engine.two]
args = { ENGINE = "two" }
`;

export const DOCKERFILE = `FROM scratch AS base
ARG PYTHON_VERSION
ARG CUDA_VERSION
ARG BASE_ONLY
FROM base AS deps
ARG DEPS_URL
FROM base AS app
ARG ENGINE
ARG PATCH
COPY --from=deps / /
`;

/** A project folder holding the fixture matrix (plus `extra` files). */
export function fixtureProject(extra: Record<string, string> = {}): string {
  return testdir({ Dockerfile: DOCKERFILE, 'matrix/stack.yaml': STACK_YAML, 'matrix/values.toml': VALUES_TOML, ...extra });
}
