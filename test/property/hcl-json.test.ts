// Property: docker-bake.hcl and docker-bake.json say the same thing. For any
// valid generated matrix, the HCL file is parsed with HashiCorp's own HCL
// parser (@cdktn/hcl2json, via test/helpers/bake-hcl.ts), which hands back
// strings in HCL's JSON form, and compared with the JSON file after the NFC
// normalisation bake applies to both.
//
// Reproduce a failure with the seed it prints: BAKE_MATRIX_PROPERTY_SEED=<seed>.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { generateFrom } from '../../src/generate.ts';
import { normalizeStrings, parseBakeHcl } from '../helpers/bake-hcl.ts';
import { filesOf, matrixCase, showFiles, sourceFilesOf } from './arbitraries.ts';

const SEED = Number(process.env.BAKE_MATRIX_PROPERTY_SEED ?? 20260115);
const RUNS = Number(process.env.BAKE_MATRIX_PROPERTY_RUNS ?? 80);

test('the HCL file parses with HCL\'s own parser and holds exactly what the JSON file holds', async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(matrixCase(), async (c) => {
      const files = filesOf(c);
      let result;
      try {
        result = generateFrom(sourceFilesOf(files), { format: 'both' });
      } catch (e) {
        assert.fail(`generate threw on a valid matrix: ${(e as Error).stack}\n${showFiles(files)}`);
      }
      fc.pre(result.ok); // failures are the subject of valid-matrix.test.ts
      if (!result.ok) return;
      const { 'docker-bake.json': json, 'docker-bake.hcl': hcl } = result.value.outputs;
      assert.ok(json !== undefined && hcl !== undefined, 'both files are emitted');
      let parsed: unknown;
      try {
        parsed = await parseBakeHcl(hcl);
      } catch (e) {
        assert.fail(`docker-bake.hcl does not parse: ${(e as Error).message}\n--- docker-bake.hcl\n${hcl}\n${showFiles(files)}`);
      }
      compared++;
      // hcl2json hands back a template without interpolations as its value with
      // `${` re-escaped but `%{` not (buildx reads "a%%{b" in either file as
      // "a%{b"); so `%%{` is compared as `%{`, once the HCL text is known to hold
      // no directive (the JSON side is checked in valid-matrix.test.ts).
      assert.doesNotMatch(hcl.replaceAll('%%{', ''), /%\{/, `docker-bake.hcl holds a directive\n${hcl}`);
      // hcl2json also folds a literal interpolation into the text around it
      // without escaping it: `${"$"}${VERSION}` ($ then the variable, which
      // buildx reads alike in both files) comes back as `$${VERSION}`. So
      // `${"$"}` (`${"$$"}`, ...) is compared as `$` (`$$`, ...); the JSON side's meaning is checked in
      // valid-matrix.test.ts. An empty block type ("group": {} when nothing
      // makes a group) has no HCL form.
      const canonical = (v: unknown) => {
        const text = JSON.stringify(normalizeStrings(v)).replaceAll('%%{', '%{').replace(/\$\{\\"(\$+)\\"\}/g, '$1');
        const c = JSON.parse(text) as Record<string, object>;
        return Object.fromEntries(Object.entries(c).filter(([, blocks]) => Object.keys(blocks).length > 0));
      };
      const fromHcl = canonical(parsed);
      const fromJson = canonical(JSON.parse(json));
      if (!isDeepStrictEqual(fromHcl, fromJson)) {
        assert.deepEqual(fromHcl, fromJson); // for the diff
      }
    }),
    { seed: SEED + 4, numRuns: RUNS, includeErrorInReport: true },
  );
  assert.ok(compared > 0, 'some matrices were compared');
});
