// Benchmark: synthetic matrices of about 10, 100, 1 000 and 10 000 targets.
// Each run is a fresh process (`bake-matrix generate`, the real CLI): it reports
// the pipeline time (load -> write) and its peak RSS; the parent times the whole
// process (startup included). Prints medians over RUNS runs.
//
//   npm run bench               # all sizes, 5 runs each
//   npm run bench -- 1000 3     # one size, 3 runs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { DOCKERFILE, syntheticMatrix } from './synthetic-matrix.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = process.argv[2] ? [Number(process.argv[2])] : [10, 100, 1000, 10000];
const runs = Number(process.argv[3] ?? 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const HEADER = ['targets', 'pipeline ms', 'process ms', 'ms / 1k targets', 'peak RSS MB'];
const rows: string[] = [];
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-bench-'));
  writeFileSync(join(dir, 'matrix.yaml'), stringify(syntheticMatrix(size)));
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  const walls: number[] = [];
  const pipelines: number[] = [];
  const rss: number[] = [];
  let targets = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [join(root, 'bin/bake-matrix.js'), 'generate', '--matrix', 'matrix.yaml', '--out', 'out', '--json'], {
      cwd: dir,
      env: { ...process.env, BAKE_MATRIX_TIMING: '1' },
      encoding: 'utf8',
    });
    walls.push(Number(process.hrtime.bigint() - started) / 1e6);
    const report = JSON.parse(out) as { targets: number; timing: { ms: number; maxRssKb: number } };
    targets = report.targets;
    pipelines.push(report.timing.ms);
    rss.push(report.timing.maxRssKb / 1024);
  }
  rmSync(dir, { recursive: true, force: true });
  const cells = [targets, median(pipelines).toFixed(0), median(walls).toFixed(0), ((median(pipelines) / targets) * 1000).toFixed(1), Math.max(...rss).toFixed(0)];
  rows.push(`| ${cells.map((c, i) => String(c).padStart(HEADER[i]!.length)).join(' | ')} |`);
  console.error(`measured ${targets} targets`);
}

console.log(`node ${process.version}, ${runs} runs per size, medians\n`);
console.log(`| ${HEADER.join(' | ')} |`);
console.log(`|${HEADER.map((h) => '-'.repeat(h.length + 1) + ':').join('|')}|`);
for (const row of rows) console.log(row);
