// Property: a broken matrix is a user error, never a crash. A valid generated
// matrix is mutated (an unknown key, a wrong type, a reference to a missing
// axis, value or stage, a cycle in `from`, a bad platform, an unknown
// placeholder; or its text truncated or given a stray character), written to
// a fresh project next to a bake file from an earlier run, and
// `bake-matrix generate` runs in-process. Then: exit 2, a message on stderr
// that points into a matrix file (file:line:col, inside the file), no
// internal error, and the earlier bake files untouched.
//
// Reproduce a failure with the seed it prints: BAKE_MATRIX_PROPERTY_SEED=<seed>.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateFrom, type Generated } from '../../src/generate.ts';
import type { MatrixFile } from '../../src/types/matrix-file.generated.ts';
import { validateBakeFile } from '../helpers/bake-schema.ts';
import { runCli } from '../helpers/cli.ts';
import { testdir } from '../helpers/testdir.ts';
import { dockerfilesOf, filesOf, matrixCase, showFiles, sourceFilesOf, type MatrixCase, type MatrixFileText } from './arbitraries.ts';

const SEED = Number(process.env.BAKE_MATRIX_PROPERTY_SEED ?? 20260115);
const RUNS = Number(process.env.BAKE_MATRIX_PROPERTY_RUNS ?? 80);
/** The seed is printed on failure, with the error of the shrunk counterexample. */
const params = (offset: number, numRuns = RUNS) => ({ seed: SEED + offset, numRuns, includeErrorInReport: true });
const OUTPUTS = { 'docker-bake.json': '{"sentinel": "from an earlier run"}\n', 'docker-bake.hcl': '# sentinel from an earlier run\n' };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- mutations break the types on purpose

/** A structural mutation: changes the document so that it must be rejected. */
interface Mutation {
  kind: string;
  apply(doc: Doc, built: Generated, pick: (n: number) => number): string | undefined;
}

const keysOf = (o: unknown) => (o && typeof o === 'object' ? Object.keys(o) : []);
const builtStages = (built: Generated) => [...new Set([...built.plan.targets.values()].filter((t) => t.kind === 'stage').map((t) => t.stage!))];

const MUTATIONS: Mutation[] = [
  {
    kind: 'unknown key',
    apply(doc, _built, pick) {
      const key = ['tagz', 'platfroms', 'form', 'Target', 'extra_key'][pick(5)]!;
      const stages = keysOf(doc.stages);
      const places: (() => string)[] = [
        () => ((doc[key] = 'x'), key),
        () => {
          const s = stages[pick(stages.length)]!;
          doc.stages[s][key] = 'x';
          return `stages.${s}.${key}`;
        },
        () => {
          const axis = keysOf(doc.axes)[0]!;
          const value = keysOf(doc.axes[axis])[0]!;
          doc.axes[axis][value] = { ...(doc.axes[axis][value] ?? {}), [key]: 1 };
          return `axes.${axis}.${value}.${key}`;
        },
        () => {
          doc.cache = { ref: 'localhost:5000/c:{target}', [key]: true };
          return `cache.${key}`;
        },
      ];
      return places[pick(places.length)]!();
    },
  },
  {
    kind: 'wrong type',
    apply(doc, _built, pick) {
      const s = keysOf(doc.stages)[0]!;
      const axis = keysOf(doc.axes)[0]!;
      const changes: (() => string)[] = [
        () => ((doc.stages[s].target = 42), `stages.${s}.target = 42`),
        () => ((doc.stages[s].tags = 'localhost:5000/x:y'), `stages.${s}.tags = a string`),
        () => ((doc.stages[s].axes = axis), `stages.${s}.axes = a string`),
        () => ((doc.platforms = 'linux/amd64'), 'platforms = a string'),
        () => ((doc.axes[axis] = ['v1']), `axes.${axis} = a list`),
        () => ((doc.args = { X: { nested: true } }), 'args.X = a mapping'),
        () => ((doc.exclude = { [axis]: 'v' }), 'exclude = a mapping'),
        () => ((doc.stages = ['s0']), 'stages = a list'),
        () => ((doc.cache = 'on'), 'cache = a string'),
      ];
      return changes[pick(changes.length)]!();
    },
  },
  {
    kind: 'missing axis, value or stage',
    apply(doc, built, pick) {
      const stages = keysOf(doc.stages);
      const s = stages[pick(stages.length)]!;
      const axis = keysOf(doc.axes)[pick(keysOf(doc.axes).length)]!;
      const changes: (() => string)[] = [
        () => ((doc.stages[s].axes = [...(doc.stages[s].axes ?? []), 'nope_axis']), `stages.${s}.axes + nope_axis`),
        () => ((doc.exclude = [...(doc.exclude ?? []), { nope_axis: 'x1' }]), 'exclude nope_axis'),
        () => ((doc.exclude = [...(doc.exclude ?? []), { [axis]: 'zz-missing' }]), `exclude ${axis}: zz-missing`),
        () => ((doc.overrides = [...(doc.overrides ?? []), { when: { [axis]: ['zz-missing'] }, args: { X: '1' } }]), `override ${axis}: zz-missing`),
        () => ((doc.stages[s].from = 'no-such-stage'), `stages.${s}.from = no-such-stage`),
        () => ((doc.groups = { ...(doc.groups ?? {}), gz: ['no-such-stage'] }), 'group gz lists no-such-stage'),
        () => ((doc.overrides = [...(doc.overrides ?? []), { when: { [axis]: keysOf(doc.axes[axis])[0] }, stages: ['no-such-stage'] }]), 'override stages no-such-stage'),
        () => {
          const built0 = builtStages(built);
          doc.groups = { ...(doc.groups ?? {}), 'zz-list': { targets: ['no-such-target'] } };
          return `list group names no-such-target (${built0.length} stages built)`;
        },
      ];
      return changes[pick(changes.length)]!();
    },
  },
  {
    kind: 'two variables, one env',
    apply(doc, _built, pick) {
      // A built-in's env (VERSION, GIT_SHA) or another variable's.
      const env = ['VERSION', 'GIT_SHA', 'BM_SAME'][pick(3)]!;
      doc.variables = { ...(doc.variables ?? {}), zz_one: { env, default: 'one' }, ...(env === 'BM_SAME' ? { zz_two: { env, default: 'two' } } : {}) };
      const s = builtStages(_built)[0];
      if (s) doc.stages[s].labels = { ...(doc.stages[s].labels ?? {}), zz: '{zz_one}' };
      return `variables share the env ${env}`;
    },
  },
  {
    kind: 'cycle in from',
    apply(doc, _built, pick) {
      const stages = keysOf(doc.stages);
      const child = stages.find((k) => doc.stages[k].from);
      if (!child || pick(3) === 0) {
        const s = stages[pick(stages.length)]!;
        doc.stages[s].from = s;
        return `stages.${s}.from = itself`;
      }
      // The root of the child's chain derives from the child: a cycle through every stage between.
      let root = child;
      while (doc.stages[root].from) root = doc.stages[root].from;
      doc.stages[root].from = child;
      return `stages.${root}.from = ${child}`;
    },
  },
  {
    kind: 'bad platform',
    apply(doc, _built, pick) {
      const bad = ['linux/amd65', 'Linux/AMD64', 'linux', 'linux/arm64/v8/x', 'darwin/m1'][pick(5)]!;
      const s = keysOf(doc.stages)[pick(keysOf(doc.stages).length)]!;
      if (pick(2) === 0) doc.platforms = [...(Array.isArray(doc.platforms) ? doc.platforms : ['linux/amd64']), bad];
      else doc.stages[s].platforms = [bad];
      return `platform ${bad}`;
    },
  },
  {
    kind: 'unknown placeholder',
    apply(doc, built, pick) {
      // Only a template that is rendered can be checked: put it on a stage that builds.
      const s = builtStages(built)[0];
      if (!s) return undefined;
      const changes: (() => string | undefined)[] = [
        () => ((doc.stages[s].tags = [...(doc.stages[s].tags ?? []), 'localhost:5000/x:{nope_ph}']), `stages.${s}.tags {nope_ph}`),
        () => ((doc.stages[s].labels = { ...(doc.stages[s].labels ?? {}), zz: 'a{nope_ph}' }), `stages.${s}.labels {nope_ph}`),
        () => ((doc.stages[s].args = { ...(doc.stages[s].args ?? {}), ZZ: '{regsitry}' }), `stages.${s}.args {regsitry}`),
        () => {
          doc.stages[s].name = '{nope_ph}-zz';
          return `stages.${s}.name {nope_ph}`;
        },
        () => ((doc.groups = { ...(doc.groups ?? {}), 'gz-{nope_ph}': [s] }), 'group gz-{nope_ph}'),
        () => ((doc.cache = { ref: 'localhost:5000/cache:{target}-{nope_ph}' }), 'cache.ref {nope_ph}'),
      ];
      return changes[pick(changes.length)]!();
    },
  },
];

/** Text mutations: the result may happen to be valid, so only "0 or a clean 2" is required of them. */
const TEXT_MUTATIONS = ['truncate', 'insert'] as const;
const STRAY = ['{', '[', ']', '}', ':', '"', "'", '\t', '\0', '\x7f', '-', '#', '&', '*', '!', '%', '@', '`', '\n', 'é', ',', '=', '\\', '\ufeff'];

interface Setup {
  dir: string;
  files: MatrixFileText[];
}

function project(c: MatrixCase, files: MatrixFileText[]): Setup {
  const dir = testdir({
    ...Object.fromEntries(files.map((f) => [f.path, f.text])),
    ...dockerfilesOf(c.doc),
    ...Object.fromEntries(Object.entries(OUTPUTS).map(([name, text]) => [`out/${name}`, text])),
  });
  return { dir, files };
}

async function generateIn(setup: Setup) {
  try {
    return await runCli(['generate', '--matrix', 'matrix', '--out', 'out'], setup.dir);
  } catch (e) {
    assert.fail(`bake-matrix threw instead of returning an exit code: ${(e as Error).stack}\n${showFiles(setup.files)}`);
  }
}

/** Exit 2 with a positioned message, and the earlier outputs as they were. */
function assertCleanRejection(setup: Setup, run: { code: number; stdout: string; stderr: string }, what: string) {
  const context = `${what}\n--- stderr\n${run.stderr}\n${showFiles(setup.files)}`;
  assert.notEqual(run.code, 70, `internal error: ${context}`);
  assert.equal(run.code, 2, `exit code ${run.code}, expected 2: ${context}`);
  assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace: ${context}`);
  const positions = [...run.stderr.matchAll(/(matrix\/[\w.]+):(\d+):(\d+)/g)];
  assert.ok(positions.length > 0, `the message names a matrix file with line and column: ${context}`);
  for (const [, path, line, col] of positions) {
    const file = setup.files.find((f) => f.path === path);
    assert.ok(file, `the message names a file that exists: ${path}: ${context}`);
    const lines = file.text.split('\n');
    assert.ok(Number(line) >= 1 && Number(line) <= Math.max(1, lines.length), `line ${line} is inside ${path}: ${context}`);
    assert.ok(Number(col) >= 1 && Number(col) <= (lines[Number(line) - 1]?.length ?? 0) + 1, `column ${col} is inside line ${line} of ${path}: ${context}`);
  }
  assertOutputsUntouched(setup, context);
}

function assertOutputsUntouched(setup: Setup, context: string) {
  assert.deepEqual(readdirSync(join(setup.dir, 'out')).sort(), Object.keys(OUTPUTS).sort(), `no file added to or removed from --out: ${context}`);
  for (const [name, text] of Object.entries(OUTPUTS)) assert.equal(readFileSync(join(setup.dir, 'out', name), 'utf8'), text, `out/${name} untouched: ${context}`);
}

/** The mutated document over the same files; a new top-level key goes into the first. */
function resplit(c: MatrixCase, doc: Doc): MatrixCase {
  const placed = new Set(c.files.flatMap((f) => f.keys));
  const added = Object.keys(doc).filter((k) => !placed.has(k as keyof MatrixFile)) as (keyof MatrixFile)[];
  return { doc: doc as MatrixFile, files: c.files.map((f, i) => ({ ...f, keys: [...f.keys, ...(i === 0 ? added : [])] })) };
}

/** The unmutated matrix must generate (Dockerfile checks included), or the run says nothing. */
function baseline(c: MatrixCase): { built: Generated } | undefined {
  const files = filesOf(c);
  const dir = testdir({ ...dockerfilesOf(c.doc) });
  const result = generateFrom(sourceFilesOf(files), { root: dir });
  return result.ok ? { built: result.value } : undefined;
}

test('a matrix with a structural mistake exits 2 with a positioned message and leaves the earlier bake files alone', async () => {
  const kinds = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(matrixCase(), fc.nat(MUTATIONS.length - 1), fc.infiniteStream(fc.nat()), async (c, m, stream) => {
      const base = baseline(c);
      fc.pre(base !== undefined);
      const doc = structuredClone(c.doc) as Doc;
      const numbers = stream[Symbol.iterator]();
      const pick = (n: number) => (n <= 1 ? 0 : numbers.next().value! % n);
      const mutation = MUTATIONS[m]!;
      const what = mutation.apply(doc, base!.built, pick);
      fc.pre(what !== undefined);
      kinds.set(mutation.kind, (kinds.get(mutation.kind) ?? 0) + 1);
      const setup = project(c, filesOf(resplit(c, doc)));
      assertCleanRejection(setup, await generateIn(setup), `${mutation.kind}: ${what}`);
    }),
    params(2),
  );
  for (const m of MUTATIONS) assert.ok((kinds.get(m.kind) ?? 0) > 0, `the mutation "${m.kind}" was tried`);
});

test('a matrix file truncated or with a stray character generates or exits 2 cleanly, never crashes', async () => {
  let rejected = 0;
  let total = 0;
  await fc.assert(
    fc.asyncProperty(matrixCase(), fc.constantFrom(...TEXT_MUTATIONS), fc.nat(), fc.nat(), fc.constantFrom(...STRAY), async (c, kind, fileIndex, offset, stray) => {
      fc.pre(baseline(c) !== undefined);
      const files = filesOf(c).map((f) => ({ ...f }));
      const file = files[fileIndex % files.length]!;
      const at = offset % Math.max(1, file.text.length);
      file.text = kind === 'truncate' ? file.text.slice(0, at) : file.text.slice(0, at) + stray + file.text.slice(at);
      const what = kind === 'truncate' ? `${file.path} cut at ${at}` : `${JSON.stringify(stray)} inserted into ${file.path} at ${at}`;
      total++;
      const setup = project(c, files);
      const run = await generateIn(setup);
      if (run.code === 0) {
        // Still a valid matrix: then the bake file it wrote must be a real one.
        const json = JSON.parse(readFileSync(join(setup.dir, 'out', 'docker-bake.json'), 'utf8')) as unknown;
        assert.deepEqual(validateBakeFile(json), [], `${what}: the bake file written passes the schema`);
        return;
      }
      rejected++;
      assertCleanRejection(setup, run, what);
    }),
    params(3),
  );
  assert.ok(rejected >= total * 0.3, `enough text mutations must break the matrix to test something: ${rejected} of ${total}`);
});
