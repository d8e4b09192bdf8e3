/**
 * Worker side of isolated.ts: runs the vectors from `from` on and reports each start and result, so the main
 * thread knows which vector is running when the time limit strikes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AdapterLoad } from './kinds/index.js';
import type { WorkerInput, WorkerMessage } from './isolated.js';
import { runVectors } from './runner.js';

const input = workerData as WorkerInput;
const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');
const send = (msg: WorkerMessage): void => port.postMessage(msg);

let loadAdapter: ((kind: string) => Promise<AdapterLoad>) | undefined;
if (input.adapterModule !== undefined) {
  const mod = (await import(input.adapterModule)) as { loadAdapter: (kind: string) => Promise<AdapterLoad> };
  loadAdapter = mod.loadAdapter;
}
await runVectors(
  { vectors: input.vectors },
  {
    kinds: input.kinds,
    from: input.from,
    loadAdapter,
    onStart: (index) => send({ type: 'start', index }),
    onResult: (result) => send({ type: 'result', result }),
  },
);
send({ type: 'done' });
