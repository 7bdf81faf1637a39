// The worker thread of hcl-parallel.ts: the first target blocks of the HCL,
// made from the JSON text of the targets the main thread hands over while it
// writes docker-bake.json. It writes no file: its bytes go back to the main
// thread, which writes them into the HCL's temp file with the rest.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ByteWriter } from './byte-writer.ts';
import { hclTargetBlock } from './hcl.ts';

/** What hcl-parallel.ts hands the worker: the target names whose blocks it makes, in order, the port its bytes go to, and the counter it bumps per message. */
export interface HclWorkerData {
  names: string[];
  port: MessagePort;
  signal: Int32Array;
}

/** What the worker says after its bytes: how many blocks it wrote, and why it stopped short. */
export interface HclWorkerDone {
  done: number;
  error?: string;
}

const { names, port, signal } = workerData as HclWorkerData;

function post(message: Uint8Array | HclWorkerDone, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

const out = new ByteWriter((bytes) => {
  const copy = new Uint8Array(bytes); // the writer reuses its buffer
  post(copy, [copy.buffer as ArrayBuffer]);
});
const wanted = new Set(names);
const waiting = new Map<string, Record<string, unknown>>();
let next = 0;

parentPort!.on('message', (text: string) => {
  if (next === names.length) return;
  try {
    const batch = (JSON.parse(text) as { x: Record<string, Record<string, unknown>> }).x;
    for (const name of Object.keys(batch)) if (wanted.has(name)) waiting.set(name, batch[name]!);
    for (let attributes = waiting.get(names[next]!); attributes; attributes = next < names.length ? waiting.get(names[next]!) : undefined) {
      waiting.delete(names[next]!);
      out.text((next > 0 ? '\n\n' : '') + hclTargetBlock(names[next]!, attributes));
      next++;
    }
    if (next === names.length) {
      out.end();
      post({ done: next });
    }
  } catch (e) {
    // The blocks before this one are whole: the main thread makes the rest (and meets the same error, if it is one).
    out.end();
    post({ done: next, error: (e as Error)?.message ?? String(e) });
    next = names.length;
  }
});
