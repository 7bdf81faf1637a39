// Property: any valid matrix generates a bake file that buildx can use, and
// always the same one. Matrices come from arbitraries.ts, are written as YAML
// and TOML files (split over one to three files) and run through the real
// pipeline in memory (load's parsers, validate, expand, plan, emit).
//
// Reproduce a failure with the seed it prints: BAKE_MATRIX_PROPERTY_SEED=<seed>.
// More runs: BAKE_MATRIX_PROPERTY_RUNS=<n>.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateFrom, type Generated, type GenerateResult } from '../../src/generate.ts';
import type { BakeFile, BakeTarget } from '../../src/types/bake.ts';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { validateBakeFile } from '../helpers/bake-schema.ts';
import { filesOf, matrixCase, serialize, showFiles, sourceFilesOf, type MatrixCase, type MatrixFileText } from './arbitraries.ts';

const SEED = Number(process.env.BAKE_MATRIX_PROPERTY_SEED ?? 20260115);
const RUNS = Number(process.env.BAKE_MATRIX_PROPERTY_RUNS ?? 100);
/** The seed is printed on failure, with the error of the shrunk counterexample. */
const params = (offset: number, numRuns = RUNS) => ({ seed: SEED + offset, numRuns, includeErrorInReport: true });
const NAME = /^[a-zA-Z0-9_-]+$/;

// ---------------------------------------------------------------- bake semantics, from buildx

/**
 * Reads one string of a bake file the way HCL does (every JSON string is a
 * template): `$${` and `%%{` are literal, `${NAME}` reads a variable, any other
 * `${` or `%{` is an expression or a directive, which bake-matrix never means.
 */
function readTemplate(text: string, variables: Readonly<Record<string, string>>): { ok: true; value: string } | { ok: false; why: string } {
  let value = '';
  for (let i = 0; i < text.length; ) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      value += text[i] + '{';
      i += 3;
    } else if (CONDITIONAL.test(text.slice(i))) {
      // ${A == "" || B == "" ? "" : "<template>"}: an entry that exists only while A and B are set.
      const m = CONDITIONAL.exec(text.slice(i))!;
      const names = [...m[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*) == ""/g)].map((n) => n[1]!);
      const unknown = names.find((n) => !(n in variables));
      if (unknown) return { ok: false, why: `\${${unknown}} in ${JSON.stringify(text)} names no emitted variable` };
      const nested = readTemplate(m[2]!.replace(/\\(["\\])/g, '$1'), variables);
      if (!nested.ok) return nested;
      if (!names.some((n) => variables[n] === '')) value += nested.value;
      i += m[0].length;
    } else if (text.startsWith('${', i)) {
      // ${NAME}, or a quoted literal such as ${"$"} (a `$` right before an interpolation).
      const m = /^\$\{(?:([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\$%]|[$%](?!\{)|\\["\\])*)")\}/.exec(text.slice(i));
      if (!m) return { ok: false, why: `an unescaped "\${" at offset ${i} of ${JSON.stringify(text)}` };
      if (m[1] !== undefined) {
        if (!(m[1] in variables)) return { ok: false, why: `\${${m[1]}} in ${JSON.stringify(text)} names no emitted variable` };
        value += variables[m[1]];
      } else value += m[2]!.replace(/\\(["\\])/g, '$1');
      i += m[0].length;
    } else if (text.startsWith('%{', i)) {
      return { ok: false, why: `an unescaped "%{" (a directive) at offset ${i} of ${JSON.stringify(text)}` };
    } else {
      value += text[i];
      i++;
    }
  }
  return { ok: true, value };
}

const CONDITIONAL = /^\$\{((?:[A-Za-z_][A-Za-z0-9_]* == "" \|\| )*[A-Za-z_][A-Za-z0-9_]* == "") \? "" : "((?:[^"\\]|\\.)*)"\}/;

function read(text: string, variables: Readonly<Record<string, string>>, where: string): string {
  const r = readTemplate(text, variables);
  if (!r.ok) assert.fail(`${where}: ${r.why}`);
  return r.value;
}

interface Resolved {
  args: Record<string, string>;
  labels: Record<string, string>;
  contexts: Record<string, string>;
  tags?: string[];
  platforms?: string[];
  target?: string;
  'cache-from': string[];
  'cache-to'?: string[];
}

/** A target with what it inherits, as buildx's Target.Merge does: maps merge, lists are replaced, cache-from is appended. */
function resolveTarget(bake: BakeFile, name: string, seen: string[] = []): Resolved {
  const t = bake.target[name];
  assert.ok(t, `target "${name}" exists`);
  assert.ok(!seen.includes(name), `inherits cycle: ${[...seen, name].join(' -> ')}`);
  const r: Resolved = { args: {}, labels: {}, contexts: {}, 'cache-from': [] };
  const merge = (from: BakeTarget | Resolved) => {
    Object.assign(r.args, from.args ?? {});
    Object.assign(r.labels, from.labels ?? {});
    Object.assign(r.contexts, from.contexts ?? {});
    if (from.tags) r.tags = from.tags;
    if (from.platforms) r.platforms = from.platforms;
    if (from.target) r.target = from.target;
    if (from['cache-to']) r['cache-to'] = from['cache-to'];
    r['cache-from'] = [...r['cache-from'], ...(from['cache-from'] ?? [])];
  };
  for (const parent of t.inherits ?? []) merge(resolveTarget(bake, parent, [...seen, name]));
  merge(t);
  return r;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Every string of the file that HCL reads as a template: values, and the keys of map attributes. */
function* templates(bake: BakeFile): Generator<{ where: string; text: string }> {
  for (const [name, t] of Object.entries(bake.target)) {
    for (const [attr, value] of Object.entries(t)) {
      const where = `target "${name}" ${attr}`;
      if (typeof value === 'string') yield { where, text: value };
      else if (Array.isArray(value)) for (const v of value) yield { where, text: v as string };
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          yield { where: `${where} key`, text: k };
          yield { where: `${where}.${k}`, text: v as string };
        }
      }
    }
  }
  for (const [name, g] of Object.entries(bake.group)) for (const m of g.targets) yield { where: `group "${name}"`, text: m };
}

// ---------------------------------------------------------------- the invariants

/** What must hold of every generated bake file. Throws (assert) with the reason. */
function checkGenerated(gen: Generated): void {
  const json = gen.outputs['docker-bake.json'];
  assert.ok(json, 'docker-bake.json is emitted');
  const file = JSON.parse(json) as Partial<BakeFile>;
  for (const [key, blocks] of Object.entries(file)) assert.ok(Object.keys(blocks).length > 0, `"${key}" is no empty object (bake refuses one: "Missing block label")`);
  const bake = { group: {}, target: {}, ...file } as BakeFile;

  assert.deepEqual(validateBakeFile(file), [], 'the bake file passes schema/docker-bake.schema.json');
  assert.deepEqual(bake, JSON.parse(JSON.stringify(gen.plan.bake)), 'the file is the plan\'s bake model');

  // Names: bake's pattern, never a flag, one namespace for targets and groups.
  const targets = Object.keys(bake.target);
  const groups = Object.keys(bake.group);
  for (const n of [...targets, ...groups]) {
    assert.match(n, NAME, `name "${n}" is a valid bake name`);
    assert.ok(!n.startsWith('-'), `name "${n}" does not read as a flag`);
  }
  for (const n of targets) assert.ok(!groups.includes(n), `"${n}" is not both a target and a group`);

  // Groups hold existing, non-empty and acyclic members.
  for (const [g, { targets: members }] of Object.entries(bake.group)) {
    assert.ok(members.length > 0, `group "${g}" is not empty`);
    assert.equal(new Set(members).size, members.length, `group "${g}" lists each member once`);
    for (const m of members) assert.ok(m in bake.target || m in bake.group, `group "${g}" member "${m}" exists`);
  }
  const groupDepth = (g: string, seen: string[]): void => {
    assert.ok(!seen.includes(g), `group cycle: ${[...seen, g].join(' -> ')}`);
    for (const m of bake.group[g]!.targets) if (m in bake.group) groupDepth(m, [...seen, g]);
  };
  groups.forEach((g) => groupDepth(g, []));

  // inherits and target: contexts point at targets; together they have no cycle.
  const edges = new Map<string, string[]>();
  for (const [name, t] of Object.entries(bake.target)) {
    const links = Object.values(t.contexts ?? {}).filter((c) => c.startsWith('target:')).map((c) => c.slice('target:'.length));
    for (const p of [...(t.inherits ?? []), ...links]) assert.ok(p in bake.target, `"${name}" inherits or links "${p}", which is a target`);
    edges.set(name, [...(t.inherits ?? []), ...links]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === 'done') return;
    assert.notEqual(state.get(n), 'open', `inherits/context cycle: ${[...path, n].join(' -> ')}`);
    state.set(n, 'open');
    for (const m of edges.get(n) ?? []) visit(m, [...path, n]);
    state.set(n, 'done');
  };
  targets.forEach((n) => visit(n, []));

  // Strings: no unescaped sigil; ${NAME} only for an emitted variable; variable defaults are plain text.
  const defaults: Record<string, string> = {};
  for (const [name, v] of Object.entries(bake.variable ?? {})) defaults[name] = read(v.default, {}, `variable "${name}" default`);
  for (const { where, text } of templates(bake)) read(text, defaults, where);

  // Each built target, resolved through inheritance as buildx does, is what the plan meant.
  const resolved = new Map(targets.map((n) => [n, resolveTarget(bake, n)]));
  const tagOwner = new Map<string, string>();
  const cacheOwner = new Map<string, string>();
  for (const info of gen.plan.targets.values()) {
    if (info.kind === 'common') continue;
    const r = resolved.get(info.name);
    assert.ok(r, `planned target "${info.name}" is emitted`);
    const readMap = (m: Record<string, string>, what: string) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [read(k, {}, `${info.name} ${what} key`), read(v, defaults, `${info.name} ${what}.${k}`)]));
    const previews = (m: Record<string, { preview: string }>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.preview]));
    assert.deepEqual(readMap(r.args, 'args'), previews(info.args), `args of "${info.name}" as bake reads them`);
    assert.deepEqual(readMap(r.labels, 'labels'), previews(info.labels), `labels of "${info.name}" as bake reads them`);
    assert.deepEqual((r.tags ?? []).map((t) => read(t, defaults, `${info.name} tag`)), info.tags.map((t) => t.preview), `tags of "${info.name}"`);
    // Platforms no key declares are left to the builder: the file writes none.
    assert.deepEqual(r.platforms ?? [], info.platforms, `platforms of "${info.name}"`);
    assert.ok(info.platforms.length > 0 || !gen.matrix.platformsDeclared, `"${info.name}" builds for some platform`);
    for (const t of r.tags ?? []) {
      assert.ok(!tagOwner.has(t), `tag ${t} is pushed by "${tagOwner.get(t)}" and "${info.name}"`);
      tagOwner.set(t, info.name);
    }
    for (const c of r['cache-to'] ?? []) {
      const ref = /ref=([^,]*)/.exec(c)?.[1] ?? c;
      assert.ok(!cacheOwner.has(ref), `cache ref ${ref} is written by "${cacheOwner.get(ref)}" and "${info.name}"`);
      cacheOwner.set(ref, info.name);
      assert.ok(r['cache-from'].some((f) => f.includes(`ref=${ref}`)), `"${info.name}" reads the cache it writes`);
    }
    // Every stage above it is bound as a target: context (DESIGN.md: bind every ancestor stage).
    const bound = Object.values(r.contexts);
    for (const a of info.ancestors) assert.ok(bound.includes(`target:${a}`), `"${info.name}" binds its ancestor "${a}"`);
    if (info.kind === 'layer') {
      for (const consumer of info.usedBy) assert.ok(Object.values(resolved.get(consumer)?.contexts ?? {}).includes(`target:${info.name}`), `layer "${info.name}" is bound into "${consumer}"`);
    }
    // Platforms of a link: equal to the linked target's, or a single platform (buildx v0.10.4).
    for (const link of bound.filter((c) => c.startsWith('target:'))) {
      const other = resolved.get(link.slice('target:'.length))!;
      const mine = r.platforms ?? [];
      assert.ok(mine.length === 1 || sameSet(mine, other.platforms ?? []), `"${info.name}" (${mine.join(', ')}) links ${link} (${(other.platforms ?? []).join(', ')})`);
    }
  }
}

// ---------------------------------------------------------------- the properties

function run(files: readonly MatrixFileText[]): GenerateResult {
  return generateFrom(sourceFilesOf(files));
}

const platformsIn = (c: MatrixCase): Set<string> => new Set(JSON.stringify(c.doc).match(/linux\/[a-z0-9/]+/g) ?? []);

/**
 * A generated matrix may still fail for reasons the generator does not rule
 * out; each is a clean, positioned problem. `platform-mismatch` needs three
 * platforms: with two, any multi-platform subset is the whole set.
 */
function acceptableFailure(c: MatrixCase, result: Extract<GenerateResult, { ok: false }>, files: readonly MatrixFileText[]): void {
  const allowed = new Set(['empty-group', 'empty-stage', 'unused-value', ...(platformsIn(c).size > 2 ? ['platform-mismatch'] : [])]);
  for (const p of result.problems) {
    assert.ok(p.severity !== 'error' || allowed.has(p.code), `a valid matrix fails with ${p.code}: ${p.file ?? ''} ${p.pointer ?? ''} ${p.message}\n${showFiles(files)}`);
    assert.ok(p.file && files.some((f) => f.path === p.file), `problem ${p.code} names a matrix file: ${p.file}`);
  }
}

test('valid matrices generate a usable bake file, the same bytes every time, whatever the file format and split', () => {
  let generated = 0;
  let total = 0;
  fc.assert(
    fc.property(matrixCase(), (c) => {
      total++;
      const files = filesOf(c);
      let result: GenerateResult;
      try {
        result = run(files);
      } catch (e) {
        assert.fail(`generate threw on a valid matrix: ${(e as Error).stack}\n${showFiles(files)}`);
      }
      if (!result.ok) return acceptableFailure(c, result, files);
      generated++;
      try {
        checkGenerated(result.value);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${showFiles(files)}`, { cause: e });
      }
      // Determinism: the same files again; and the same document in one file of the other format.
      const again = run(files);
      assert.ok(again.ok);
      assert.deepEqual(again.value.outputs, result.value.outputs, 'the same files generate the same bytes');
      const format = c.files[0]!.format === 'yaml' ? 'toml' : 'yaml';
      const whole = [{ path: `matrix/all.${format}`, format, text: serialize(c.doc as Record<string, unknown>, format) } as const];
      const same = run(whole);
      assert.ok(same.ok, `the matrix in one ${format} file generates too\n${showFiles(whole)}`);
      assert.deepEqual(same.value.outputs, result.value.outputs, `the matrix in one ${format} file generates the same bytes\n${showFiles(whole)}\n${showFiles(files)}`);
    }),
    params(0),
  );
  assert.ok(generated >= total * 0.8, `most generated matrices must generate: ${generated} of ${total}`);
});

test('a list group of generated names generates and holds exactly those names', () => {
  fc.assert(
    fc.property(matrixCase(), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (c, picks) => {
      const first = run(filesOf(c));
      fc.pre(first.ok);
      if (!first.ok) return;
      const names = [...Object.keys(first.value.plan.bake.target).filter((n) => !n.startsWith('_')), ...Object.keys(first.value.plan.bake.group)];
      const chosen = [...new Set(picks.map((i) => names[i % names.length]!))];
      const doc: MatrixFile = { ...c.doc, groups: { ...(c.doc.groups ?? {}), 'zz-picked': { description: 'picked', targets: chosen as [string, ...string[]] } } };
      const files = filesOf({ doc, files: [{ format: 'yaml', keys: Object.keys(doc) as (keyof MatrixFile)[] }] });
      const second = run(files);
      assert.ok(second.ok, `a list group of generated names fails: ${second.ok ? '' : second.problems.map((p) => `${p.code} ${p.message}`).join('; ')}\n${showFiles(files)}`);
      assert.deepEqual(second.value.plan.bake.group['zz-picked']?.targets, chosen);
      checkGenerated(second.value);
    }),
    params(1, Math.ceil(RUNS * 0.4)),
  );
});
