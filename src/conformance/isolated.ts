/**
 * Runs a vector file in a worker thread with a time limit per vector. The engine must never hang on hostile
 * input, but if it does, an in-process run would hang with it and report nothing; here the worker is
 * terminated (which also stops a synchronous endless loop), the vector fails with "timed out", and a fresh
 * worker resumes with the next vector.
 */
import { Worker } from 'node:worker_threads';
import { summarize, vectorResult, type RunSummary, type VectorFile, type VectorResult } from './runner.js';

export interface IsolatedOptions {
  kinds?: readonly string[];
  /** Limit for one vector, in milliseconds. */
  timeoutMs: number;
  /** Module exporting `loadAdapter(kind)` to use instead of the registry (tests). */
  adapterModule?: string;
}

/** What the worker receives (see worker.ts). */
export interface WorkerInput {
  vectors: unknown[];
  kinds: string[];
  from: number;
  adapterModule?: string;
}

export type WorkerMessage =
  | { type: 'start'; index: number }
  | { type: 'result'; result: VectorResult }
  | { type: 'done' };

/** The worker could not be started or died for another reason than a timeout. */
export class IsolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IsolationError';
  }
}

const workerUrl = new URL('./worker.ts', import.meta.url).href;

/**
 * The worker's bootstrap: registers tsx in the worker (as bin/checks-out.js does for the main thread) so it
 * can load the TypeScript sources, then starts worker.ts.
 */
function bootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
}

type WorkerEnd = { kind: 'done' } | { kind: 'stuck'; index: number; reason: string };

function runWorker(input: WorkerInput, timeoutMs: number, results: VectorResult[]): Promise<WorkerEnd> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap(), { eval: true, workerData: input });
    /** The vector started and not finished yet. */
    let current: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (end: WorkerEnd | Error): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      void worker.terminate();
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'start') {
        current = msg.index;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: 'stuck', index: msg.index, reason: `timed out after ${timeoutMs} ms` }), timeoutMs);
      } else if (msg.type === 'result') {
        if (timer) clearTimeout(timer);
        current = undefined;
        results.push(msg.result);
      } else {
        finish({ kind: 'done' });
      }
    });
    worker.on('error', (err) => finish(new IsolationError(`conformance worker failed${current === undefined ? '' : ` at vector ${current}`}: ${err.message}`)));
    worker.on('exit', (code) => {
      // An adapter promise that can never settle leaves the worker with nothing to do, so it just exits.
      if (current !== undefined) finish({ kind: 'stuck', index: current, reason: 'never settled (a promise was left pending)' });
      else finish(new IsolationError(`conformance worker exited early (code ${code})`));
    });
  });
}

export async function runVectorsIsolated(file: VectorFile, options: IsolatedOptions): Promise<RunSummary> {
  const results: VectorResult[] = [];
  let from = 0;
  for (;;) {
    const input: WorkerInput = { vectors: file.vectors, kinds: [...(options.kinds ?? [])], from, adapterModule: options.adapterModule };
    const end = await runWorker(input, options.timeoutMs, results);
    if (end.kind === 'done') break;
    results.push(vectorResult(end.index, file.vectors[end.index], 'failed', end.reason));
    from = end.index + 1;
  }
  return summarize(results);
}
