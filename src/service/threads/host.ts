/**
 * A worker thread: its own database connection, GitHub clients, caches and `Worker` loop, running the job
 * handler that `handlerModule` builds. The intake stays on the main thread, so answering webhooks never
 * waits behind an evaluation. Leases make this safe to kill at any point: a job whose thread dies is
 * claimed again when its lease expires.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import { openDatabase } from '../db/connect.js';
import { createLogger } from '../logger.js';
import { createServiceMetrics } from '../metrics.js';
import { Worker, type JobHandler } from '../queue/worker.js';
import { createServiceDeps, createServiceWorker, type ServiceDeps } from '../server.js';
import type { FromThread, ThreadInit, ToThread } from './protocol.js';

/** What a handler module exports as `makeThreadHandler`. `emit` sends an event to the pool's `onEvent`. */
export type ThreadHandlerFactory = (deps: ServiceDeps, data: unknown, emit: (event: unknown) => void) => JobHandler | Promise<JobHandler>;

const CHECKPOINT_EVERY_MS = 500;

function runCheckpoint(checkpoint: (() => unknown) | undefined, logger: Logger): void {
  try {
    checkpoint?.();
  } catch (err) {
    logger.warn({ err }, 'WAL checkpoint failed; the next one retries');
  }
}

if (!parentPort) throw new Error('threads/host.ts runs inside a worker thread');
const port = parentPort;
const post = (m: FromThread) => port.postMessage(m);

async function main(init: ThreadInit): Promise<void> {
  const config = { ...init.config, secretKey: Buffer.from(init.secretKey) };
  const base = createLogger(config.logLevel);
  base.level = init.logLevel;
  const logger: Logger = base.child({ thread: init.index });
  // No lower scheduling priority for this thread: it holds SQLite's write lock at times, and a deprioritised
  // lock holder made the intake wait longer (priority inversion: burst ack p99 ≤ 250 ms vs ≤ 50 ms).
  // Blocking briefly on SQLite's lock is harmless here (only this thread's evaluations wait, and the holder is
  // always another thread or process), and it beats polling (bench/service/queue-contention.ts).
  // PostgreSQL: a connection for each job slot and a few for the loop's own queries (claims, leases).
  const sdb = openDatabase(config.db.driver, config.db.source, { busyTimeoutMs: 100, autoCheckpoint: false, poolSize: config.queue.workers + 4 });
  // SQLite: the first thread checkpoints the WAL, so no commit (the intake's least of all) pays for it.
  const checkpointer = init.index === 0 && sdb.checkpoint ? setInterval(() => runCheckpoint(sdb.checkpoint, logger), CHECKPOINT_EVERY_MS) : undefined;
  const metrics = createServiceMetrics();
  const late: { worker?: Worker } = {};
  // A follow-up this thread queues may belong to another thread's shard: the pool wakes every thread.
  const deps = createServiceDeps(config, sdb, {
    logger,
    metrics,
    secretKey: config.secretKey,
    wake: () => (init.count > 1 ? post({ type: 'wake' }) : late.worker?.wake()),
  });
  const mod = (await import(init.handlerModule)) as { makeThreadHandler?: ThreadHandlerFactory };
  if (typeof mod.makeThreadHandler !== 'function') throw new Error(`${init.handlerModule} does not export makeThreadHandler`);
  const handler = await mod.makeThreadHandler(deps, init.handlerData, (event) => post({ type: 'event', event }));
  const worker = createServiceWorker(deps, handler, { index: init.index, count: init.count });
  late.worker = worker;
  port.on('message', (m: ToThread) => {
    if (m.type === 'wake') worker.wake();
    else if (m.type === 'metrics') post({ type: 'metrics', id: m.id, snapshot: metrics.registry.snapshot() });
    else if (m.type === 'stop') {
      void (async () => {
        await worker.stop(m.graceMs);
        if (checkpointer) clearInterval(checkpointer);
        runCheckpoint(sdb.checkpoint, logger);
        await sdb.close().catch(() => {});
        post({ type: 'stopped' });
        port.close();
      })();
    }
  });
  worker.start();
  post({ type: 'ready' });
}

main(workerData as ThreadInit).catch((err: unknown) => {
  post({ type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
