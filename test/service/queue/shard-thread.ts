/**
 * Body of a worker thread for threads.test.ts: its own connection to the SQLite file, claiming only its
 * shard. `drain` reports and completes every job until told to stop; `hang` claims one job, reports it and
 * never finishes it (the test then terminates the thread: a crash mid-job).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../src/service/db/connect.js';
import { JobQueue } from '../../../src/service/queue/queue.js';

export interface ShardThreadData {
  file: string;
  index: number;
  count: number;
  leaseMs: number;
  mode: 'drain' | 'hang';
}

export interface ShardThreadJob {
  thread: number;
  key: string;
  deliveries: string[];
  attempts: number[];
}

const d = workerData as ShardThreadData;
const port = parentPort!;
const sdb = openDatabase('sqlite', d.file, { busyTimeoutMs: 100 });
const queue = new JobQueue(sdb, { leaseMs: d.leaseMs, maxAttempts: 5 });
const shard = { index: d.index, count: d.count };
let stopping = false;
port.on('message', (m) => {
  if (m === 'stop') stopping = true;
});

const report = (job: { key: string; deliveries: { id: string; attempts: number }[] }): ShardThreadJob => ({
  thread: d.index,
  key: job.key,
  deliveries: job.deliveries.map((x) => x.id),
  attempts: job.deliveries.map((x) => x.attempts),
});

if (d.mode === 'hang') {
  let job = await queue.claim(`hang${d.index}`, { shard });
  while (!job) {
    await new Promise((r) => setTimeout(r, 5));
    job = await queue.claim(`hang${d.index}`, { shard });
  }
  port.postMessage(report(job));
  await new Promise(() => {}); // never completes
} else {
  while (!stopping) {
    const job = await queue.claim(`drain${d.index}`, { shard });
    if (!job) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    port.postMessage(report(job));
    await queue.complete(job);
  }
  await sdb.close();
  port.postMessage('stopped');
}
