// The template language on its own: parsing, filters, optional segments, and
// how each placeholder is rendered for bake (src/template).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFilters, filterFor, FILTERS, malformedPlaceholders, parseTemplate, render, type Lookup, type PlaceholderPart, type Scope } from '../../src/template/index.ts';
import { previewBake, variablesIn } from '../../src/inspect/preview-bake.ts';

describe('parsing', () => {
  const cases = [
    { name: 'an axis', input: '{cuda}', expected: { name: 'cuda', arg: false, filters: [] } },
    { name: 'an attribute with filters', input: '{cuda.version|nodots|lower}', expected: { name: 'cuda', arg: false, attr: 'version', filters: ['nodots', 'lower'] } },
    { name: 'an optional segment before', input: '{-cuda}', expected: { name: 'cuda', arg: false, filters: [], optional: { before: '-', after: '', keepDefault: false } } },
    { name: 'an optional segment after, keeping the default', input: '{cuda!_}', expected: { name: 'cuda', arg: false, filters: [], optional: { before: '', after: '_', keepDefault: true } } },
    { name: 'an arg', input: '{arg:BASE_IMAGE}', expected: { name: 'BASE_IMAGE', arg: true, filters: [] } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [part] = parseTemplate(c.input);
      assert.ok(part && part.kind === 'placeholder');
      const { kind, raw, ...rest } = part;
      assert.equal(raw, c.input);
      assert.deepEqual(rest, c.expected);
    });
  }
  test('{{ is a literal brace, other braces are text', () => {
    assert.deepEqual(parseTemplate('{{cuda} {Foo} {"a": 1}'), [{ kind: 'literal', text: '{cuda} {Foo} {"a": 1}' }]);
  });
});

describe('text that looks like a placeholder but is not one', () => {
  const cases = [
    { name: 'a name in upper case', input: 'x/{Framework}:1', found: ['{Framework}'] },
    { name: 'an attribute in upper case', input: '{cuda.Version}', found: ['{cuda.Version}'] },
    { name: 'a filter in upper case', input: '{git_sha|Short}', found: ['{git_sha|Short}'] },
    { name: 'spaces', input: '{ framework }-{cuda |major}', found: ['{ framework }', '{cuda |major}'] },
    { name: 'an empty filter', input: '{framework|}', found: ['{framework|}'] },
    { name: 'two attributes', input: '{cuda.version.major}', found: ['{cuda.version.major}'] },
    { name: 'two names joined by "-"', input: '{framework-cuda}', found: ['{framework-cuda}'] },
    { name: 'unclosed, up to the next brace', input: '{framework-{cuda}', found: ['{framework-'] },
    { name: 'unclosed at the end', input: 'x-{cuda', found: ['{cuda'] },
    { name: 'arg in upper case', input: '{ARG:BASE}', found: ['{ARG:BASE}'] },
    { name: 'the same typo twice: each', input: '{Cuda}/{Cuda}', found: ['{Cuda}', '{Cuda}'] },
    { name: 'valid placeholders', input: '{cuda}{-cuda!}{cuda.version|nodots}{arg:X}{.cuda_}', found: [] },
    { name: 'after $ or %: shell and bake syntax', input: '${HOME} ${Home} %{ if } ${HOME:-x}', found: [] },
    { name: 'escaped', input: '{{Framework} {{ cuda }', found: [] },
    { name: 'braces around other text', input: '{} { } {"a": 1} {a,b} {a b} {1} } }}', found: [] },
    { name: 'over lines', input: '{cuda\n}', found: ['{cuda'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const found = malformedPlaceholders(c.input);
      assert.deepEqual(found.map((m) => m.raw), c.found);
      for (const m of found) assert.equal(c.input.slice(m.index, m.index + m.raw.length), m.raw, 'index points at the text');
    });
  }
});

describe('filters', () => {
  const cases = [
    { filter: 'nodots', input: '12.9.1', output: '1291' },
    { filter: 'major', input: '12.9.1', output: '12' },
    { filter: 'major_minor', input: '12.9.1', output: '12.9' },
    { filter: 'major_minor', input: '12', output: '12' },
    { filter: 'lower', input: 'Ubuntu', output: 'ubuntu' },
    { filter: 'upper', input: 'cu129', output: 'CU129' },
    { filter: 'short', input: '0123456789abcdef', output: '0123456' },
  ];
  for (const c of cases) {
    test(`${c.filter}: ${c.input} -> ${c.output}, also as the HCL bake evaluates`, () => {
      assert.equal(applyFilters(c.input, [c.filter]), c.output);
      // The HCL form, evaluated the way bake would (the preview evaluator implements the same functions).
      const bake = '${' + FILTERS.get(c.filter)!.hcl('V') + '}';
      assert.equal(previewBake(bake, { V: { default: c.input } }), c.output);
      assert.deepEqual(variablesIn(bake), ['V']);
    });
  }

  test('a placeholder may give a filter that takes a number its own default ({inputs|short} keeps 12); short:N and the others ignore it', () => {
    const hex = '0123456789abcdef';
    assert.equal(applyFilters(hex, ['short'], { short: 12 }), '0123456789ab');
    assert.equal(applyFilters(hex, ['short:3'], { short: 12 }), '012');
    assert.equal(applyFilters(hex, ['short']), '0123456', 'without one, the 7 of a git sha');
    assert.equal(applyFilters('Ubuntu', ['lower'], { lower: 3 }), 'ubuntu', 'a filter that takes no number takes no default');
    assert.equal(filterFor('short', { short: 12 })!.hcl('V'), 'substr(V, 0, 12)');
    assert.equal(filterFor('short:0', { short: 12 }), undefined, 'the range still holds');
  });
});

/** A scope from a table of lookups by placeholder name. */
function scopeOf(lookups: Record<string, Lookup>): Scope {
  return { lookup: (p: PlaceholderPart) => lookups[p.name] ?? { kind: 'error', code: 'unknown-placeholder', reason: `{${p.name}} is unknown` } };
}
const source = { placeholder: '', what: '' };
const variable = (env: string, def: string): Lookup => ({ kind: 'variable', variable: { key: env.toLowerCase(), env, default: def, origin: { file: '', pointer: '' } }, source });

describe('rendering', () => {
  const scope = scopeOf({
    cuda: { kind: 'text', text: 'cu129', isDefault: true, source },
    device: { kind: 'absent', reason: 'the axis "device" does not apply' },
    framework: { kind: 'text', text: 'vllm', source },
    version: variable('VERSION', 'dev'),
    git_sha: variable('GIT_SHA', ''),
  });
  const cases = [
    { name: 'an optional default value is left out', input: 'x{-cuda}', bake: 'x', preview: 'x' },
    { name: '! keeps the default value', input: 'x{-cuda!}', bake: 'x-cu129', preview: 'x-cu129' },
    { name: 'an axis that does not apply is left out', input: 'x{-device}{-device!}', bake: 'x', preview: 'x' },
    { name: 'an optional non-default value is written with its separator', input: '{framework_}x', bake: 'vllm_x', preview: 'vllm_x' },
    { name: 'a filtered variable becomes a function call', input: '{version|major}', bake: '${regex_replace(VERSION, "[.].*", "")}', preview: 'dev' },
    { name: 'an optional variable is left out while empty', input: 'a{-git_sha|short}', bake: 'a${GIT_SHA == "" ? "" : format("-%s", substr(GIT_SHA, 0, 7))}', preview: 'a' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = render(c.input, scope);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.bake, c.bake);
      assert.equal(r.value.preview, c.preview);
      assert.equal(previewBake(r.value.bake, { VERSION: { default: 'dev' }, GIT_SHA: { default: '' } }), c.preview, 'bake reads the default the preview shows');
    });
  }
  test('a required placeholder on an axis that does not apply is a problem that suggests the optional form', () => {
    const r = render('x-{device}', scope);
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.code, 'axis-does-not-apply');
    assert.match(r.problems[0]!.hint!, /\{-device\}/);
  });
  test('an unknown filter is a problem listing the filters', () => {
    const r = render('{cuda|nodot}', scope);
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.code, 'unknown-filter');
    assert.match(r.problems[0]!.hint!, /nodots/);
  });
});

describe('optional segments, further', () => {
  const scope = scopeOf({
    variant: { kind: 'text', text: 'slim-trixie', source },
    cuda: { kind: 'error', code: 'axis-not-varied', reason: 'this target does not vary over the axis "cuda"' },
  });
  test('"/" separates a path segment', () => {
    const r = render('{python}{/variant}/Dockerfile', scopeOf({ python: { kind: 'text', text: '3.14', source }, variant: { kind: 'text', text: 'slim-trixie', source } }));
    assert.ok(r.ok);
    assert.equal(r.value.preview, '3.14/slim-trixie/Dockerfile');
  });
  test('an optional segment of an axis the target does not vary over is left out; a required one is unknown', () => {
    const r = render('x{-cuda}{-variant}', scope);
    assert.ok(r.ok);
    assert.equal(r.value.preview, 'x-slim-trixie');
    const required = render('x-{cuda}', scope);
    assert.ok(!required.ok);
    assert.equal(required.problems[0]!.code, 'unknown-placeholder');
  });
});
