// A synthetic matrix of about `targets` targets, shaped like the example stack:
// a base per CUDA-like value, a shared torch-like layer, then per combination a
// framework, an engine layer and a runtime; two platforms, cache, labels, tags;
// and the Dockerfile its stages build. Used by the benchmarks (scripts/bench*.ts)
// and the tests that need a large matrix. `version` changes one arg of every
// target (two versions: two different bake files).

/** base over A, framework (with a layer over A and one over A x B) and runtime over A x B. */
export function syntheticMatrix(targets: number, version = '0') {
  // targets ~= a (base) + a (shared layer) + 3ab (framework, engine layer, runtime)
  const a = Math.max(1, Math.round(Math.sqrt(targets / 3) / 2));
  const b = Math.max(1, Math.round((targets - 2 * a) / (3 * a)));
  const values = (prefix: string, n: number, arg: string) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { args: { [arg]: `${prefix}-${i}` } }]));
  return {
    name: 'bench',
    registry: 'registry.test/bench',
    platforms: ['linux/amd64', 'linux/arm64'],
    args: { PYTHON_VERSION: '3.12', MATRIX_VERSION: version },
    labels: { 'org.opencontainers.image.title': '{target}', 'org.opencontainers.image.version': '{version}' },
    axes: { cuda: values('cu', a, 'CUDA_VERSION'), framework: values('fw', b, 'ENGINE_VERSION') },
    overrides: [{ when: { framework: 'fw0', cuda: 'cu0' }, args: { SPECIAL: '1' } }],
    stages: {
      base: { target: 'build-base', axes: ['cuda'], name: 'base-{cuda}' },
      framework: {
        target: 'framework',
        from: 'base',
        axes: ['framework', 'cuda'],
        layers: { torch: { target: 'deps-torch', axes: ['cuda'] }, engine: { target: 'deps-engine' } },
      },
      runtime: { target: 'runtime', from: 'framework', tags: ['{registry}/{framework}:{version}-{cuda}'] },
    },
    groups: { '{framework}-{cuda}': ['runtime'] },
    cache: { ref: '{registry}/cache:{target}' },
  };
}

/** The Dockerfile the synthetic stages build: the Dockerfile checks run too. */
export const DOCKERFILE = `FROM busybox AS build-base
ARG PYTHON_VERSION
ARG MATRIX_VERSION
ARG CUDA_VERSION
FROM build-base AS deps-torch
FROM build-base AS deps-engine
ARG ENGINE_VERSION
FROM build-base AS framework
ARG ENGINE_VERSION
ARG SPECIAL
FROM framework AS runtime
`;
