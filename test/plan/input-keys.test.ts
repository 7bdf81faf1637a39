// Keys that come from input (arg and label names, named contexts) are data, never
// Object's members: `__proto__`, `constructor` and `toString` reach both bake
// files from YAML, TOML and TypeScript, and a name such as {cuda.constructor}
// is looked up among the user's keys only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate } from '../../src/generate.ts';
import { parseBakeHcl } from '../helpers/bake-hcl.ts';
import { parseBakeJson } from '../../src/inspect/parse-bake-json.ts';
import { selectTargets } from '../../src/run/select-targets.ts';
import { generateOk, generateProblems, matrixYaml } from '../helpers/matrix.ts';
import { testdir } from '../helpers/testdir.ts';

const DOCKERFILE = 'ARG __proto__\nARG constructor\nARG toString\nFROM scratch AS app\n';

const MATRICES: Record<string, string> = {
  'stack.yaml': `
name: keys
axes: { flavor: { plain: { args: { toString: "{flavor}" } } } }
args: { __proto__: a-proto, constructor: a-constructor }
labels: { __proto__: l-proto, constructor: l-constructor, toString: l-tostring }
stages: { app: { target: app, axes: [flavor], contexts: { constructor: "docker-image://alpine" } } }
`,
  'stack.toml': `
name = "keys"
[args]
__proto__ = "a-proto"
constructor = "a-constructor"
[labels]
__proto__ = "l-proto"
constructor = "l-constructor"
toString = "l-tostring"
[axes.flavor.plain.args]
toString = "{flavor}"
[stages.app]
target = "app"
axes = ["flavor"]
contexts = { constructor = "docker-image://alpine" }
`,
  'stack.ts': `
import { defineMatrix } from 'bake-matrix';
export default defineMatrix({
  name: 'keys',
  axes: { flavor: { plain: { args: { toString: '{flavor}' } } } },
  args: { __proto__: 'a-proto', constructor: 'a-constructor' },
  labels: { __proto__: 'l-proto', constructor: 'l-constructor', toString: 'l-tostring' },
  stages: { app: { target: 'app', axes: ['flavor'], contexts: { constructor: 'docker-image://alpine' } } },
});
`,
};

/** An own key's value, whatever its name. */
const at = (object: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined), object);

describe('keys named like Object members reach the bake files', () => {
  for (const [file, text] of Object.entries(MATRICES)) {
    test(file, async () => {
      const root = testdir({ Dockerfile: DOCKERFILE, [`matrix/${file}`]: text });
      const result = generate('matrix', root, { format: 'both' });
      assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
      const { outputs } = result.value;
      const json = JSON.parse(outputs['docker-bake.json']!);
      const hcl = await parseBakeHcl(outputs['docker-bake.hcl']!);
      for (const [name, bake] of [['json', json], ['hcl', hcl]] as const) {
        assert.deepEqual(Object.keys(at(bake, 'target', '_common', 'args') as object).sort(), ['__proto__', 'constructor'], name);
        assert.equal(at(bake, 'target', '_common', 'args', '__proto__'), 'a-proto', name);
        assert.equal(at(bake, 'target', '_common', 'args', 'constructor'), 'a-constructor', name);
        assert.equal(at(bake, 'target', '_common', 'labels', '__proto__'), 'l-proto', name);
        assert.equal(at(bake, 'target', '_common', 'labels', 'constructor'), 'l-constructor', name);
        assert.equal(at(bake, 'target', '_common', 'labels', 'toString'), 'l-tostring', name);
        assert.equal(at(bake, 'target', 'plain-app', 'args', 'toString'), 'plain', name);
        assert.equal(at(bake, 'target', 'plain-app', 'contexts', 'constructor'), 'docker-image://alpine', name);
        assert.equal(Object.getPrototypeOf(at(bake, 'target', '_common', 'args')), Object.prototype, `${name}: the key did not set the prototype`);
      }
    });
  }
});

describe('placeholder names are looked up among the matrix keys only', () => {
  const cases = [
    { name: 'an attribute named like an Object member', template: '{cuda.constructor}', code: 'missing-var' },
    { name: 'a placeholder named like an Object member', template: '{constructor}', code: 'unknown-placeholder' },
    { name: 'an attribute named valueof', template: '{cuda.valueof}', code: 'missing-var' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const problems = generateProblems({ 'm.yaml': matrixYaml({ labels: { x: c.template } }) });
      assert.deepEqual(problems.map((p) => p.code), [c.code]);
    });
  }
});

describe('names from the command line are looked up among the bake file names only', () => {
  const bake = parseBakeJson(JSON.stringify({ group: { default: { targets: ['app'] } }, target: { app: { platforms: ['linux/amd64'] } } }), 'docker-bake.json');
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    test(`"${name}" is an unknown name, in a bake file read back and in a generated one`, () => {
      assert.deepEqual(selectTargets(bake, [name]).unknown, [name]);
      const generated = generateOk({ 'm.yaml': matrixYaml() });
      assert.deepEqual(selectTargets(generated.plan.bake, [name]).unknown, [name]);
    });
  }
});
