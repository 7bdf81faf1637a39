// A fuzz worker thread: runs the cases it is sent in-process, in a scratch
// folder of its own, and answers with the results. The parent terminates it
// when a case overruns its time bound.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { Project } from './corpus.ts';
import { inProcess, runCase, runCommands } from './run-case.ts';

const scratch = (workerData as { scratch: string }).scratch;
parentPort!.on('message', async (message: { id: number; files: Project; extras: boolean; commands?: { argv: string[]; allowed: number[] }[] }) => {
  try {
    const dir = join(scratch, String(message.id));
    const results = message.commands ? await runCommands(dir, message.files, inProcess, message.commands) : await runCase(dir, message.files, inProcess, message.extras);
    parentPort!.postMessage({ id: message.id, results });
  } catch (e) {
    // main() catches everything; anything here is a failure of the harness or of main itself.
    parentPort!.postMessage({ id: message.id, results: [{ argv: ['generate'], code: 'thrown', ms: 0, stderr: (e as Error).stack ?? String(e) }] });
  }
});
