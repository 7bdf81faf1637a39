// `--format both` of a large matrix on two cores: while the main thread makes
// and writes docker-bake.json, a worker thread (hcl-worker.ts) makes target
// blocks of docker-bake.hcl from the front, from the JSON text of the targets,
// which the JSON emitter hands over batch by batch (a copy of a string is
// cheap; a structured clone of the model costs more than it saves). When the
// main thread comes to the HCL, it writes the header, variables and groups,
// then makes target blocks from the back until it meets the worker: each block
// is claimed once, by whichever thread gets to it first (an atomic
// compare-and-swap per block), so a worker that gets little of the CPU (a busy
// machine) leaves the main thread more blocks.
// The main thread never waits for it: where they meet, it takes the worker's
// bytes that have come (whole blocks), makes the blocks after them itself, and
// writes it all in order. The bytes are the same as
// hclSource's, and they go through the same writer as any source's (temp file,
// hash, fsync, rename: write-atomic.ts); the worker writes no file. Whenever the
// worker cannot do its part (not started, not handed the names, failed), the
// main thread makes the blocks: same bytes, and the same error where there is one.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { BakeFile } from '../types/bake.ts';
import { ByteWriter, type ByteSource } from './byte-writer.ts';
import { hclTargetBlock, hclTargetOrder, writeHcl } from './hcl.ts';
import type { TargetHooks } from './json.ts';
import type { HclWorkerBytes, HclWorkerData } from './hcl-worker.ts';

/** Targets from which `--format both` makes the HCL on two threads (below, starting a worker costs more than it saves). */
export const PARALLEL_HCL_MIN = 20_000;

/** Targets handed to the worker ahead of the blocks it has sent, at most (their JSON text waits in its queue: about 0.8 MB per 1 000). */
const MAX_LAG = 30_000;

/** Blocks the main thread makes before it encodes them. */
const BLOCKS = 64;

/** Who claimed a block (hcl-worker.ts claims with WORKER). */
export const CLAIM = { none: 0, worker: 1, main: 2 } as const;

export interface ParallelHcl {
  /** The JSON emitter's hooks (jsonSource's): the target names, then the batches of targets, handed to the worker. */
  feed: TargetHooks;
  /** The HCL bytes: with the worker's blocks when it was handed the targets, else made here alone. */
  source: ByteSource;
  /** How many target blocks the worker made (0 until the source runs with them). */
  readonly workerBlocks: number;
  /** How many target blocks the worker has sent so far (the first ones). */
  readonly workerSent: number;
}

/**
 * A worker making target blocks of `bake`'s HCL, or undefined when it cannot
 * start (then the caller uses `alone`). `alone` is hclSource(bake): used
 * whenever the worker's part is not there to be had.
 */
export function parallelHcl(bake: BakeFile, alone: ByteSource): ParallelHcl | undefined {
  // Compiled JavaScript only: under tsx (the tests, a stale dist/) a worker could not load hcl-worker.ts.
  if (!import.meta.url.endsWith('.js')) return undefined;
  const targets = (bake.target ?? {}) as Record<string, Record<string, unknown>>;
  const count = Object.keys(targets).length;
  const control = new Int32Array(new SharedArrayBuffer(8)); // [stop, blocks sent]
  const claims = new Int8Array(new SharedArrayBuffer(Math.max(count, 1)));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./hcl-worker.js', import.meta.url), { workerData: { port: port2, control, claims } satisfies HclWorkerData, transferList: [port2] });
  } catch {
    return undefined;
  }
  let failed = false;
  worker.on('error', () => (failed = true)); // seen only when the main thread is idle: the source then goes on alone
  worker.unref();
  /** The HCL's target order, from the JSON's (sorted already: no second sort of every name). */
  let order: readonly string[] | undefined;
  let used = false;
  let workerBlocks = 0;
  /** Targets handed over in batches; past MAX_LAG ahead of the worker, no more are. */
  let posted = 0;
  let cut = false;
  const stop = () => {
    used = true;
    port1.close();
    void worker.terminate();
  };
  /** The target blocks: the main thread's from the back, the worker's bytes, then the main thread's in order; returns how many (all). */
  const blocks = (out: ByteWriter): number => {
    const names = order!;
    const n = names.length;
    const block = (i: number) => (i > 0 ? '\n\n' : '') + hclTargetBlock(names[i]!, targets[names[i]!]!);
    // Made here from the back, encoded BLOCKS at a time (block strings kept to the end would be garbage the collector copies, again and again).
    const mine: Uint8Array[] = []; // bytes of blocks [made, n), last first
    let group: string[] = []; // blocks made, not yet encoded, last first
    const encode = () => {
      if (group.length) mine.push(Buffer.from(group.reverse().join('')));
      group = [];
    };
    let low = n; // claimed here: [low, n)
    let made = n; // made here: [made, n)
    let broken = false;
    for (let i = n - 1; i >= 0; i--) {
      if (Atomics.compareExchange(claims, i, CLAIM.none, CLAIM.main) !== CLAIM.none) break;
      low = i;
      if (broken) continue;
      try {
        group.push(block(i));
        made = i;
        if (group.length === BLOCKS) encode();
      } catch {
        broken = true; // made again below, in order, where it throws as on one thread
      }
    }
    encode();
    // The worker's bytes that have come (whole blocks, in order), and no more: it stops at the flag, and what it sends later is not read.
    Atomics.store(control, 0, 1);
    let written = 0;
    for (let message = receiveMessageOnPort(port1)?.message as HclWorkerBytes | undefined; message && written < low; message = receiveMessageOnPort(port1)?.message as HclWorkerBytes | undefined) {
      if (message.from !== written || message.to > low) break;
      out.bytes(message.bytes);
      written = message.to;
    }
    workerBlocks = written;
    for (let i = written; i < made; i++) out.text(block(i));
    for (let k = mine.length - 1; k >= 0; k--) out.bytes(mine[k]!);
    return n;
  };
  return {
    feed: {
      names(sorted) {
        if (order || used) return;
        // The JSON leaves out a target whose value is undefined, which the HCL would not: then the worker is not used.
        if (sorted.length !== count) return stop();
        order = hclTargetOrder(sorted.slice());
        worker.postMessage(order);
      },
      batch(text, batch) {
        if (!order || used || cut) return;
        // A worker this far behind (a busy machine) would not get to more blocks before the main thread: no more copies of their text.
        posted += batch.length;
        if (posted - Atomics.load(control, 1) > MAX_LAG) cut = true;
        else worker.postMessage(text);
      },
    },
    source(write) {
      if (used || !order || failed) {
        if (!used) stop();
        return alone(write);
      }
      const out = new ByteWriter(write);
      try {
        writeHcl(bake, out, { order, made: blocks });
      } finally {
        stop();
      }
      out.end();
    },
    get workerBlocks() {
      return workerBlocks;
    },
    get workerSent() {
      return Atomics.load(control, 1);
    },
  };
}
