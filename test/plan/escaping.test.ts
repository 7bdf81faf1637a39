import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeBake, render } from '../../src/template/index.ts';
import { cellScope, matrixNames } from '../../src/template/scope.ts';
import { BASE_MATRIX, bakeOf, generateProblems, matrixYaml } from '../helpers/matrix.ts';

/** A scope with one value per axis and the given variables (key -> [bake name, default]). */
function scopeOf(values: Record<string, string>, variables: Record<string, [string, string]>) {
  const origin = { file: '', pointer: '' };
  const axisValue = (axis: string, name: string) => ({ axis, name, args: {}, labels: {}, only: {}, vars: {}, isDefault: false, without: [], origin });
  const axes = Object.entries(values).map(([axis, name]) => ({ name: axis, values: [axisValue(axis, name)], origin }));
  return cellScope(
    matrixNames({ axes, variables: Object.entries(variables).map(([key, [env, def]]) => ({ key, env, default: def, origin })), tables: [] }),
    { values, varies: Object.keys(values), builtins: {} },
  );
}

describe('every literal string is escaped so bake reads it literally', () => {
  const cases = [
    { name: 'an interpolation', input: 'a${HOME}b', expected: 'a$${HOME}b' },
    { name: 'a directive', input: '%{if x}', expected: '%%{if x}' },
    { name: 'an already doubled sigil stays literal', input: '$${X}', expected: '$$${X}' },
    { name: 'a lone dollar or percent is literal already', input: 'cost $5, 50% off, $ {x}', expected: 'cost $5, 50% off, $ {x}' },
    { name: 'several in a row', input: '${a}${b}%{c}', expected: '$${a}$${b}%%{c}' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(escapeBake(c.input), c.expected));
});

describe('templates', () => {
  const scope = scopeOf({ cuda: 'cu129' }, { registry: ['REGISTRY', 'r.test'] });
  test('axis placeholders become literal values and variables bake interpolations', () => {
    const r = render('{registry}/x:{cuda}', scope);
    assert.ok(r.ok);
    assert.deepEqual({ bake: r.value.bake, preview: r.value.preview, usesVariables: r.value.usesVariables }, { bake: '${REGISTRY}/x:cu129', preview: 'r.test/x:cu129', usesVariables: true });
  });
  test('{{ is a literal brace and other braces are text', () => {
    const r = render('{{cuda} {"a": 1} ${HOME}', scope);
    assert.ok(r.ok);
    assert.equal(r.value.bake, '{cuda} {"a": 1} $${HOME}');
  });
  test('unknown placeholders are reported, not rendered', () => {
    const r = render('{nope}-{cuda}', scope);
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => [p.code, p.placeholder.name]), [['unknown-placeholder', 'nope']]);
  });
});

describe('escaping in the generated file', () => {
  const bake = bakeOf({
    'm.yaml': matrixYaml({ args: { SHELL_LINE: 'echo ${HOME} %{IF}' }, labels: { 'odd.${key}': '100%{' } }),
  });
  test('in arg values', () => assert.equal(bake.target._common!.args!.SHELL_LINE, 'echo $${HOME} %%{IF}'));
  test('a lower-case ${name} in a value reads as a placeholder, and the error says how to write a brace', () => {
    const problem = generateProblems({ 'm.yaml': matrixYaml({ args: { X: 'echo ${home}' } }) })[0]!;
    assert.equal(problem.code, 'unknown-placeholder');
    assert.match(problem.hint ?? '', /\{\{ for a literal brace/);
  });
  test('in label keys and values', () => assert.deepEqual(bake.target._common!.labels, { 'odd.$${key}': '100%%{' }));
});

describe('braces that are not placeholders stay literal text', () => {
  const args = {
    SHELL: 'echo ${HOME} ${Home} ${HOME:-x} %{ if x }',
    JSON: '{} {"a": 1} {"a": {"b": 2}}',
    BRACES: 'mkdir -p /x/{a,b} {a b} } }} {1}',
    ESCAPED: '{{Framework} {{ framework } {{cuda|}',
  };
  const bake = bakeOf({ 'm.yaml': matrixYaml({ args }) });
  test('written as they are (escaped for bake)', () =>
    assert.deepEqual(bake.target._common!.args, {
      SHELL: 'echo $${HOME} $${Home} $${HOME:-x} %%{ if x }',
      JSON: args.JSON,
      BRACES: args.BRACES,
      ESCAPED: '{Framework} { framework } {cuda|}',
    }));
});

describe('literal text next to placeholders', () => {
  const scope = scopeOf({ cuda: 'cu129' }, { registry: ['REGISTRY', 'r.test'] });
  const cases = [
    { name: 'a $ before a literal brace', input: 'keep ${{HOME}', bake: 'keep $${HOME}' },
    { name: 'a % before a literal brace', input: '%{{if}', bake: '%%{if}' },
    { name: 'a $ before a variable stays a $', input: 'cost $' + '{registry}', bake: 'cost ${"$"}${REGISTRY}' },
    { name: 'a $ before an axis value is plain text', input: '${cuda}', bake: '$cu129' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = render(c.input, scope);
      assert.ok(r.ok);
      assert.equal(r.value.bake, c.bake);
    });
  }
  test('variable defaults are escaped too', () => {
    const bake = bakeOf({ 'm.yaml': matrixYaml({ variables: { odd: { default: 'a${b}' } }, args: { X: '{odd}' } }) });
    assert.deepEqual(bake.variable?.ODD, { default: 'a$${b}' });
  });
});

describe('found by the property tests', () => {
  const scope = scopeOf({}, { version: ['VERSION', 'dev'] });
  test('a run of $ before a variable stays that many $', () => {
    const r = render('$$' + '{version}', scope);
    assert.ok(r.ok);
    assert.equal(r.value.bake, '${"$$"}${VERSION}');
    assert.equal(r.value.preview, '$$dev');
  });
  test('two variables may not read one bake variable', () => {
    const problems = generateProblems({ 'm.yaml': matrixYaml({ variables: { a: { env: 'BM_X' }, b: { env: 'BM_X' } } }) });
    assert.equal(problems[0]!.code, 'variable-env-collision');
    assert.equal(problems[0]!.pointer, '/variables/b/env');
  });
  test('the same platforms in another order are no platform mismatch', () => {
    const bake = bakeOf({ 'm.yaml': matrixYaml({ stages: { ...BASE_MATRIX.stages, framework: { ...BASE_MATRIX.stages!.framework!, platforms: ['linux/arm64', 'linux/amd64'] } } }) });
    assert.deepEqual(bake.target['vllm-cu129-framework']!.platforms, ['linux/arm64', 'linux/amd64']);
  });
});
