// `bake-matrix run <group> --print` on a 10 000-target matrix against the same
// on the example stack: the time until buildx's output is complete (the whole
// command: start-up, generation or its reuse, the closure file, buildx).
// Target (issue 10): the large one under 1 s more than the small one. The
// first run of each generates (and records) the bake files; the next ones
// reuse the generation (src/run/generation-record.ts): both are shown. Also,
// once, the large one with --full-file (buildx reads the whole file: minutes
// on buildx v0.10).
// Needs a buildx (no builder: --print resolves only); skips, saying why, without.
//
//   npm run bench:print                 # 5 runs each, then one --full-file run
//   npm run bench:print -- 9 --quick    # 9 runs each, no --full-file run
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { median } from './median.ts';
import { DOCKERFILE, syntheticMatrix } from './synthetic-matrix.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const quick = process.argv.includes('--quick');

const version = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' });
if (version.status !== 0) {
  console.log(`skipped: docker buildx is not available (\`docker buildx version\`: ${(version.stderr || version.error?.message || '').trim().split('\n')[0]}). Set DOCKER_CONFIG to a folder whose cli-plugins/ holds docker-buildx.`);
  process.exit(0);
}

/** Wall time of one `bake-matrix run ...` in `cwd`, and what it printed on stdout. */
function timeRun(cwd: string, args: string[], timeoutMs = 15 * 60_000): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const stdout = execFileSync(process.execPath, [join(root, 'bin/bake-matrix.js'), 'run', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: timeoutMs, maxBuffer: 1 << 28 });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, stdout };
}

const small = mkdtempSync(join(tmpdir(), 'bake-matrix-print-small-'));
cpSync(join(root, 'matrix'), join(small, 'matrix'), { recursive: true });
cpSync(join(root, 'bake'), join(small, 'bake'), { recursive: true });
const large = mkdtempSync(join(tmpdir(), 'bake-matrix-print-large-'));
writeFileSync(join(large, 'matrix.yaml'), stringify(syntheticMatrix(10_000)));
writeFileSync(join(large, 'Dockerfile'), DOCKERFILE);

const cases = [
  { name: 'example stack, `run vllm-cu129 --print`', cwd: small, args: ['vllm-cu129', '--print'] },
  { name: '10 000 targets, `run fw1-cu1 --print`', cwd: large, args: ['--matrix', 'matrix.yaml', 'fw1-cu1', '--print'] },
];
const times = cases.map(() => [] as number[]);
const printed: string[] = [];
try {
  const first = cases.map((c) => timeRun(c.cwd, c.args).ms);
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that a busy moment of the machine hits both alike.
    cases.forEach((c, k) => {
      const r = timeRun(c.cwd, c.args);
      times[k]!.push(r.ms);
      printed[k] = r.stdout;
    });
  }
  const full = quick ? undefined : timeRun(large, ['--matrix', 'matrix.yaml', 'fw1-cu1', '--print', '--full-file']);
  const targetsIn = (text: string) => Object.keys((JSON.parse(text) as { target: object }).target).length;

  console.log(`${version.stdout.trim()}; node ${process.version}; 1 generating run, then ${runs} runs reusing it, medians; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| command | first run (generates) ms | next runs (reuse) ms | targets printed |');
  console.log('|---|--:|--:|--:|');
  cases.forEach((c, k) => console.log(`| ${c.name} | ${first[k]!.toFixed(0)} | ${median(times[k]!).toFixed(0)} | ${targetsIn(printed[k]!)} |`));
  if (full) console.log(`| 10 000 targets, \`run fw1-cu1 --print --full-file\` (1 run, reuse) | - | ${full.ms.toFixed(0)} | ${targetsIn(full.stdout)} |`);
  const extra = median(times[1]!) - median(times[0]!);
  console.log(`\n10 000 targets take ${extra.toFixed(0)} ms more than the example when the generation is reused, ${(first[1]! - first[0]!).toFixed(0)} ms more when it generates (target: under 1000 ms).`);
  if (full && full.stdout !== printed[1]) console.log('WARNING: --print of the whole file differs from --print of the closure.');
} finally {
  rmSync(small, { recursive: true, force: true });
  rmSync(large, { recursive: true, force: true });
}
