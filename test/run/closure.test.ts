// The closure `run` hands buildx: the blocks a request needs, resolved exactly
// like the whole file for every target buildx builds (our own resolution of
// bake's inherits, src/inspect/resolve-target.ts, and selectTargets' view of
// what is built and linked). With a real buildx, test/engine/closure-print.test.ts
// compares `bake --print` of both files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { generate, generateFrom } from '../../src/generate.ts';
import { previewBake } from '../../src/inspect/preview-bake.ts';
import { resolveTarget } from '../../src/inspect/resolve-target.ts';
import { closure, requestClosure } from '../../src/run/closure.ts';
import { selectTargets } from '../../src/run/select-targets.ts';
import type { BakeFile } from '../../src/types/bake.ts';
import { filesOf, matrixCase, sourceFilesOf } from '../property/arbitraries.ts';

const FILE: BakeFile = {
  variable: { REGISTRY: { default: 'r.test' }, VERSION: { default: 'v' }, UNUSED: { default: 'x' }, NESTED: { default: '${VERSION}-n' } },
  group: {
    default: { targets: ['all'] },
    all: { targets: ['app', 'other'] },
    app: { targets: ['app-runtime'] },
    other: { targets: ['other-runtime'] },
  },
  target: {
    _common: { args: { A: '1' } },
    base: { inherits: ['_common'], target: 'base' },
    'app-layer': { inherits: ['base'], target: 'layer', contexts: { base: 'target:base' } },
    'app-runtime': { inherits: ['base'], tags: ['${REGISTRY}/app'], contexts: { base: 'target:base', layer: 'target:app-layer' } },
    'other-base': { target: 'base', args: { N: '${NESTED}' } },
    'other-runtime': { inherits: ['other-base'], contexts: { base: 'target:other-base' } },
    lonely: { target: 'lonely', tags: ['${VERSION}'] },
  },
};

describe('closure', () => {
  const cases = [
    { name: 'a target: itself, what it inherits and links, and the variables they read', roots: ['app-runtime'], groups: [], targets: ['_common', 'base', 'app-layer', 'app-runtime'], variables: ['REGISTRY'] },
    { name: 'a group: its targets and their closure', roots: ['app'], groups: ['app'], targets: ['_common', 'base', 'app-layer', 'app-runtime'], variables: ['REGISTRY'] },
    { name: 'a group of groups: every group and target inside', roots: ['all'], groups: ['all', 'app', 'other'], targets: ['_common', 'base', 'app-layer', 'app-runtime', 'other-base', 'other-runtime'], variables: ['REGISTRY', 'VERSION', 'NESTED'] },
    { name: 'no name: the default group, as bake does', roots: [], groups: ['default', 'all', 'app', 'other'], targets: ['_common', 'base', 'app-layer', 'app-runtime', 'other-base', 'other-runtime'], variables: ['REGISTRY', 'VERSION', 'NESTED'] },
    { name: 'a variable read by another variable\'s default comes along', roots: ['other-runtime'], groups: [], targets: ['other-base', 'other-runtime'], variables: ['VERSION', 'NESTED'] },
    { name: 'a name the file does not hold is left to buildx', roots: ['lonely', 'nowhere'], groups: [], targets: ['lonely'], variables: ['VERSION'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = closure(FILE, c.roots);
      assert.deepEqual(Object.keys(out.group), Object.keys(FILE.group).filter((g) => c.groups.includes(g)), 'groups, in file order');
      assert.deepEqual(Object.keys(out.target), Object.keys(FILE.target).filter((t) => c.targets.includes(t)), 'targets, in file order');
      assert.deepEqual(Object.keys(out.variable ?? {}).sort(), [...c.variables].sort());
      for (const name of Object.keys(out.target)) assert.equal(out.target[name], FILE.target[name], `${name} is copied as it is`);
    });
  }

  test('a name that is both a group and a target keeps both (the group wins in bake)', () => {
    const both: BakeFile = { group: { x: { targets: ['y'] } }, target: { x: { target: 'x' }, y: { target: 'y' } } };
    assert.deepEqual(closure(both, ['x']), both);
  });

  test('an inherits cycle ends (bake ignores it too)', () => {
    const cycle: BakeFile = { group: {}, target: { a: { inherits: ['b'] }, b: { inherits: ['a'] } } };
    assert.deepEqual(Object.keys(closure(cycle, ['a']).target), ['a', 'b']);
  });
});

describe('requestClosure', () => {
  test('adds the targets an overlay mentions, so it can inherit or link them', () => {
    const out = requestClosure(FILE, { names: ['app'], sets: [], overlays: ['target "app-runtime" {\n  contexts = { extra = "target:lonely" }\n}\n'] });
    assert.ok(out.target.lonely, 'lonely, named by the overlay');
    assert.equal(out.target['other-runtime'], undefined);
  });

  test('a --set pattern that matches nothing in the closure brings one target it matches in the file', () => {
    const out = requestClosure(FILE, { names: ['app'], sets: ['other-*.args.X=1', 'app-*.platform=linux/amd64', '*.args.Y=2'], overlays: [] });
    assert.ok(out.target['other-base'], 'other-* matched other-base first');
    assert.equal(out.target['other-runtime'], undefined, 'one match is enough');
    assert.equal(out.target.lonely, undefined, '* matches closure targets already');
  });

  test('a --set of an exact name outside the closure brings that target', () => {
    const out = requestClosure(FILE, { names: ['app-runtime'], sets: ['lonely.tags=x'], overlays: [] });
    assert.ok(out.target.lonely);
  });
});

/** Every name a user may request: each group and each visible target. */
function requestable(bake: BakeFile): string[] {
  return [...Object.keys(bake.group), ...Object.keys(bake.target).filter((n) => !n.startsWith('_'))];
}

/** The closure of `name` builds the same targets, and resolves each of them to the same values, as the whole file. */
function assertSameResolution(bake: BakeFile, name: string) {
  const part = requestClosure(bake, { names: [name], sets: [], overlays: [] });
  const whole = selectTargets(bake, [name]);
  assert.deepEqual(selectTargets(part, [name]), whole, `${name}: the same targets built and linked`);
  for (const t of [...whole.targets, ...whole.linked]) {
    const preview = (target: ReturnType<typeof resolveTarget>, file: BakeFile) =>
      JSON.parse(JSON.stringify(target), (_, v: unknown) => (typeof v === 'string' ? previewBake(v, file.variable ?? {}) : v)) as unknown;
    assert.deepEqual(preview(resolveTarget(part, t.name), part), preview(resolveTarget(bake, t.name), bake), `${name}: ${t.name} resolves the same`);
  }
}

test('the example stack: every name resolves in its closure as in the whole file', () => {
  const generated = generate('matrix', fileURLToPath(new URL('../..', import.meta.url)));
  assert.ok(generated.ok);
  const { bake } = generated.value.plan;
  for (const name of requestable(bake)) assertSameResolution(bake, name);
  const runtime = requestClosure(bake, { names: ['vllm-cu129'], sets: [], overlays: [] });
  assert.ok(Object.keys(runtime.target).length < Object.keys(bake.target).length / 2, 'and the closure is a small part of the file');
});

test('property: in any valid matrix, every name resolves in its closure as in the whole file', () => {
  fc.assert(
    fc.property(matrixCase(), (c) => {
      const generated = generateFrom(sourceFilesOf(filesOf(c)));
      if (!generated.ok) return; // the valid-matrix property reports these
      const { bake } = generated.value.plan;
      for (const name of requestable(bake)) assertSameResolution(bake, name);
    }),
    { seed: Number(process.env.BAKE_MATRIX_PROPERTY_SEED ?? 20260115), numRuns: Number(process.env.BAKE_MATRIX_PROPERTY_RUNS ?? 30) },
  );
});
