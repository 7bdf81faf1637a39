// Benchmark: `diff` of two bake files and `report --log` of a plain progress log,
// each of about TARGETS targets (default 100 000), built here (no buildx needed):
// the bake files have the shape bake-matrix generates (args, labels, tags, cache,
// contexts, a group per target and a `default` group of all of them; the second
// file changes one arg of every target and adds and removes a few targets), the
// log has the steps buildx prints for each target (cached and run). Each run is
// a fresh process (the real CLI, start-up included). Prints medians over RUNS runs
// of the wall time and of the CPU time (user + system): on a busy machine compare CPU.
//
//   npm run bench:commands              # 100 000 targets, 5 runs
//   npm run bench:commands -- 10000 3   # 10 000 targets, 3 runs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const size = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 5);

/** A bake file of `n` targets; `version` changes one arg of every target, `shift` which targets there are. */
export function syntheticBakeFile(n: number, version: string, shift = 0): string {
  const target: Record<string, object> = {};
  const group: Record<string, { targets: string[] }> = {};
  for (let i = shift; i < n + shift; i++) {
    const name = `fw${i % 997}-cu${Math.floor(i / 997)}-runtime`;
    target[name] = {
      context: '.',
      dockerfile: 'Dockerfile',
      target: 'runtime',
      inherits: [`fw${i % 997}-cu${Math.floor(i / 997)}-framework`],
      contexts: { framework: `target:fw${i % 997}-cu${Math.floor(i / 997)}-framework`, 'build-base': `target:base-cu${Math.floor(i / 997)}` },
      args: { ENGINE_VERSION: `fw-${i % 997}`, CUDA_VERSION: `cu-${Math.floor(i / 997)}`, MATRIX_VERSION: version },
      labels: { 'org.opencontainers.image.title': name, 'org.opencontainers.image.version': '${VERSION}' },
      tags: [`\${REGISTRY}/fw${i % 997}:\${VERSION}-cu${Math.floor(i / 997)}`],
      platforms: ['linux/amd64', 'linux/arm64'],
      'cache-from': [`type=registry,ref=\${REGISTRY}/cache:${name}`],
      'cache-to': [`type=registry,ref=\${REGISTRY}/cache:${name},mode=max`],
    };
    group[name.replace(/-runtime$/, '')] = { targets: [name] };
  }
  group.default = { targets: Object.keys(target) };
  return JSON.stringify({ variable: { REGISTRY: { default: 'registry.test/bench' }, VERSION: { default: version } }, group, target }, null, 2) + '\n';
}

/** A `--progress=plain` log of a bake of `n` targets: per target a cached step, a run step with output, and an export. */
export function syntheticPlainLog(n: number): string {
  const lines: string[] = ['#0 building with "default" instance using docker-container driver', ''];
  let step = 1;
  for (let i = 0; i < n; i++) {
    const name = `fw${i % 997}-cu${Math.floor(i / 997)}-runtime`;
    lines.push(`#${step} [${name} runtime 1/2] COPY --from=framework /opt /opt`, `#${step} CACHED`, '');
    step++;
    lines.push(`#${step} [${name} runtime 2/2] RUN ./install.sh`, `#${step} 0.512 installing ${name}`, `#${step} DONE 1.2s`, '');
    step++;
    lines.push(`#${step} exporting to image`, `#${step} exporting layers 0.1s done`, `#${step} DONE 0.3s`, '');
    step++;
  }
  return lines.join('\n');
}

/** Prints the process's CPU time (user + system, ms) on its last stderr line when it exits. */
const CPU_AT_EXIT = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-ms '+(u.user+u.system)/1000+'\\n')})`;

/** Wall and CPU milliseconds of each run of the CLI with `args`. */
function time(args: string[], cwd: string): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, join(root, 'bin/bake-matrix.js'), ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    wall.push(Number(process.hrtime.bigint() - started) / 1e6);
    // diff --exit-code: 1 means "they differ"
    if (child.status !== 0 && child.status !== 1) throw new Error(`bake-matrix ${args.join(' ')}: exit ${child.status}\n${child.stderr}`);
    cpu.push(Number(/cpu-ms ([\d.]+)\n$/.exec(child.stderr)?.[1]));
  }
  return { wall, cpu };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = mkdtempSync(join(tmpdir(), 'bake-matrix-bench-commands-'));
  try {
    writeFileSync(join(dir, 'old.json'), syntheticBakeFile(size, '0'));
    writeFileSync(join(dir, 'new.json'), syntheticBakeFile(size, '1', 3));
    writeFileSync(join(dir, 'bake.log'), syntheticPlainLog(size));
    const rows = [
      ['diff old.json new.json --exit-code', time(['diff', 'old.json', 'new.json', '--exit-code'], dir)],
      ['diff old.json new.json --json', time(['diff', 'old.json', 'new.json', '--json'], dir)],
      ['report --log bake.log', time(['report', '--log', 'bake.log'], dir)],
      ['report --log bake.log --format text', time(['report', '--log', 'bake.log', '--format', 'text'], dir)],
    ] as const;
    console.log(`node ${process.version}, ${size.toLocaleString('en-US')} targets, ${runs} runs each (a fresh process each), medians; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log('| command | wall ms | CPU ms |');
    console.log('| --- | ---: | ---: |');
    for (const [command, { wall, cpu }] of rows) console.log(`| \`${command}\` | ${median(wall).toFixed(0)} | ${median(cpu).toFixed(0)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
