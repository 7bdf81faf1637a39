// The worker thread of hcl-parallel.ts: target blocks of the HCL from the
// front, made from the JSON text of the targets the main thread hands over
// while it writes docker-bake.json. Each block is claimed first (the main
// thread claims from the back): at the first block the main thread holds, or
// when it is told to stop, it stops. It writes no file: its bytes go back, 64
// whole blocks a message, to the main thread, which writes them into the HCL's
// temp file with the rest.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { hclTargetBlock } from './hcl.ts';

/**
 * What hcl-parallel.ts hands the worker: the port its bytes go to, `control`
 * (0: set to stop it; 1: the blocks it has sent), and a claim per block. Then, as messages: the target names
 * in the HCL's order; then the JSON text of batches of targets
 * (`JSON.stringify({ x: batch }, null, 2)`).
 */
export interface HclWorkerData {
  port: MessagePort;
  control: Int32Array;
  claims: Int8Array;
}

/** The worker's bytes: the blocks from `from` to before `to`, whole. */
export interface HclWorkerBytes {
  from: number;
  to: number;
  bytes: Uint8Array;
}

/** hcl-parallel.ts's CLAIM (not imported: this module loads only what it needs). */
const NONE = 0;
const WORKER = 1;
/** Blocks per message: the main thread takes the worker's bytes a message at a time, so it makes at most these again. */
const BLOCKS = 64;

const { port, control, claims } = workerData as HclWorkerData;

let names: string[] | undefined;
let position: Map<string, number> | undefined;
const waiting = new Map<string, Record<string, unknown>>();
let next = 0;
let sent = 0;
let text = '';
let stopped = false;

function send(): void {
  if (next === sent) return;
  const bytes = new Uint8Array(Buffer.from(text));
  port.postMessage({ from: sent, to: next, bytes } satisfies HclWorkerBytes, [bytes.buffer as ArrayBuffer]);
  sent = next;
  text = '';
  Atomics.store(control, 1, sent);
}

parentPort!.on('message', (message: string | string[]) => {
  if (stopped) return;
  if (Array.isArray(message)) {
    names = message;
    position = new Map(names.map((name, i) => [name, i]));
    return;
  }
  if (!names || Atomics.load(control, 0) !== 0 || (next < names.length && Atomics.load(claims, next) !== NONE)) {
    stopped = names !== undefined;
    return;
  }
  try {
    const batch = (JSON.parse(message) as { x: Record<string, Record<string, unknown>> }).x;
    for (const name of Object.keys(batch)) if ((position!.get(name) ?? -1) >= next) waiting.set(name, batch[name]!);
    for (let attributes = waiting.get(names[next]!); attributes; attributes = next < names.length ? waiting.get(names[next]!) : undefined) {
      if (Atomics.load(control, 0) !== 0 || Atomics.compareExchange(claims, next, NONE, WORKER) !== NONE) break;
      waiting.delete(names[next]!);
      text += (next > 0 ? '\n\n' : '') + hclTargetBlock(names[next]!, attributes);
      next++;
      if (next - sent === BLOCKS) send();
    }
    send();
  } catch {
    // Block `next` was claimed but not made: the main thread makes it (and meets the same error, if it is one).
    send();
    stopped = true;
  }
});
