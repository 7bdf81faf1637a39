// run/inline-links.ts: which unrequested linked targets `run` lets their
// consumers build themselves, on a bake file shaped like the generated one
// (the bench fixture's frameworks: base -> torch and engine layers ->
// framework -> runtime, every target binding every stage above it), with the
// benchmark's Dockerfile and with one whose FROM stages declare no ARG.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inlineLinks, type InlineRequest } from '../../src/run/inline-links.ts';
import { requestClosure } from '../../src/run/closure.ts';
import { resolveTarget } from '../../src/inspect/resolve-target.ts';
import type { BakeFile, BakeTarget } from '../../src/types/bake.ts';
import { testdir } from '../helpers/testdir.ts';

/** The build benchmark's Dockerfile (scripts/bench-build): the base and framework stages declare ARGs. */
const DOCKERFILE = `ARG BASE_IMAGE=debian:bookworm
FROM \${BASE_IMAGE} AS build-base
ARG BENCH_RUN_ID
RUN echo base $BENCH_RUN_ID

FROM build-base AS deps-torch
ARG TORCH_VERSION
ARG TORCH_CUDA_ARCH_LIST
RUN echo torch $TORCH_VERSION $TORCH_CUDA_ARCH_LIST

FROM build-base AS deps-engine
ARG ENGINE_PACKAGE
ARG ENGINE_VERSION
RUN echo $ENGINE_PACKAGE $ENGINE_VERSION

FROM build-base AS framework
ARG ENGINE_PACKAGE
COPY --from=deps-torch /opt /opt
COPY --from=deps-engine /opt /opt
RUN echo framework $ENGINE_PACKAGE

FROM framework AS runtime
RUN echo runtime

FROM runtime AS dev
RUN echo dev
`;

/** The same chain with no ARG in the stages others start FROM (build-base, framework, runtime). */
const PLAIN = DOCKERFILE.replace('ARG BENCH_RUN_ID\nRUN echo base $BENCH_RUN_ID', 'RUN echo base').replace('ARG ENGINE_PACKAGE\nCOPY', 'COPY').replace('RUN echo framework $ENGINE_PACKAGE', 'RUN echo framework');

const cache = (name: string, mode = 'max') => ({
  'cache-from': [`type=registry,ref=r/cache:${name}`],
  'cache-to': [`type=registry,ref=r/cache:${name},mode=${mode},ignore-error=true`],
});

/** The generated shape for frameworks fa and fb (see the bench fixture's docker-bake.json). */
function fixture(): BakeFile {
  const target: Record<string, BakeTarget> = {
    _common: { args: { BASE_IMAGE: 'debian:bookworm', BENCH_RUN_ID: '1', TORCH_VERSION: '2.9.1' } },
    base: { inherits: ['_common'], context: '.', dockerfile: 'Dockerfile', target: 'build-base', platforms: ['linux/amd64'], ...cache('base') },
    torch: { inherits: ['base'], target: 'deps-torch', contexts: { 'build-base': 'target:base' }, ...cache('torch') },
  };
  for (const f of ['fa', 'fb']) {
    const args = { ENGINE_PACKAGE: f, ENGINE_VERSION: '1.0.0' };
    target[`${f}-engine`] = { inherits: ['base'], args, target: 'deps-engine', contexts: { 'build-base': 'target:base' }, ...cache(`${f}-engine`) };
    const frameworkContexts = { 'build-base': 'target:base', 'deps-engine': `target:${f}-engine`, 'deps-torch': 'target:torch' };
    target[`${f}-framework`] = { inherits: ['base'], args, target: 'framework', contexts: frameworkContexts, ...cache(`${f}-framework`) };
    target[`${f}-runtime`] = { inherits: [`${f}-framework`], target: 'runtime', contexts: { ...frameworkContexts, framework: `target:${f}-framework` }, tags: [`r/${f}:1`], ...cache(`${f}-runtime`) };
    target[`${f}-dev`] = { inherits: [`${f}-runtime`], target: 'dev', contexts: { ...frameworkContexts, framework: `target:${f}-framework`, runtime: `target:${f}-runtime` }, tags: [`r/${f}:1-dev`], ...cache(`${f}-dev`) };
  }
  return { group: { all: { targets: ['fa-runtime', 'fb-runtime'] } }, target };
}

function inline(bake: BakeFile, names: string[], options: Partial<InlineRequest> & { dockerfile?: string } = {}) {
  const text = options.dockerfile ?? PLAIN;
  const root = options.root ?? testdir({ Dockerfile: text, 'runtime.Dockerfile': text });
  const closure = requestClosure(bake, { names, sets: options.sets ?? [], overlays: [] });
  return inlineLinks(closure, { names, sets: [], overlays: 0, root, ...options });
}

/** The target: links left in the file, per block. */
const links = (bake: BakeFile) =>
  Object.fromEntries(Object.entries(bake.target).flatMap(([name, t]) => {
    const l = Object.values(t.contexts ?? {}).filter((v) => v.startsWith('target:'));
    return l.length ? [[name, l.map((v) => v.slice(7)).sort()]] : [];
  }));

/** A target's resolution without its contexts and cache-from, and without who set what. */
const rest = (bake: BakeFile, name: string) => {
  const { contexts: _c, 'cache-from': _f, ...others } = resolveTarget(bake, name);
  return JSON.parse(JSON.stringify(others, (k, v) => (k === 'from' ? undefined : v))) as unknown;
};

test('every unrequested link of the generated shape is built inside its consumers', () => {
  const original = fixture();
  const { bake, inlined } = inline(original, ['all']);
  assert.deepEqual(inlined, ['base', 'torch', 'fa-engine', 'fa-framework', 'fb-engine', 'fb-framework']);
  for (const name of ['fa-runtime', 'fb-runtime']) {
    // Written whole: an inherited context cannot be removed in a child, so nothing is inherited.
    assert.equal(bake.target[name]!.inherits, undefined, name);
    assert.equal(bake.target[name]!.contexts, undefined, `${name} links nothing any more`);
    assert.deepEqual(rest(bake, name), rest(original, name), `${name} resolves as before but for its contexts and cache-from`);
  }
  for (const name of Object.keys(bake.target).filter((n) => !n.endsWith('-runtime'))) assert.equal(bake.target[name], original.target[name], `${name} is left as it is`);
  // What the consumer no longer links, it reads the cache of: every inlined target's refs, after its own chain's.
  assert.deepEqual(bake.target['fa-runtime']!['cache-from'], ['type=registry,ref=r/cache:base', 'type=registry,ref=r/cache:fa-framework', 'type=registry,ref=r/cache:fa-runtime', 'type=registry,ref=r/cache:torch', 'type=registry,ref=r/cache:fa-engine']);
  assert.deepEqual(bake.target['fa-runtime']!.tags, ['r/fa:1']);
  assert.deepEqual(bake.target['fa-runtime']!.args, { BASE_IMAGE: 'debian:bookworm', BENCH_RUN_ID: '1', TORCH_VERSION: '2.9.1', ENGINE_PACKAGE: 'fa', ENGINE_VERSION: '1.0.0' });
});

test('a stage others start FROM that declares an ARG stays linked: built in place it would hand them its ARGs', () => {
  assert.ok(!PLAIN.includes('BENCH_RUN_ID') && !PLAIN.includes('echo framework $'), 'PLAIN drops the ARGs of build-base and framework');
  // The benchmark's shape: framework and runtime start FROM stages that declare ARGs; the layers
  // are only copied from (COPY --from hands over files, not variables).
  const { bake, inlined } = inline(fixture(), ['all'], { dockerfile: DOCKERFILE });
  assert.deepEqual(inlined, ['torch', 'fa-engine', 'fb-engine']);
  assert.deepEqual(links(bake)['fa-runtime'], ['base', 'fa-framework']);
  // Seen on dockerd 26 (buildx 0.13.1): \`FROM alpine AS base\` \`ARG VERSION=1\` \`FROM base AS app\`
  // \`RUN echo v=$VERSION\` prints v=1 built in place and v= with base linked (target:base).
  const app: BakeFile = { group: {}, target: { base: { target: 'base' }, app: { target: 'app', contexts: { base: 'target:base' } } } };
  const argFile = 'FROM alpine AS base\nARG VERSION=1\nFROM base AS app\nRUN echo v=$VERSION > /v\n';
  assert.deepEqual(inline(app, ['app'], { dockerfile: argFile }).inlined, []);
  assert.deepEqual(inline(app, ['app'], { dockerfile: 'FROM alpine AS base\nRUN echo base\nFROM base AS app\nRUN echo app\n' }).inlined, ['base']);
  // FROM --platform: built in place, the stages FROM it would run for that platform.
  assert.deepEqual(inline(app, ['app'], { dockerfile: 'FROM --platform=$BUILDPLATFORM alpine AS base\nRUN uname -m\nFROM base AS app\nRUN echo app\n' }).inlined, []);
  // TARGETSTAGE is the name of the stage built: base's in base's own build, app's in app's.
  assert.deepEqual(inline(app, ['app'], { dockerfile: 'FROM alpine AS base\nARG TARGETSTAGE\nRUN echo $TARGETSTAGE\nFROM alpine AS app\nCOPY --from=base / /\n' }).inlined, []);
});

test('a requested target stays a build of its own, and what it links stays linked where it is needed', () => {
  const { bake, inlined } = inline(fixture(), ['fa-runtime', 'fa-dev']);
  // fa-runtime is requested: fa-dev keeps its link to it; the rest is inlined into both.
  assert.deepEqual(inlined, ['base', 'torch', 'fa-engine', 'fa-framework']);
  assert.deepEqual(links(bake)['fa-dev'], ['fa-runtime']);
});

test('a layer whose args differ in an ARG its stages declare stays linked', () => {
  const bake = fixture();
  bake.target.torch!.args = { TORCH_CUDA_ARCH_LIST: '8.0 9.0' }; // deps-torch declares it; the consumers do not set it
  const { bake: out, inlined } = inline(bake, ['all']);
  assert.ok(!inlined.includes('torch'), `torch: ${inlined.join(', ')}`);
  assert.deepEqual(links(out)['fa-runtime'], ['torch']);
  // The rest still qualifies; base is now also linked by torch, whose args for build-base are the same.
  assert.deepEqual(inlined, ['base', 'fa-engine', 'fa-framework', 'fb-engine', 'fb-framework']);
});

test('args that differ only where no stage in play declares them do not stop it', () => {
  const bake = fixture();
  bake.target.base!.args = { UNUSED_BY_BASE: 'x' };
  assert.ok(inline(bake, ['all']).inlined.includes('base'));
  // A global ARG (read by FROM lines) does.
  const global = fixture();
  global.target['fa-runtime']!.args = { BASE_IMAGE: 'ubuntu:24.04' };
  assert.ok(!inline(global, ['fa-runtime']).inlined.includes('base'));
  // So does a predefined one, which every RUN sees without an ARG.
  const proxy = fixture();
  proxy.target['fa-runtime']!.args = { HTTP_PROXY: 'http://proxy:3128' };
  assert.deepEqual(inline(proxy, ['fa-runtime']).inlined, []);
});

test('each condition keeps the link when it does not hold', () => {
  const cases: [string, string, (b: BakeFile) => void, number?][] = [
    // Every link of fa-runtime is then from another file: none is inlined.
    ['another Dockerfile (of the same text)', 'fa-framework', (b) => (b.target['fa-runtime']!.dockerfile = 'runtime.Dockerfile'), 0],
    ['other platforms', 'fa-framework', (b) => (b.target['fa-runtime']!.platforms = ['linux/arm64']), 0],
    // fa-runtime inherits fa-framework's labels, not fa-engine's.
    ['a label the consumer does not set', 'fa-engine', (b) => (b.target['fa-engine']!.labels = { 'org.example.stage': 'engine' })],
    ['a secret the consumer lacks', 'fa-engine', (b) => (b.target['fa-engine']!.secret = ['id=hf,env=HF_TOKEN'])],
    ['a consumer whose cache export is mode=min', 'fa-framework', (b) => (b.target['fa-runtime']!['cache-to'] = ['type=registry,ref=r/cache:fa-runtime,mode=min']), 0],
    ['an attribute this module does not know', 'fa-engine', (b) => ((b.target['fa-engine'] as Record<string, unknown>).network = 'host')],
    ['an inline cache export', 'fa-framework', (b) => (b.target['fa-runtime']!['cache-to'] = ['type=inline,mode=max']), 0],
    ['a secret id the consumer gives another source', 'fa-engine', (b) => ((b.target['fa-engine']!.secret = ['id=tok,src=a.txt']), (b.target['fa-runtime']!.secret = ['id=tok,src=b.txt'])), 0],
    ['a secret only the consumer has', 'fa-engine', (b) => (b.target['fa-runtime']!.secret = ['id=tok,src=b.txt']), 0],
    ['a name the consumer binds that no stage has (an image a stage may start from)', 'base', (b) => (b.target['fa-runtime']!.contexts = { ...b.target['fa-runtime']!.contexts, debian: 'docker-image://debian:trixie' }), 0],
    ['a stage of the linked target the consumer binds per platform', 'fa-framework', (b) => (b.target['fa-runtime']!.contexts = { ...b.target['fa-runtime']!.contexts, 'framework::linux/amd64': 'docker-image://x' })],
    ['an empty context in a parent (buildx deletes it per block)', 'fa-framework', (b) => (b.target.base!.contexts = { 'deps-torch': '' }), 0],
    ['a __proto__ label', 'fa-engine', (b) => (b.target['fa-engine']!.labels = JSON.parse('{"__proto__": "x"}') as Record<string, string>)],
    ['a parent that is not in the file', 'fa-engine', (b) => (b.target['fa-engine']!.inherits = ['base', 'missing'])],
    ['a stage the linked target builds itself that the consumer binds', 'fa-framework', (b) => (b.target['fa-framework']!.contexts = { 'build-base': 'target:base', 'deps-torch': 'target:torch' })],
  ];
  for (const [what, kept, change, least = 2] of cases) {
    const bake = fixture();
    change(bake);
    const { inlined } = inline(bake, ['fa-runtime']);
    assert.ok(!inlined.includes(kept), `${what}: ${kept} should stay linked, inlined ${inlined.join(', ')}`);
    // Everything else still qualifies (each case changes one thing only).
    assert.ok(inlined.length >= least, `${what}: only ${inlined.join(', ')} inlined`);
  }
});

test('the same secret on both (by id, the last of an id winning) does not stop it', () => {
  const bake = fixture();
  bake.target.base!.secret = ['id=tok,src=b.txt']; // every target inherits it
  bake.target['fa-runtime']!.secret = ['id=tok,src=a.txt', 'id=tok,src=b.txt'];
  assert.deepEqual(inline(bake, ['fa-runtime']).inlined, ['base', 'torch', 'fa-engine', 'fa-framework']);
});

test('an overlay or a --set for some targets only turns it off; one for every target does not', () => {
  assert.deepEqual(inline(fixture(), ['all'], { overlays: 1 }).inlined, []);
  assert.deepEqual(inline(fixture(), ['all'], { sets: ['fa-runtime.args.X=1'] }).inlined, []);
  assert.deepEqual(inline(fixture(), ['all'], { sets: ['*.contexts.build-base=docker-image://x'] }).inlined, []);
  assert.equal(inline(fixture(), ['all'], { sets: ['*.platform=linux/amd64', '*.args.X=1'] }).inlined.length, 6);
});

test('a Dockerfile it cannot read safely keeps every link', () => {
  assert.deepEqual(inline(fixture(), ['all'], { root: testdir({}) }).inlined, [], 'missing');
  const outside = testdir({ Dockerfile: PLAIN });
  const root = testdir({});
  symlinkSync(join(outside, 'Dockerfile'), join(root, 'Dockerfile'));
  assert.deepEqual(inline(fixture(), ['all'], { root }).inlined, [], 'a link leading out of the root');
  const away = fixture();
  away.target.base!.context = '../elsewhere';
  assert.deepEqual(inline(away, ['all']).inlined, [], 'a context outside the root');
  const templated = fixture();
  templated.target.base!.dockerfile = '${DOCKERFILE}';
  assert.deepEqual(inline(templated, ['all']).inlined, [], 'a template');
});

test('a consumer whose parent binds the same stages to other targets (a per-platform target) is written whole', () => {
  const bake = fixture();
  // fa-runtime-amd64 inherits fa-runtime (both platforms) and rebinds every stage to the -amd64 targets.
  for (const name of ['base', 'torch', 'fa-engine', 'fa-framework']) {
    const t = structuredClone(bake.target[name]!);
    t.inherits = [name];
    t.platforms = ['linux/amd64'];
    t.contexts = Object.fromEntries(Object.entries(t.contexts ?? {}).map(([k, v]) => [k, `${v}-amd64`]));
    bake.target[`${name}-amd64`] = t;
  }
  bake.target['fa-runtime-amd64'] = { inherits: ['fa-runtime'], platforms: ['linux/amd64'], contexts: Object.fromEntries(Object.entries(bake.target['fa-runtime']!.contexts!).map(([k, v]) => [k, `${v}-amd64`])) };
  const { bake: out, inlined } = inline(bake, ['fa-runtime-amd64']);
  // Written whole, the per-platform target no longer inherits the multi-platform links of its parent.
  assert.deepEqual(inlined, ['base-amd64', 'torch-amd64', 'fa-engine-amd64', 'fa-framework-amd64']);
  for (const name of Object.keys(out.target).filter((n) => n !== 'fa-runtime-amd64')) assert.equal(out.target[name], bake.target[name], `${name} is left as it is`);
  assert.equal(out.target['fa-runtime-amd64']!.contexts, undefined);
  assert.deepEqual(out.target['fa-runtime-amd64']!.platforms, ['linux/amd64']);
  assert.deepEqual(rest(out, 'fa-runtime-amd64'), rest(bake, 'fa-runtime-amd64'));
});

test('a block of another shape (a hand-edited file) keeps its links and breaks nothing', () => {
  const bake = fixture();
  (bake.target['fa-engine'] as Record<string, unknown>).args = { ENGINE_PACKAGE: 7 };
  (bake.target['fb-engine'] as Record<string, unknown>).target = ['deps-engine'];
  const { inlined } = inline(bake, ['all']);
  assert.ok(!inlined.includes('fa-engine') && !inlined.includes('fb-engine'), inlined.join(', '));
  assert.ok(inlined.includes('torch'), inlined.join(', '));
});

test('an inherits chain thousands deep keeps its links and throws nothing (the walks are bounded)', () => {
  const bake = fixture();
  const depth = 20_000;
  for (let i = 0; i < depth; i++) bake.target[`p${i}`] = { inherits: i + 1 < depth ? [`p${i + 1}`] : [] };
  bake.target['fa-engine']!.inherits = ['base', 'p0'];
  const { inlined } = inline(bake, ['fa-runtime']);
  assert.ok(!inlined.includes('fa-engine'), inlined.join(', '));
});

test('nothing to inline leaves the very same file', () => {
  const bake = fixture();
  const closure = requestClosure(bake, { names: ['base'], sets: [], overlays: [] });
  const out = inlineLinks(closure, { names: ['base'], sets: [], overlays: 0, root: testdir({ Dockerfile: PLAIN }) });
  assert.equal(out.bake, closure);
  assert.deepEqual(out.inlined, []);
});
