// Mutation fuzzer: mutates the example matrix and the bad-input cases (bytes
// and structure, see fuzz/mutate.ts) and runs `generate` on each mutant, then
// `check` (and sometimes `list`, `explain`) when it succeeds. Every run must
// end with exit 0 or 2 (check: 0), never 70, a signal or a thrown error, and
// within the time bound. A share of the runs (COMMAND_SHARE) mutates what other
// commands read instead (fuzz/command-inputs.ts): a plain log and a metadata
// file for `report`, bake files for `diff`, metadata for `manifest --dry-run`,
// a journal in bake/ for `check`; those may also exit 1, never 70. Prints the seed, the counts and the time; a failing
// input is saved with what was done to it and what the tool printed.
//
//   npm run fuzz -- --runs 10000 --seed 42    # in-process, worker threads
//   npm run fuzz -- --runs 200 --spawn        # the real CLI, one process per command
//
// Options: --runs N (default 1000), --seed S (default: from the clock, printed), --only N
// (run case N of that seed alone, to reproduce a failure),
// --workers N (default: CPU count, at most 4), --timeout MS per case (default
// 60000: wall time on a machine that may be busy; a case takes well under a
// second on its own), --out DIR for failing inputs (default fuzz-failures), --spawn.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadCorpus, type Project, type Seed } from './fuzz/corpus.ts';
import { mutate } from './fuzz/mutate.ts';
import { commandCase, loadCommandSeeds, type CommandRun, type CommandSeeds } from './fuzz/command-inputs.ts';
import { random } from './fuzz/random.ts';
import { failureOf, runCase, runCommands, spawned, writeProject, type CommandResult } from './fuzz/run-case.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface FuzzOptions {
  runs: number;
  /** Run only this case number (of the same seed): to reproduce a failure. */
  only?: number;
  seed: number;
  workers: number;
  timeoutMs: number;
  out: string;
  spawn: boolean;
  /** Progress lines on stderr. */
  log?: (line: string) => void;
}

export interface Failure {
  run: number;
  seed: string;
  steps: string[];
  reason: string;
  saved: string;
}

export interface FuzzSummary {
  seed: number;
  runs: number;
  seconds: number;
  /** `generate exit 2` -> count, and so on. */
  outcomes: Record<string, number>;
  failures: Failure[];
  slowestMs: number;
  /** The case that took longest, to look at with --only. */
  slowestRun: number;
}

interface Case {
  run: number;
  seed: Seed;
  files: Project;
  steps: string[];
  extras: boolean;
  /** A command-input case: these commands instead of generate. */
  commands?: CommandRun[];
}

/** The share of runs that mutate command inputs rather than the matrix. */
const COMMAND_SHARE = 0.3;

function makeCase(corpus: readonly Seed[], seed: number, run: number, commandSeeds: CommandSeeds): Case {
  const rnd = random(seed, run);
  if (rnd.chance(COMMAND_SHARE)) {
    const c = commandCase(commandSeeds, rnd);
    return { run, seed: { name: `command inputs (${c.commands.map((r) => r.argv[0]).join(', ')})`, files: {} }, files: c.files, steps: c.steps, extras: false, commands: c.commands };
  }
  // The example stack (corpus[0]) is the one valid start: give it a good share.
  const start = rnd.chance(0.4) ? corpus[0]! : rnd.pick(corpus);
  const { files, steps } = mutate(start.files, rnd);
  return { run, seed: start, files, steps, extras: rnd.chance(0.25) };
}

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const corpus = loadCorpus(REPO);
  const commandSeeds = loadCommandSeeds(REPO, corpus[0]!.files);
  const scratch = mkdtempSync(join(tmpdir(), 'bake-matrix-fuzz-'));
  const outcomes: Record<string, number> = {};
  const failures: Failure[] = [];
  let slowestMs = 0;
  let slowestRun = 0;
  let completed = 0;
  const started = performance.now();
  const record = (c: Case, results: CommandResult[], timedOut?: string) => {
    for (const r of results) {
      const key = `${r.allowed ? 'input: ' : ''}${r.argv[0]} ${typeof r.code === 'number' ? `exit ${r.code}` : r.code}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (r.ms > slowestMs) [slowestMs, slowestRun] = [r.ms, c.run];
    }
    const reason = timedOut ?? results.map(failureOf).find(Boolean) ?? results.map((r) => (r.ms > options.timeoutMs ? `${r.argv.join(' ')} took ${Math.round(r.ms)} ms` : undefined)).find(Boolean);
    if (reason) failures.push(save(options.out, options.seed, c, reason, results));
    if (options.log && ++completed % 500 === 0) options.log(`fuzz: ${completed}/${options.runs} runs, ${failures.length} failures`);
  };
  try {
    if (options.spawn) {
      const run = spawned(join(REPO, 'bin/bake-matrix.js'), options.timeoutMs);
      for (let i = options.only ?? 0; i < (options.only !== undefined ? options.only + 1 : options.runs); i++) {
        const c = makeCase(corpus, options.seed, i, commandSeeds);
        record(c, c.commands ? await runCommands(join(scratch, 'case'), c.files, run, c.commands) : await runCase(join(scratch, 'case'), c.files, run, c.extras));
      }
    } else {
      await inWorkers(corpus, commandSeeds, options, scratch, record);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { seed: options.seed, runs: options.runs, seconds: (performance.now() - started) / 1000, outcomes, failures, slowestMs, slowestRun };
}

/** Cases spread over worker threads; a worker that overruns the time bound (or dies) is replaced. */
async function inWorkers(corpus: readonly Seed[], commandSeeds: CommandSeeds, options: FuzzOptions, scratch: string, record: (c: Case, r: CommandResult[], timedOut?: string) => void): Promise<void> {
  let next = options.only ?? 0;
  const end = options.only !== undefined ? options.only + 1 : options.runs;
  const slot = (index: number) =>
    new Promise<void>((finish) => {
      let worker: Worker;
      let current: Case | undefined;
      let timer: NodeJS.Timeout | undefined;
      const start = () => {
        worker = new Worker(new URL('./fuzz/worker.js', import.meta.url), {
          workerData: { scratch: join(scratch, `w${index}-${next}`) },
          resourceLimits: { maxOldGenerationSizeMb: 2048 },
        });
        worker.on('message', (m: { id: number; results: CommandResult[] }) => {
          clearTimeout(timer);
          if (current && m.id === current.run) record(current, m.results);
          dispatch();
        });
        worker.on('error', (e) => replace(`the worker died: ${e.message}`));
      };
      const replace = (why: string) => {
        clearTimeout(timer);
        const lost = current;
        current = undefined;
        void worker.terminate();
        if (lost) record(lost, [], why);
        start();
        dispatch();
      };
      const dispatch = () => {
        if (next >= end) {
          current = undefined;
          void worker.terminate().then(() => finish());
          return;
        }
        current = makeCase(corpus, options.seed, next++, commandSeeds);
        const c = current;
        timer = setTimeout(() => {
          if (current === c) replace(`no answer within ${options.timeoutMs} ms (time bound)`);
        }, options.timeoutMs);
        worker.postMessage({ id: c.run, files: c.files, extras: c.extras, ...(c.commands ? { commands: c.commands } : {}) });
      };
      start();
      dispatch();
    });
  await Promise.all(Array.from({ length: options.workers }, (_, i) => slot(i)));
}

function save(out: string, seed: number, c: Case, reason: string, results: CommandResult[]): Failure {
  const dir = join(out, `seed-${seed}-run-${c.run}`);
  writeProject(dir, c.files);
  const report = [`reason: ${reason}`, `started from: ${c.seed.name}`, 'mutations:', ...c.steps.map((s) => `  ${s}`), '', ...results.map((r) => `$ bake-matrix ${r.argv.join(' ')}\nexit ${r.code} (${Math.round(r.ms)} ms)\n${r.stderr}`)].join('\n');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'FUZZ-REPORT.txt'), report + '\n');
  return { run: c.run, seed: c.seed.name, steps: c.steps, reason, saved: dir };
}

export function formatSummary(s: FuzzSummary, options: Pick<FuzzOptions, 'spawn' | 'workers'>): string {
  const internal = s.failures.filter((f) => /exit 70|thrown/.test(f.reason)).length;
  const lines = [
    `fuzz: seed ${s.seed}, ${s.runs} runs in ${s.seconds.toFixed(1)} s (${options.spawn ? 'real CLI processes' : `in-process, ${options.workers} worker thread${options.workers === 1 ? '' : 's'}`}), slowest command ${Math.round(s.slowestMs)} ms (case ${s.slowestRun})`,
    ...Object.entries(s.outcomes).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `  ${k.padEnd(22)} ${n}`),
    `  internal errors        ${internal}`,
    `  failures               ${s.failures.length}`,
    ...s.failures.slice(0, 20).map((f) => `    run ${f.run} (from ${f.seed}): ${f.reason}\n      saved in ${f.saved}; again: npm run fuzz -- --seed ${s.seed} --only ${f.run}`),
  ];
  return lines.join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1000' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      timeout: { type: 'string', default: '60000' },
      out: { type: 'string', default: 'fuzz-failures' },
      spawn: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const options: FuzzOptions = {
    runs: Number(values.runs),
    seed: values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31,
    workers: values.workers !== undefined ? Number(values.workers) : Math.min(4, availableParallelism()),
    timeoutMs: Number(values.timeout),
    out: values.out,
    spawn: values.spawn,
    ...(values.only !== undefined ? { only: Number(values.only), runs: 1 } : {}),
    log: (line) => process.stderr.write(line + '\n'),
  };
  process.stderr.write(`fuzz: seed ${options.seed} (repeat with --seed ${options.seed})\n`);
  const summary = await fuzz(options);
  process.stdout.write(formatSummary(summary, options));
  process.exitCode = summary.failures.length ? 1 : 0;
}
