// CLI start-up: the CPU time (user + sys) of `bake-matrix --help` against that of
// `node -e 0`, each in a fresh process, medians of RUNS runs. The CPU of a child
// is read from bash's `times` (getrusage of its children), so nothing is added
// to the measured process. Target (issue 10): --help at most 2x node -e 0.
//
//   npm run bench:start            # 15 runs each
//   npm run bench:start -- 30      # 30 runs each
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './median.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 15);

/** user + sys CPU seconds of one `node ...args` run, and its wall time. */
function measure(args: string[]): { cpu: number; wall: number } {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>&1; status=$?; times; exit $status`], { cwd: root, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  // `times`: the shell's user and sys, then its children's, as "0m0.093s 0m0.040s".
  const children = r.stdout.trim().split('\n').at(-1)!;
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { cpu: seconds[0]! + seconds[1]!, wall };
}

const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'bake-matrix --help', args: ['bin/bake-matrix.js', '--help'] },
  { name: 'bake-matrix run --help', args: ['bin/bake-matrix.js', 'run', '--help'] },
  { name: 'bake-matrix check (example)', args: ['bin/bake-matrix.js', 'check'] },
];
const results = cases.map((c) => ({ ...c, cpu: [] as number[], wall: [] as number[] }));
for (let i = 0; i < runs; i++) {
  // Interleaved, so that a busy moment of the machine hits every case alike.
  for (const r of results) {
    const m = measure(r.args);
    r.cpu.push(m.cpu);
    r.wall.push(m.wall);
  }
}
const baseline = median(results[0]!.cpu);
console.log(`node ${process.version}, ${runs} runs each, medians of user+sys CPU (bash \`times\`)\n`);
console.log('| command | CPU ms | wall ms | CPU / node -e 0 |');
console.log('|---|--:|--:|--:|');
for (const r of results) console.log(`| \`${r.name}\` | ${(median(r.cpu) * 1000).toFixed(0)} | ${(median(r.wall) * 1000).toFixed(0)} | ${(median(r.cpu) / baseline).toFixed(2)} |`);
