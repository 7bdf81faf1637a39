// The generated bake files against schema/docker-bake.schema.json (written from buildx's
// Target struct), and the schema's own teeth: it must reject what bake would not take.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { generate } from '../../src/generate.ts';
import { bakeSchema, bakeSchemaValidator, validateBakeFile } from '../helpers/bake-schema.ts';
import { parseBakeHcl } from '../helpers/bake-hcl.ts';
import { testdir } from '../helpers/testdir.ts';
import { TRICKY_FILES } from './tricky-matrix.ts';

const Ajv = AjvModule.default ?? AjvModule;
const root = fileURLToPath(new URL('../..', import.meta.url));

test('the bake schema compiles in ajv strict mode', () => {
  assert.doesNotThrow(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(bakeSchema));
  assert.equal(typeof bakeSchemaValidator(), 'function');
});

test('the committed example bake/docker-bake.json is valid', () => {
  assert.deepEqual(validateBakeFile(JSON.parse(readFileSync(`${root}bake/docker-bake.json`, 'utf8'))), []);
});

test('the example as docker-bake.hcl (--format hcl), read back, is valid', async () => {
  const result = generate('matrix', root, { format: 'hcl' });
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('\n'));
  assert.deepEqual(validateBakeFile(await parseBakeHcl(result.value.outputs['docker-bake.hcl']!)), []);
});

test('the example stack, generated now, is valid', () => {
  const result = generate('matrix', root, { format: 'json' });
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('\n'));
  assert.deepEqual(validateBakeFile(JSON.parse(result.value.outputs['docker-bake.json']!)), []);
});

test('the matrix of awkward strings generates a valid bake file', () => {
  const result = generate('matrix', testdir(TRICKY_FILES), { format: 'json' });
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('\n'));
  assert.deepEqual(validateBakeFile(JSON.parse(result.value.outputs['docker-bake.json']!)), []);
});

const VALID = {
  variable: { REGISTRY: { default: 'registry.test' } },
  group: { default: { targets: ['app'] } },
  target: { app: { context: '.', args: { A: '1', B: null }, tags: ['${REGISTRY}/app:1'], 'cache-from': ['type=registry,ref=x'] } },
};

test('a small hand-made bake file is valid (the cases below differ from it in one place)', () => {
  assert.deepEqual(validateBakeFile(VALID), []);
});

const INVALID: { name: string; change: (bake: any) => void; error: RegExp }[] = [
  { name: 'a target name with a space', change: (b) => (b.target['bad name'] = {}), error: /^\/target: must match pattern .* \(bad name\)$/m },
  { name: 'a target name with a dot', change: (b) => (b.target['app.v2'] = {}), error: /\(app\.v2\)/ },
  { name: 'a group name with a slash', change: (b) => (b.group['a/b'] = { targets: ['app'] }), error: /^\/group: .*\(a\/b\)$/m },
  { name: 'an unknown target attribute (a typo bake would ignore)', change: (b) => (b.target.app.tagz = ['x']), error: /^\/target\/app: must NOT have additional properties \(tagz\)$/m },
  { name: 'a --set spelling as an attribute', change: (b) => (b.target.app.platform = ['linux/amd64']), error: /\(platform\)/ },
  { name: 'a group without targets', change: (b) => delete b.group.default.targets, error: /^\/group\/default: must have required property 'targets'$/m },
  { name: 'a number as an arg value', change: (b) => (b.target.app.args.A = 1), error: /^\/target\/app\/args\/A: must be string$/m },
  { name: 'tags as a string', change: (b) => (b.target.app.tags = 'x'), error: /^\/target\/app\/tags: must be array$/m },
  { name: 'an empty cache-from entry', change: (b) => (b.target.app['cache-from'] = ['']), error: /^\/target\/app\/cache-from\/0: / },
  { name: 'an unknown top-level key', change: (b) => (b.targets = {}), error: /^\/: must NOT have additional properties \(targets\)$/m },
  { name: 'an unknown variable attribute', change: (b) => (b.variable.REGISTRY.defualt = 'x'), error: /\(defualt\)/ },
];

for (const c of INVALID) {
  test(`the bake schema rejects ${c.name}`, () => {
    const bake = structuredClone(VALID);
    c.change(bake);
    const errors = validateBakeFile(bake);
    assert.ok(errors.length > 0, 'expected schema errors');
    assert.match(errors.join('\n'), c.error);
  });
}
