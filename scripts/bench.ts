// Benchmark: synthetic matrices of about 10, 1 000, 10 000 and 100 000 targets.
// Each run is a fresh process (`bake-matrix generate --format both`, the real CLI): it reports
// the pipeline's wall and CPU time (load -> write) and its peak RSS; the parent
// times the whole process (startup included). Prints medians over RUNS runs.
// On a busy machine compare the CPU column: wall time there measures the others.
//
//   npm run bench               # all sizes, 5 runs each
//   npm run bench -- 1000 3     # one size, 3 runs
//   npm run bench -- 1000 3 ts  # the same matrix written as matrix.ts (read with ts-morph)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { DOCKERFILE, syntheticMatrix } from './synthetic-matrix.ts';
import { median } from './median.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = process.argv[2] ? [Number(process.argv[2])] : [10, 1000, 10000, 100000];
const runs = Number(process.argv[3] ?? 5);
const format = process.argv[4] === 'ts' ? 'ts' : 'yaml';

const HEADER = ['targets', 'pipeline ms', 'pipeline CPU ms', 'process ms', 'ms / 1k targets', 'peak RSS MB'];
const rows: string[] = [];
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-bench-'));
  const matrixFile = `matrix.${format}`;
  const matrix = syntheticMatrix(size);
  const text = format === 'ts' ? `import { defineMatrix } from 'bake-matrix';\n\nexport default defineMatrix(${JSON.stringify(matrix, null, 2)});\n` : stringify(matrix);
  writeFileSync(join(dir, matrixFile), text);
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  const walls: number[] = [];
  const pipelines: number[] = [];
  const cpus: number[] = [];
  const rss: number[] = [];
  let targets = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [join(root, 'bin/bake-matrix.js'), 'generate', '--matrix', matrixFile, '--out', 'out', '--format', 'both', '--json'], {
      cwd: dir,
      env: { ...process.env, BAKE_MATRIX_TIMING: '1' },
      encoding: 'utf8',
    });
    walls.push(Number(process.hrtime.bigint() - started) / 1e6);
    const report = JSON.parse(out) as { targets: number; timing: { ms: number; cpuMs: number; maxRssKb: number } };
    targets = report.targets;
    pipelines.push(report.timing.ms);
    cpus.push(report.timing.cpuMs);
    rss.push(report.timing.maxRssKb / 1024);
  }
  rmSync(dir, { recursive: true, force: true });
  const cells = [targets, median(pipelines).toFixed(0), median(cpus).toFixed(0), median(walls).toFixed(0), ((median(pipelines) / targets) * 1000).toFixed(1), Math.max(...rss).toFixed(0)];
  rows.push(`| ${cells.map((c, i) => String(c).padStart(HEADER[i]!.length)).join(' | ')} |`);
  console.error(`measured ${targets} targets`);
}

console.log(`node ${process.version}, matrix.${format}, ${runs} runs per size, medians; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log(`| ${HEADER.join(' | ')} |`);
console.log(`|${HEADER.map((h) => '-'.repeat(h.length + 1) + ':').join('|')}|`);
for (const row of rows) console.log(row);
