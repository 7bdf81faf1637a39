import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { BASE_MATRIX, bakeOf, generateProblems, matrixYaml } from '../helpers/matrix.ts';

const stages = BASE_MATRIX.stages!;
const withDev: Partial<MatrixFile> = {
  stages: { ...stages, dev: { target: 'dev', from: 'runtime', tags: ['{registry}/{framework}:{version}-{cuda}-dev'] } },
  groups: { '{framework}-{cuda}': ['runtime', 'dev'] },
};

describe('groups', () => {
  const bake = bakeOf({ 'm.yaml': matrixYaml(withDev) });
  test('a name template makes one group per combination', () => {
    assert.deepEqual(bake.group['vllm-cu129'], { targets: ['vllm-cu129-runtime', 'vllm-cu129-dev'] });
  });
  test('one group per axis value, holding the default (tagged) stages', () => {
    assert.deepEqual(bake.group.vllm!.targets, ['vllm-cu129-runtime', 'vllm-cu130-runtime', 'vllm-cu129-dev', 'vllm-cu130-dev']);
    assert.deepEqual(bake.group.cu130!.targets, ['vllm-cu130-runtime', 'sglang-cu130-runtime', 'vllm-cu130-dev', 'sglang-cu130-dev']);
  });
  test('one group per stage', () => {
    assert.deepEqual(bake.group.base!.targets, ['base-cu129', 'base-cu130']);
  });
  test('default holds every tagged target, so every image is pushed', () => {
    assert.equal(bake.group.default!.targets.length, 8);
    assert.ok(bake.group.default!.targets.every((t) => bake.target[t]!.tags!.length > 0));
  });
  test('without tags anywhere, default holds the leaves', () => {
    const untagged = bakeOf({ 'm.yaml': matrixYaml({ stages: { ...stages, runtime: { target: 'runtime', from: 'framework' } } }) });
    assert.deepEqual(untagged.group.default!.targets, ['vllm-cu129-runtime', 'vllm-cu130-runtime', 'sglang-cu129-runtime', 'sglang-cu130-runtime']);
  });
  test('declared lists of targets and groups', () => {
    const listed = bakeOf({ 'm.yaml': matrixYaml({ groups: { ci: { targets: ['vllm', 'base-cu129'] } } }) });
    assert.deepEqual(listed.group.ci, { targets: ['vllm', 'base-cu129'] });
  });
  test('a listed name that does not exist is an error with a suggestion', () => {
    const problem = generateProblems({ 'm.yaml': matrixYaml({ groups: { ci: { targets: ['vllm-cu12'] } } }) })[0]!;
    assert.equal(problem.code, 'unknown-target');
    assert.match(problem.message, /Did you mean "vllm-cu129/);
    assert.equal(problem.pointer, '/groups/ci/targets/0');
  });
  test('a group that selects nothing is an error', () => {
    const yaml = matrixYaml({
      stages: { ...stages, extra: { target: 'extra', from: 'base', only: { cuda: 'cu129' }, platforms: ['linux/s390x'] } },
      groups: { 'extra-{cuda}': ['extra'] },
    });
    const problem = generateProblems({ 'm.yaml': yaml }).find((p) => p.pointer === '/groups/extra-{cuda}');
    assert.match(problem?.message ?? '', /The group "extra-\{cuda\}" selects nothing/);
  });
  test('a group may not take the name of a target: bake would silently build the group', () => {
    const problems = generateProblems({ 'm.yaml': matrixYaml({ groups: { 'base-cu129': { targets: ['vllm'] } } }) });
    assert.equal(problems[0]!.code, 'group-target-collision');
  });
  test('two meanings for one group name is an error', () => {
    const yaml = matrixYaml({ axes: { ...BASE_MATRIX.axes, extra: { runtime: null } }, stages: { ...stages, runtime: { ...stages.runtime!, axes: ['framework', 'cuda', 'extra'], tags: ['{registry}/{framework}:{cuda}-{extra}'] } } });
    assert.equal(generateProblems({ 'm.yaml': yaml })[0]!.code, 'group-collision');
  });
});
