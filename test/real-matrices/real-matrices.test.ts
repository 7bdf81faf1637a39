// Golden cases modelled on public image matrices. Each folder of
// test/fixtures/real-matrices/ holds the original's image list, captured from
// its public source (original.json, with notes.md giving the source of every
// value), the same matrix in bake-matrix's format (matrix/), and stubs of the
// Dockerfiles it builds. For each case the test generates the bake file,
// resolves every target of the `default` group as `bake --print` would (an
// oracle independent of src/: test/helpers/bake-print.ts), with the run-time
// variables set, and asserts that the builds are exactly the original's
// (expected-builds.ts says how each field of the fixture maps).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generate, type Generated } from '../../src/generate.ts';
import { buildKey, expectedBuilds, MAPPED_FIELDS, type Build, type ExpectedBuild, type Original, type OriginalImage } from './expected-builds.ts';
import { generatedBuilds, type GeneratedBuild } from './resolve-generated.ts';
import { CASES, FIXTURES } from './cases.ts';

function generateCase(folder: string): Generated {
  const result = generate('matrix', folder);
  if (!result.ok) assert.fail(`the matrix does not generate:\n${result.problems.map((p) => `${p.file ?? ''} ${p.pointer ?? ''}: ${p.message}`).join('\n')}`);
  return result.value;
}

/** The ids of the images an image is built on: `dependsOn`, or the image `parentImage` names (its `latest`). */
function parentsOf(original: Original, image: OriginalImage): string[] {
  if (image.dependsOn) return image.dependsOn;
  if (!image.parentImage) return [];
  const parent = original.images.find((i) => i.tags.includes(`${image.parentImage}:latest`));
  assert.ok(parent, `the parent image ${image.parentImage} of ${image.id} is in the list`);
  return [parent.id];
}

for (const c of CASES) {
  describe(`real matrix: ${c.name}`, () => {
    const folder = join(FIXTURES, c.name);
    const original = JSON.parse(readFileSync(join(folder, 'original.json'), 'utf8')) as Original;
    const generated = generateCase(folder);
    const actual = generatedBuilds(generated, 'default', c.values);
    const expected = expectedBuilds(original, c.values).map((b) => (c.adjust ? c.adjust(b, original) : b));

    test('every field of the original is compared, or listed as not compared with the reason', () => {
      const fields = new Set(original.images.flatMap((i) => Object.keys(i)));
      const unknown = [...fields].filter((f) => !MAPPED_FIELDS.includes(f) && !(f in c.notCompared));
      assert.deepEqual(unknown, [], 'fields of original.json the test neither compares nor lists in notCompared');
      for (const f of Object.keys(c.notCompared)) assert.ok(fields.has(f), `notCompared lists "${f}", which the original does not have`);
      for (const name of Object.keys(original.variables ?? {})) assert.ok(name in c.values, `the run-time variable ${name} gets a value`);
    });

    test(`the default group builds exactly the original's ${expected.length} builds`, () => {
      assert.deepEqual(differences(expected, actual), [], 'builds of the original not generated as they are, and generated builds the original does not have');
      assert.equal(actual.length, expected.length, 'one target per build');
    });

    const hasParents = original.images.some((i) => parentsOf(original, i).length);
    if (hasParents) test('each build is linked to the build of its parent image, on the same platforms', () => {
      const targetOf = new Map(actual.map((b) => [buildKey(b), b]));
      let links = 0;
      for (const build of expected) {
        const image = original.images.find((i) => i.id === build.image)!;
        for (const parent of parentsOf(original, image)) {
          const parentBuilds = expected.filter((p) => p.image === parent && build.platforms.every((pl) => p.platforms.includes(pl)));
          assert.equal(parentBuilds.length, 1, `one build of ${parent} covers the platforms of ${build.image} ${build.platforms.join(',')}`);
          const child = targetOf.get(buildKey(build));
          const parentTarget = targetOf.get(buildKey(parentBuilds[0]!));
          assert.ok(child && parentTarget, `${build.image} and its parent ${parent} are generated as they are`);
          assert.ok(Object.values(child.printed.contexts).includes(`target:${parentTarget.name}`), `${child.name} links ${parentTarget.name} (contexts: ${JSON.stringify(child.printed.contexts)})`);
          links++;
        }
      }
      assert.ok(links > 0);
    });

    if (c.leftOut) {
      test(`left out: ${c.leftOut.reason}`, (t) => {
        const tags = original.images.flatMap((i) => c.leftOut!.tags(i));
        assert.ok(tags.length > 0);
        for (const tag of tags) assert.match(tag, /\{[^}]+\}/, 'a tag left out holds a value known only after the build');
        t.diagnostic(`${tags.length} tags left out, e.g. ${tags.slice(0, 3).join(', ')}`);
      });
    }
  });
}

/**
 * Each expected build that no target makes, beside the target building the same
 * Dockerfile stage for the same platforms (with the fields that differ), and each
 * target the original has no build for.
 */
function differences(expected: ExpectedBuild[], actual: GeneratedBuild[]): string[] {
  const actualKeys = new Set(actual.map(buildKey));
  const expectedKeys = new Set(expected.map(buildKey));
  const place = (b: Build) => JSON.stringify([b.context, b.dockerfile, b.target, b.platforms]);
  const out: string[] = [];
  for (const e of expected.filter((b) => !actualKeys.has(buildKey(b)))) {
    const near = actual.find((a) => place(a) === place(e) && !expectedKeys.has(buildKey(a)));
    if (!near) {
      out.push(`missing: ${e.image} ${e.platforms.join(',')} (${buildKey(e)})`);
      continue;
    }
    const fields = (['args', 'tags', 'shared', 'output', 'cacheFrom', 'cacheTo'] as const).filter((f) => JSON.stringify(e[f]) !== JSON.stringify(near[f]));
    out.push(`${e.image} ${e.platforms.join(',')} is target "${near.name}" but for ${fields.map((f) => `${f}: expected ${JSON.stringify(e[f])}, generated ${JSON.stringify(near[f])}`).join('; ')}`);
  }
  for (const a of actual.filter((b) => !expectedKeys.has(buildKey(b)))) {
    if (!expected.some((e) => place(e) === place(a) && !actualKeys.has(buildKey(e)))) out.push(`not in the original: target "${a.name}" (${buildKey(a)})`);
  }
  return out;
}
