// The fixture of the real-engine test (test/fixtures/engine-stack), checked
// without Docker: it generates, its group shares ONE base through `target:`
// contexts, and its Dockerfile needs nothing from the network but BASE_IMAGE.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Copy, DockerfileParser, From } from 'dockerfile-ast';
import { generate } from '../../src/generate.ts';
import type { BakeFile, BakeTarget } from '../../src/types/bake.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = 'test/fixtures/engine-stack';
const GROUP = 'stack';

function generated() {
  const result = generate(`${FIXTURE}/matrix`, ROOT);
  assert.ok(result.ok, `the fixture does not generate: ${result.ok ? '' : JSON.stringify(result.problems, null, 2)}`);
  return result.value;
}

/** A target with what it inherits merged in (maps key by key, the target's own values winning). */
function resolved(bake: BakeFile, name: string): BakeTarget {
  const own = bake.target[name];
  assert.ok(own, `no target "${name}"`);
  const parents = (own.inherits ?? []).map((parent) => resolved(bake, parent));
  const merged: BakeTarget = Object.assign({}, ...parents, own);
  for (const key of ['args', 'labels', 'contexts'] as const) merged[key] = Object.assign({}, ...parents.map((p) => p[key]), own[key]);
  return merged;
}

/** The group's targets and every target they reach through `target:` contexts. */
function closure(bake: BakeFile, names: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const link of Object.values(resolved(bake, name).contexts ?? {})) if (link.startsWith('target:')) visit(link.slice('target:'.length));
  };
  names.forEach(visit);
  return [...seen];
}

/** Dockerfile stage -> the stages it reads (FROM a stage, COPY --from=stage), and its base image otherwise. */
function stageGraph(text: string) {
  const dockerfile = DockerfileParser.parse(text);
  const stages = new Map<string, { from: string; uses: Set<string> }>();
  let current: { from: string; uses: Set<string> } | undefined;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      const image = instruction.getImage() ?? '';
      current = { from: image, uses: new Set(stages.has(image) ? [image] : []) };
      stages.set(instruction.getBuildStage() ?? `#${stages.size}`, current);
    } else if (instruction instanceof Copy && current) {
      const from = fromFlag(instruction);
      if (from) current.uses.add(from);
    }
  }
  return { dockerfile, stages };
}

/** `COPY --from=`'s value. (Copy.getFromFlag() of dockerfile-ast 0.7 sees it only when it is the sole flag.) */
function fromFlag(copy: Copy): string | undefined {
  return copy.getFlags().find((f) => f.getName() === 'from')?.getValue() ?? undefined;
}

test('the fixture generates without problems, and its group builds a runtime per framework', () => {
  const { plan, warnings } = generated();
  assert.deepEqual(warnings, []);
  assert.deepEqual(plan.bake.group[GROUP]?.targets, ['vllm-runtime', 'sglang-runtime']);
});

test('every target of the group links to one shared base target through target: contexts', () => {
  const { bake } = generated().plan;
  const reached = closure(bake, bake.group[GROUP]!.targets);
  const bases = reached.filter((name) => resolved(bake, name).target === 'build-base');
  assert.deepEqual(bases, ['base'], 'exactly one build-base target, shared');
  assert.equal(resolved(bake, 'base').contexts?.['build-base'], undefined, 'the base links to nothing');
  for (const name of reached.filter((n) => n !== 'base')) {
    assert.equal(resolved(bake, name).contexts?.['build-base'], 'target:base', `${name} must take build-base from the base target`);
  }
  // The torch layer is one target too, shared by both frameworks; each framework has its own engine layer.
  for (const framework of ['vllm', 'sglang']) {
    assert.deepEqual(resolved(bake, `${framework}-framework`).contexts, { 'build-base': 'target:base', 'deps-torch': 'target:torch', 'deps-engine': `target:${framework}-engine` });
  }
  assert.deepEqual(reached.sort(), ['base', 'sglang-engine', 'sglang-framework', 'sglang-runtime', 'torch', 'vllm-engine', 'vllm-framework', 'vllm-runtime']);
});

test('bake reads the base image, registry and run id from the test environment', () => {
  const { bake } = generated().plan;
  for (const name of ['BAKE_MATRIX_TEST_BASE_IMAGE', 'BAKE_MATRIX_TEST_REGISTRY', 'BAKE_MATRIX_TEST_RUN_ID']) assert.ok(bake.variable?.[name], `no bake variable ${name}`);
  assert.equal(resolved(bake, 'base').args?.BASE_IMAGE, '${BAKE_MATRIX_TEST_BASE_IMAGE}');
  assert.equal(resolved(bake, 'base').args?.TEST_RUN_ID, '${BAKE_MATRIX_TEST_RUN_ID}');
  assert.deepEqual(resolved(bake, 'vllm-runtime').tags, ['${BAKE_MATRIX_TEST_REGISTRY}/bake-matrix-test/vllm:${VERSION}']);
});

test('the Dockerfile needs nothing from the network but BASE_IMAGE', () => {
  const { dockerfile, stages } = stageGraph(readFileSync(join(ROOT, FIXTURE, 'Dockerfile'), 'utf8'));
  assert.deepEqual(dockerfile.getDirectives().map((d) => d.getName()), [], 'a # syntax= directive would pull a frontend image');
  assert.deepEqual([...stages.keys()], ['build-base', 'deps-torch', 'deps-engine', 'framework', 'runtime']);
  for (const [name, stage] of stages) {
    assert.ok(stage.from === '${BASE_IMAGE}' || stages.has(stage.from), `stage ${name} starts FROM ${stage.from}, neither BASE_IMAGE nor a stage`);
    for (const used of stage.uses) assert.ok(stages.has(used), `stage ${name} copies from ${used}, which is no stage`);
  }
  const links = dockerfile.getCOPYs().filter((c) => fromFlag(c) && c.getFlags().some((f) => f.getName() === 'link'));
  assert.ok(links.length >= 2, 'the stages share files through COPY --link --from=');
  assert.ok(!/\bdate\b|\bwget\b|\bcurl\b|\bapk\b|^ADD /m.test(dockerfile.getInstructions().map((i) => i.getTextContent()).join('\n')), 'no clock, no downloads');
});

test('each target gets every stage above its own from a target: context, so none is built twice', () => {
  const { bake } = generated().plan;
  const { stages } = stageGraph(readFileSync(join(ROOT, FIXTURE, 'Dockerfile'), 'utf8'));
  const above = (stage: string, into = new Set<string>()): Set<string> => {
    for (const used of stages.get(stage)?.uses ?? []) if (!into.has(used)) above(used, into.add(used));
    return into;
  };
  for (const name of Object.keys(bake.target).filter((n) => !n.startsWith('_'))) {
    const target = resolved(bake, name);
    assert.ok(target.target && stages.has(target.target), `${name} builds the stage "${target.target}", which the Dockerfile lacks`);
    const unbound = [...above(target.target)].filter((stage) => !target.contexts?.[stage]?.startsWith('target:'));
    assert.deepEqual(unbound, [], `${name} would build these stages itself instead of sharing them`);
  }
});
