// With a real buildx (no builder needed): `docker buildx bake --print` of the
// closure file `run` hands buildx prints exactly what `--print` of the whole
// generated file prints, for the example stack's groups and some targets,
// with an overlay and with --set; and, with the links its consumers build
// themselves left out, the same but for those links. Skips, saying why, without buildx.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { emitJson } from '../../src/emit/json.ts';
import { generate } from '../../src/generate.ts';
import { requestClosure } from '../../src/run/closure.ts';
import { inlineLinks } from '../../src/run/inline-links.ts';
import { withoutRepeatedCacheFrom } from '../../src/run/cache-from-repeats.ts';
import { noEngine } from '../helpers/buildx.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('buildx --print resolves the closure file exactly like the whole file', { timeout: 10 * 60_000 }, async (t) => {
  const version = await execa('docker', ['buildx', 'version'], { reject: false, stdin: 'ignore', timeout: 60_000 });
  if (version.exitCode !== 0) {
    const reason = `docker buildx is not available (\`docker buildx version\`: ${(version.stderr || version.shortMessage || '').split('\n')[0]})`;
    noEngine(t, 'the --print comparison', reason);
    return;
  }
  t.diagnostic(version.stdout.trim());
  const generated = generate('matrix', ROOT);
  assert.ok(generated.ok);
  const { bake } = generated.value.plan;
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-print-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const whole = join(dir, 'docker-bake.json');
  writeFileSync(whole, generated.value.outputs['docker-bake.json']!);
  const overlay = join(dir, 'ci.hcl');
  writeFileSync(overlay, 'target "vllm-cu129-runtime" {\n  contexts = { extra = "target:base-cu130" }\n  tags = ["${REGISTRY}/ci:x"]\n}\n');

  const print = async (file: string, args: string[]) => {
    const r = await execa('docker', ['buildx', 'bake', '-f', file, ...args, '--print'], { cwd: ROOT, reject: false, stdin: 'ignore', timeout: 120_000 });
    assert.equal(r.exitCode, 0, `bake --print ${args.join(' ')} on ${file}: ${r.stderr}`);
    return r.stdout;
  };
  const requests = [
    ...Object.keys(bake.group).map((name) => ({ names: [name], sets: [] as string[], overlay: false })),
    { names: ['vllm-cu129-runtime', 'sglang-cu130-dev'], sets: [], overlay: false },
    { names: ['vllm-cu129'], sets: ['base-cu130.args.X=1', '*.platform=linux/amd64'], overlay: false },
    { names: ['vllm-cu129'], sets: [], overlay: true },
  ];
  for (const r of requests) {
    const closure = requestClosure(bake, { names: r.names, sets: r.sets, overlays: r.overlay ? ['target "vllm-cu129-runtime" { contexts = { extra = "target:base-cu130" } }'] : [] });
    const file = join(dir, `closure-${r.names.join('+')}-${r.sets.length}-${r.overlay}.json`);
    writeFileSync(file, emitJson(closure));
    const args = [...(r.overlay ? ['-f', overlay] : []), ...r.names, ...r.sets.flatMap((s) => ['--set', s])];
    const expected = await print(whole, args);
    assert.equal(await print(file, args), expected, `--print ${args.join(' ')}`);
  }
});

test('buildx --print of the closure with links built inside their consumers changes only their contexts and cache-from', { timeout: 10 * 60_000 }, async (t) => {
  const version = await execa('docker', ['buildx', 'version'], { reject: false, stdin: 'ignore', timeout: 60_000 });
  if (version.exitCode !== 0) {
    noEngine(t, 'the --print comparison', `docker buildx is not available (\`docker buildx version\`: ${(version.stderr || version.shortMessage || '').split('\n')[0]})`);
    return;
  }
  const generated = generate('matrix', ROOT);
  assert.ok(generated.ok);
  const { bake } = generated.value.plan;
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-print-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  type Printed = { target: Record<string, Record<string, unknown>> };
  const print = async (file: string, names: string[]): Promise<Printed> => {
    const r = await execa('docker', ['buildx', 'bake', '-f', file, ...names, '--print'], { cwd: ROOT, reject: false, stdin: 'ignore', timeout: 120_000 });
    assert.equal(r.exitCode, 0, `bake --print ${names.join(' ')} on ${file}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Printed;
  };
  let inlinedSome = false;
  for (const names of [...Object.keys(bake.group).map((g) => [g]), ['vllm-cu129-runtime', 'sglang-cu130-dev']]) {
    // Both as run hands them to buildx (without the cache-from entries buildx v0.20+ would leak).
    const closure = requestClosure(bake, { names, sets: [], overlays: [] });
    const { bake: inlined, inlined: inside } = inlineLinks(closure, { names, sets: [], overlays: 0, root: ROOT });
    inlinedSome ||= inside.length > 0;
    const linkedFile = join(dir, `linked-${names.join('+')}.json`);
    writeFileSync(linkedFile, emitJson(withoutRepeatedCacheFrom(closure, {})));
    const file = join(dir, `inlined-${names.join('+')}.json`);
    writeFileSync(file, emitJson(withoutRepeatedCacheFrom(inlined, {})));
    const expected = await print(linkedFile, names);
    const got = await print(file, names);
    assert.deepEqual(Object.keys(got.target).sort(), Object.keys(expected.target).filter((n) => !inside.includes(n)).sort(), `${names.join(' ')}: the targets built`);
    for (const [name, target] of Object.entries(got.target)) {
      const { contexts, 'cache-from': cacheFrom, ...rest } = target;
      const { contexts: wholeContexts, 'cache-from': wholeCacheFrom, ...wholeRest } = expected.target[name]!;
      assert.deepEqual(rest, wholeRest, `${name}: all but contexts and cache-from as with every link kept`);
      const kept = Object.fromEntries(Object.entries((wholeContexts ?? {}) as Record<string, string>).filter(([, v]) => !inside.some((i) => v === `target:${i}`)));
      assert.deepEqual(contexts ?? {}, kept, `${name}: the contexts less the links built inside it`);
      const reads = JSON.stringify(cacheFrom ?? []);
      for (const entry of (wholeCacheFrom ?? []) as unknown[]) assert.ok(reads.includes(JSON.stringify(entry)), `${name} still reads ${JSON.stringify(entry)}`);
    }
  }
  assert.ok(inlinedSome, 'the example stack has links its consumers build themselves');
});
