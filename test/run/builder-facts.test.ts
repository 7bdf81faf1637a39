// Reading what buildx says about itself and its builder, and what a bake
// call selects; the inspect texts are captured from buildx v0.10.4 and HEAD's format.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBuildxVersion, versionSatisfies } from '../../src/run/buildx-version.ts';
import { builderPlatforms, builderProblem, parseInspect } from '../../src/run/inspect-builder.ts';
import { missingPlatforms, normalizePlatform } from '../../src/run/platform.ts';
import { selectTargets } from '../../src/run/select-targets.ts';
import type { BakeFile } from '../../src/types/bake.ts';

describe('buildx version', () => {
  const cases = [
    { output: 'github.com/docker/buildx v0.10.4 c513d34049e499c53468deac6c4267ee72948f02\n', text: 'v0.10.4', at: { '0.10.0': true, '0.16.0': false } },
    { output: 'github.com/docker/buildx 0.17.1-desktop.1 257815a6fb95d6a2b1e1f6b1d1b0e3a1f2a3c4d5\n', text: '0.17.1-desktop.1', at: { '0.16.0': true, '0.17.1': true, '0.17.2': false } },
    { output: 'github.com/docker/buildx v0.31.0-rc1 abc\n', text: 'v0.31.0-rc1', at: { '0.31.0': true, '1.0.0': false } },
  ];
  for (const c of cases) {
    test(c.text, () => {
      const v = parseBuildxVersion(c.output);
      assert.equal(v?.text, c.text);
      for (const [min, ok] of Object.entries(c.at)) assert.equal(versionSatisfies(v, min), ok, min);
    });
  }
  test('no version at all gives the benefit of the doubt', () => {
    assert.equal(parseBuildxVersion('github.com/docker/buildx dev'), undefined);
    assert.equal(versionSatisfies(undefined, '9.9.9'), true);
  });
});

describe('buildx inspect', () => {
  test('v0.10.4 with no daemon: exit 0, but an Error line and no nodes', () => {
    const info = parseInspect('Name:          default\nDriver:        \nLast Activity: 2026-11-23 17:27:57 +0000 UTC\nError:         Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n\nNodes:\n');
    assert.equal(info.name, 'default');
    assert.equal(info.driver, undefined);
    assert.equal(builderProblem(info), 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    assert.deepEqual(builderPlatforms(info), []);
  });

  const twoNodes = [
    'Name:          multi',
    'Driver:        docker-container',
    '',
    'Nodes:',
    'Name:                  multi0',
    'Endpoint:              unix:///var/run/docker.sock',
    'Status:                running',
    'BuildKit daemon flags: --allow-insecure-entitlement=network.host',
    'BuildKit version:      v0.16.0',
    'Platforms:             linux/amd64*, linux/amd64/v2, linux/386',
    'Labels:',
    ' org.mobyproject.buildkit.worker.executor:         oci',
    '',
    'Name:                  multi1',
    'Endpoint:              ssh://arm-box',
    'Status:                running',
    'Platforms:             linux/arm64*, linux/arm/v7',
    '',
  ].join('\n');

  test('platforms of every running node, markers kept for display', () => {
    const info = parseInspect(twoNodes);
    assert.deepEqual(info.nodes.map((n) => [n.name, n.status]), [['multi0', 'running'], ['multi1', 'running']]);
    assert.equal(builderProblem(info), undefined);
    assert.deepEqual(builderPlatforms(info), ['linux/amd64*', 'linux/amd64/v2', 'linux/386', 'linux/arm64*', 'linux/arm/v7']);
  });

  test('no running node is a problem that names the nodes', () => {
    const info = parseInspect(twoNodes.replace(/running/g, 'inactive'));
    assert.equal(builderProblem(info), 'node "multi0" is inactive; node "multi1" is inactive');
  });
});

describe('platforms', () => {
  const same = [['linux/arm64', 'linux/arm64/v8'], ['linux/arm', 'linux/arm/v7'], ['linux/amd64*', 'linux/amd64'], ['Linux/x86_64', 'linux/amd64'], ['linux/aarch64', 'linux/arm64']];
  for (const [a, b] of same) test(`${a} is ${b}`, () => assert.equal(normalizePlatform(a!), normalizePlatform(b!)));
  test('arm/v6 is not arm/v7, amd64/v2 is not amd64', () => {
    assert.deepEqual(missingPlatforms(['linux/arm/v6', 'linux/amd64', 'linux/arm64'], ['linux/arm/v7', 'linux/amd64/v2', 'linux/arm64/v8*']), ['linux/arm/v6', 'linux/amd64']);
  });
});

describe('selectTargets', () => {
  const bake: BakeFile = {
    group: { all: { targets: ['app', 'tools'] }, tools: { targets: ['cli', 'app'] }, loop: { targets: ['loop', 'cli'] } },
    target: {
      _common: {},
      base: { platforms: ['linux/amd64', 'linux/arm64'] },
      deps: { platforms: ['linux/amd64', 'linux/arm64'], contexts: { base: 'target:base' } },
      app: { platforms: ['linux/amd64', 'linux/arm64'], contexts: { base: 'target:base', deps: 'target:deps', src: '.' } },
      cli: { platforms: ['linux/amd64'], contexts: { app: 'target:app', img: 'docker-image://alpine' } },
    },
  };

  test('groups expand (nested, cycles included), each target once, linked targets transitively', () => {
    const s = selectTargets(bake, ['all', 'loop']);
    assert.deepEqual(s.targets.map((t) => [t.name, t.requestedAs]), [['app', ['all']], ['cli', ['all', 'loop']]]);
    assert.deepEqual(s.linked.map((t) => [t.name, t.linkedBy]), [['base', ['app', 'deps']], ['deps', ['app']]]);
    assert.deepEqual(s.unknown, []);
  });

  test('a requested target is not also listed as linked', () => {
    const s = selectTargets(bake, ['cli', 'base']);
    assert.deepEqual(s.targets.map((t) => t.name), ['cli', 'base']);
    assert.deepEqual(s.linked.map((t) => t.name), ['app', 'deps']);
  });

  test('unknown and hidden names; no names means the default group', () => {
    assert.deepEqual(selectTargets(bake, ['nope', '_common', 'app']).unknown, ['nope', '_common']);
    assert.deepEqual(selectTargets(bake, []).unknown, ['default']);
  });

  test('--set platform overrides: exact name, glob, += appends, values accumulate', () => {
    assert.deepEqual(selectTargets(bake, ['app'], ['*.platform=linux/amd64']).linked.map((t) => t.platforms), [['linux/amd64'], ['linux/amd64']]);
    assert.deepEqual(selectTargets(bake, ['app'], ['app.platform=linux/arm64']).targets[0]!.platforms, ['linux/arm64']);
    assert.deepEqual(selectTargets(bake, ['app'], ['a*.platform+=linux/riscv64']).targets[0]!.platforms, ['linux/amd64', 'linux/arm64', 'linux/riscv64']);
    assert.deepEqual(selectTargets(bake, ['app'], ['app.platform=linux/amd64', 'app.platform=linux/s390x,linux/ppc64le']).targets[0]!.platforms, ['linux/amd64', 'linux/s390x', 'linux/ppc64le']);
    assert.deepEqual(selectTargets(bake, ['app'], ['app.args.X=1', 'd?ps.platform=linux/386']).linked.map((t) => [t.name, t.platforms]), [['base', ['linux/amd64', 'linux/arm64']], ['deps', ['linux/386']]]);
  });
});
