// The stand-in docker (test/fixtures/fake-docker/docker) on a PATH of its own,
// with a log of what it was asked, and a PATH that has node but no docker at all.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testdir } from '../helpers/testdir.ts';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FAKE_DOCKER_DIR = join(REPO, 'test/fixtures/fake-docker');

export interface FakeDockerEvent {
  pid: number;
  event: 'start' | 'waiting' | 'signal' | 'violation';
  /** For a violation: what the stand-in refused in its argv. */
  violations?: string[];
  argv?: string[];
  signal?: string;
  builderEnv?: string | null;
  /** BUILDX_NO_DEFAULT_LOAD as the stand-in got it. */
  noDefaultLoad?: string | null;
}

export interface FakeDocker {
  /** The environment to hand to runCli or a child process. */
  env: NodeJS.ProcessEnv;
  /** A fresh folder for --out, metadata files and the like. */
  dir: string;
  events(): FakeDockerEvent[];
  /** The argv of each call, in order. */
  calls(): string[][];
  /** The argv of the `buildx bake` call. */
  bakeCall(): string[] | undefined;
  /** What the stand-in refused in the argv it got (imagetools create checks its sources). */
  violations(): string[];
}

/** A folder holding only a `node` link, so `#!/usr/bin/env node` works without the host's docker. */
function nodeOnlyBin(dir: string): string {
  const bin = join(dir, 'node-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
  }
  return bin;
}

/**
 * A small stack of our own (the example matrix changes with the project):
 * group "<framework>-<cuda>" = its runtime and dev targets, which link
 * base-<cuda> (and dev also the runtime) through `target:` contexts;
 * trtllm is amd64 only; also groups "<framework>", "<cuda>", "default".
 */
export const STACK = {
  'matrix/stack.yaml': `name: run-stack
registry: ghcr.io/example
dockerfile: Dockerfile
context: .
platforms: [linux/amd64, linux/arm64]
axes:
  cuda:
    cu129: { args: { CUDA_VERSION: "12.9.1" } }
    cu130: { args: { CUDA_VERSION: "13.0.1" } }
  framework:
    vllm: { args: { ENGINE: vllm } }
    trtllm: { args: { ENGINE: tensorrt-llm }, platforms: [linux/amd64] }
exclude:
  - { framework: trtllm, cuda: cu129 }
stages:
  base: { target: base, axes: [cuda], name: "base-{cuda}" }
  runtime:
    target: runtime
    from: base
    axes: [framework, cuda]
    tags: ["{registry}/{framework}:{cuda}"]
  dev: { target: dev, from: runtime, tags: ["{registry}/{framework}:{cuda}-dev"] }
groups:
  "{framework}-{cuda}": [runtime, dev]
`,
  Dockerfile: `FROM busybox AS base
ARG CUDA_VERSION
RUN echo $CUDA_VERSION > /cuda

FROM base AS runtime
ARG ENGINE
RUN echo $ENGINE > /engine

FROM runtime AS dev
RUN touch /dev-tools
`,
};

/** A fresh copy of STACK to run in. */
export function stackDir(): string {
  return testdir(STACK);
}

export function fakeDocker(settings: Record<string, string> = {}, options: { onPath?: boolean } = {}): FakeDocker {
  const dir = testdir({});
  const log = join(dir, 'fake-docker.log');
  const path = [...(options.onPath === false ? [] : [FAKE_DOCKER_DIR]), nodeOnlyBin(dir)].join(':');
  const events = (): FakeDockerEvent[] =>
    existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeDockerEvent) : [];
  const calls = () => events().filter((e) => e.event === 'start').map((e) => e.argv!);
  return {
    // Look-ups go to the stand-in (its imagetools inspect), never to a registry from this process.
    env: { PATH: path, FAKE_DOCKER_LOG: log, HOME: dir, BAKE_MATRIX_REGISTRY_LOOKUP: 'docker', ...settings },
    dir,
    events,
    calls,
    bakeCall: () => calls().find((argv) => argv[1] === 'bake'),
    violations: () => events().flatMap((e) => e.violations ?? []),
  };
}
