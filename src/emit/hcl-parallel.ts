// `--format both` of a large matrix on two cores: while the main thread makes
// and writes docker-bake.json, a worker thread (hcl-worker.ts) makes the first
// target blocks of docker-bake.hcl from the JSON text of those targets, which
// the JSON emitter hands over batch by batch (a copy of a string is cheap; a
// structured clone of the model costs more than it saves). When the main
// thread writes the HCL, it writes the header, variables and groups, then the
// worker's bytes as they come, then makes the remaining blocks itself. The
// bytes are the same as hclSource's, and they go through the same writer as
// any source's (temp file, hash, fsync, rename: write-atomic.ts); the worker
// writes no file. Whenever the worker cannot do its part (not started, not fed
// every target it makes, failed), the main thread makes it: same bytes.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BakeFile } from '../types/bake.ts';
import { ByteWriter, type ByteSource } from './byte-writer.ts';
import { hclTargetOrder, writeHcl } from './hcl.ts';
import type { HclWorkerData, HclWorkerDone } from './hcl-worker.ts';

/** Targets from which `--format both` makes the HCL on two threads (below, starting a worker costs more than it saves). */
export const PARALLEL_HCL_MIN = 20_000;

/** The share of the target blocks the worker makes: it starts on them while the JSON is written, and also parses their JSON. */
const WORKER_SHARE = 0.75;

/** How long the main thread waits for the worker's next message before giving up (an internal error). */
const STALL_MS = 60_000;

export interface ParallelHcl {
  /** The JSON emitter's hook (jsonSource's `onTargets`): hands a batch of targets to the worker. */
  feed(text: string, names: readonly string[]): void;
  /** The HCL bytes: with the worker's blocks when it was fed them all, else made here alone. */
  source: ByteSource;
  /** How many target blocks the worker made (0 until the source runs with them). */
  readonly workerBlocks: number;
}

/**
 * A worker making the first target blocks of `bake`'s HCL, or undefined when
 * it cannot start (then the caller uses `alone`). `alone` is hclSource(bake):
 * used whenever the worker's part is not there to be had.
 */
export function parallelHcl(bake: BakeFile, alone: ByteSource): ParallelHcl | undefined {
  // Compiled JavaScript only: under tsx (the tests, a stale dist/) a worker could not load hcl-worker.ts.
  if (!import.meta.url.endsWith('.js')) return undefined;
  const order = hclTargetOrder(bake.target ?? {});
  const names = order.slice(0, Math.floor(order.length * WORKER_SHARE));
  if (names.length === 0) return undefined;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./hcl-worker.js', import.meta.url), { workerData: { names, port: port2, signal } satisfies HclWorkerData, transferList: [port2] });
  } catch {
    return undefined;
  }
  let failed = false;
  worker.on('error', () => (failed = true)); // seen only when the main thread is idle: the source then goes on alone
  worker.unref();
  const mine = new Set(names);
  let unfed = names.length;
  let used = false;
  let workerBlocks = 0;
  const stop = () => {
    used = true;
    port1.close();
    void worker.terminate();
  };
  return {
    feed(text, batch) {
      if (unfed === 0 || used) return;
      let fed = 0;
      for (const name of batch) if (mine.has(name)) fed++;
      if (fed === 0) return;
      worker.postMessage(text);
      unfed -= fed;
    },
    source(write) {
      if (used || unfed > 0 || failed) {
        if (!used) stop();
        return alone(write);
      }
      const out = new ByteWriter(write);
      try {
        writeHcl(bake, out, { order, made: (into) => (workerBlocks = received(port1, signal, into)) });
      } finally {
        stop();
      }
      out.end();
    },
    get workerBlocks() {
      return workerBlocks;
    },
  };
}

/** Hands the worker's bytes to `out` as they come; returns how many blocks they hold. */
function received(port: MessagePort, signal: Int32Array, out: ByteWriter): number {
  for (;;) {
    const seen = Atomics.load(signal, 0);
    const message = receiveMessageOnPort(port)?.message as Uint8Array | HclWorkerDone | undefined;
    if (message instanceof Uint8Array) out.bytes(message);
    else if (message) return message.done;
    else if (Atomics.wait(signal, 0, seen, STALL_MS) === 'timed-out' && Atomics.load(signal, 0) === seen) {
      throw new Error(`the HCL worker sent nothing for ${STALL_MS / 1000} s`);
    }
  }
}
