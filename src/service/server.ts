/**
 * Wires the service together: database (migrated), queue, workers, intake HTTP server. `startService`
 * returns once it is listening; `stop()` closes intake first (no new work), then lets running jobs finish.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { sql } from 'kysely';
import type { ServiceConfig } from './config/types.js';
import { openDatabase, type ServiceDb } from './db/connect.js';
import { migrateToLatest } from './db/migrations.js';
import { createJobHandler } from './handle-job.js';
import { buildIntakeApp, type IntakeApp } from './intake/app.js';
import type { PayloadSubject } from './intake/pr-key.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics.js';
import { JobQueue } from './queue/queue.js';
import { Worker, type JobHandler } from './queue/worker.js';
import { createSecretBox, generateSecretKey, type SecretBox } from './secrets.js';
import { AccountStore } from './store/accounts.js';
import { purgeCheckRuns } from './store/check-runs.js';
import { WorkerThreadPool } from './threads/pool.js';
import { serviceTriage } from './intake/echo.js';
import { targetOptionsFor } from './pipeline/targets.js';
import { startStatsLog } from './stats-log.js';

/** How long the check run opened on a head is remembered without being updated (table `check_runs`). */
const CHECK_RUN_RETENTION_MS = 30 * 24 * 3600_000;

export interface ServiceDeps {
  sdb: ServiceDb;
  queue: JobQueue;
  metrics: ServiceMetrics;
  box: SecretBox;
  accounts: AccountStore;
  logger: Logger;
  config: ServiceConfig;
  /** Wakes an idle worker (e.g. after the handler queues a follow-up job); a no-op without workers. */
  wake: () => void;
}

/** Workers in `config.queue.threads` worker threads, each building its handler from a module. */
export interface ThreadedHandler {
  /** file: URL of a module exporting `makeThreadHandler` (threads/host.ts `ThreadHandlerFactory`). */
  module: string;
  /** Structured-cloneable data handed to `makeThreadHandler`. */
  data?: unknown;
  /** Events the handlers emit (e.g. each evaluation, for benchmarks). */
  onEvent?: (event: unknown) => void;
}

export interface StartOptions {
  logger: Logger;
  /**
   * Builds the job handler once the database is ready, for workers on the main event loop; default:
   * `createJobHandler` (record + log). Ignored when `threaded` is given and `config.queue.threads` > 0.
   */
  makeHandler?: (deps: ServiceDeps) => JobHandler;
  /** The handler of worker threads (used when `config.queue.threads` > 0). */
  threaded?: ThreadedHandler;
  /** Overrides how deliveries are authenticated (default: by GitHub mode, see `webhookSecretsFor`). */
  webhookSecrets?: (subject: PayloadSubject) => Promise<string[]>;
  /** Do not start workers (intake only), e.g. to run workers in other processes. */
  noWorkers?: boolean;
}

export interface RunningService extends ServiceDeps {
  app: IntakeApp;
  /** Workers on the main event loop (threads: 0, or no `threaded` handler). */
  worker: Worker | undefined;
  /** Worker threads, when the workers run there. */
  threads: WorkerThreadPool | undefined;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  stop(graceMs?: number): Promise<void>;
}

/** The secret key from the config, else (SQLite only) a key file kept beside the database. */
export function resolveSecretKey(config: ServiceConfig, logger: Logger): Buffer {
  if (config.secretKey) return config.secretKey;
  const dbFile = config.db.source === ':memory:' ? join(process.cwd(), 'x') : resolve(config.db.source);
  const keyFile = join(dirname(dbFile), 'checks-out.key');
  if (existsSync(keyFile)) {
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
    if (key.length !== 32) throw new Error(`${keyFile} does not hold a 32-byte hex key`);
    return key;
  }
  const key = generateSecretKey();
  writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  logger.warn({ keyFile }, 'CHECKS_OUT_SECRET_KEY not set: generated a key file for secrets at rest; keep it with the database');
  return key;
}

/** App mode: the app's secret. Token mode: the repository's, then the organisation's hook secret. */
export function webhookSecretsFor(config: ServiceConfig, accounts: AccountStore): (s: PayloadSubject) => Promise<string[]> {
  if (config.github.mode === 'app' && config.github.app) {
    const secret = config.github.app.webhookSecret;
    return async () => [secret];
  }
  if (config.github.mode === 'token') return (s) => accounts.hookSecretsFor(s.repo, s.owner);
  return async () => [];
}

/** Everything a handler needs, on an open database; the main thread and each worker thread build their own. */
export function createServiceDeps(
  config: ServiceConfig,
  sdb: ServiceDb,
  o: { logger: Logger; metrics: ServiceMetrics; secretKey: Buffer; wake: () => void },
): ServiceDeps {
  const box = createSecretBox(o.secretKey);
  const queue = new JobQueue(sdb, { leaseMs: config.queue.leaseMs, maxAttempts: config.queue.maxAttempts });
  return { sdb, queue, metrics: o.metrics, box, accounts: new AccountStore(sdb, box), logger: o.logger, config, wake: o.wake };
}

/** The worker loop over the deps' queue (`WORKER_CONCURRENCY` slots); `thread` names and shards a worker thread's. */
export function createServiceWorker(deps: ServiceDeps, handler: JobHandler, thread?: { index: number; count: number }): Worker {
  const { config } = deps;
  return new Worker({
    queue: deps.queue,
    handler,
    logger: deps.logger.child({ component: 'worker' }),
    id: `${hostname()}:${process.pid}:${thread ? `t${thread.index}:` : ''}${randomBytes(3).toString('hex')}`,
    concurrency: config.queue.workers,
    leaseMs: config.queue.leaseMs,
    metrics: deps.metrics,
    // With several threads each PR's jobs go to one thread, whose caches (PR record, check-run ids) stay warm.
    ...(thread && thread.count > 1 ? { shard: thread } : {}),
  });
}

export async function startService(config: ServiceConfig, options: StartOptions): Promise<RunningService> {
  const { logger } = options;
  const threaded = !options.noWorkers && options.threaded !== undefined && config.queue.threads > 0;
  // With worker threads, the intake's commits never checkpoint the WAL (a thread does, off this loop).
  // PostgreSQL: the intake's connections, plus one per job slot when the workers share this thread.
  const sdb = openDatabase(config.db.driver, config.db.source, { autoCheckpoint: !threaded, poolSize: threaded ? 10 : config.queue.workers + 10 });
  let threads: WorkerThreadPool | undefined;
  try {
    await migrateToLatest(sdb);
    const secretKey = resolveSecretKey(config, logger);
    if (config.github.mode === 'token' && !config.server.publicUrlSet) {
      logger.warn({ hookUrl: `${config.server.publicUrl}/hook` }, 'PUBLIC_URL is not set: repositories enrolled from an organisation get a hook at this URL, which github.com cannot reach');
    }
    const metrics = createServiceMetrics();
    // The handler is built before the worker that runs it, so `wake` looks the worker up when called.
    const late: { worker?: Worker } = {};
    const deps = createServiceDeps(config, sdb, { logger, metrics, secretKey, wake: () => (late.worker ? late.worker.wake() : threads?.wake()) });
    const { queue } = deps;
    if (threaded && options.threaded) {
      threads = new WorkerThreadPool({
        count: config.queue.threads,
        config,
        secretKey,
        handlerModule: options.threaded.module,
        handlerData: options.threaded.data,
        logger,
        onEvent: options.threaded.onEvent,
      });
      await threads.start();
    }
    const pool = threads;
    const threadMetrics = pool ? () => pool.metrics() : undefined;
    const handler = threaded ? undefined : (options.makeHandler?.(deps) ?? createJobHandler({ sdb }));
    const worker = options.noWorkers || handler === undefined ? undefined : createServiceWorker(deps, handler);
    late.worker = worker;
    const https = config.server.tls
      ? { cert: readFileSync(config.server.tls.certFile), key: readFileSync(config.server.tls.keyFile) }
      : undefined;
    const app = await buildIntakeApp({
      queue,
      logger,
      metrics,
      https,
      quietUserAgents: config.blacklistUserAgents,
      appWebhookSecret: options.webhookSecrets ? undefined : config.github.mode === 'app' ? config.github.app?.webhookSecret : undefined,
      webhookSecrets: options.webhookSecrets ?? webhookSecretsFor(config, deps.accounts),
      // The echoes of our own check runs and statuses, and other integrations' statuses, are answered, not queued.
      triage: serviceTriage(sdb, targetOptionsFor(config)),
      onQueued: deps.wake,
      threadMetrics,
      checkHealth: async () => {
        await sql`select 1`.execute(sdb.db);
      },
    });
    await app.listen({ host: config.server.host ?? '::', port: config.server.port });
    worker?.start();
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.server.port;
    const host = config.server.host && config.server.host !== '::' && config.server.host !== '0.0.0.0' ? config.server.host : '127.0.0.1';
    const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    // Finished deliveries are kept for QUEUE_RETENTION (duplicate detection), then purged hourly; the
    // remembered check-run ids of heads untouched for CHECK_RUN_RETENTION_MS go too.
    const purge = async () => {
      try {
        const n = await queue.purgeFinished(config.queue.retentionMs);
        if (n > 0) logger.info({ purged: n }, 'purged finished deliveries');
        const runs = await purgeCheckRuns(sdb, CHECK_RUN_RETENTION_MS);
        if (runs > 0) logger.info({ purged: runs }, 'purged remembered check runs of old heads');
      } catch (err) {
        logger.warn({ err }, 'purging finished deliveries or old check runs failed');
      }
    };
    // LOG_STATS_PERIOD: one line of activity per period (0: off).
    const statsLog = startStatsLog({
      periodMs: config.logStatsPeriodMs,
      logger: logger.child({ component: 'stats' }),
      metrics,
      queueDepth: () => queue.depth(),
      threadMetrics,
    });
    const purgeTimer = setInterval(() => void purge(), 3_600_000);
    purgeTimer.unref();
    void purge();
    let stopped = false;
    return {
      ...deps,
      app,
      worker,
      threads,
      url,
      async stop(graceMs = 10_000) {
        if (stopped) return;
        stopped = true;
        clearInterval(purgeTimer);
        statsLog.stop();
        await app.close();
        await Promise.all([worker?.stop(graceMs), threads?.stop(graceMs)]);
        await sdb.close();
      },
    };
  } catch (err) {
    await threads?.stop(0).catch(() => {});
    await sdb.close().catch(() => {});
    throw err;
  }
}
