/**
 * Worker loop: N concurrent slots, each claiming a job, running the pluggable handler while renewing the
 * lease, then completing or failing it. `stop()` stops claiming and waits for running handlers; a handler
 * still running when the grace period ends is abandoned to lease expiry (another worker re-runs it).
 */
import type { Logger } from 'pino';
import { countGitHubCalls } from '../github/call-count.js';
import type { ServiceMetrics } from '../metrics.js';
import type { ClaimedJob, JobQueue } from './queue.js';
import { retryAfterFromError } from './retry-after.js';

export interface JobContext {
  /** Aborted when the lease is lost or the worker is stopping past its grace period. */
  signal: AbortSignal;
  logger: Logger;
}

export type JobHandler = (job: ClaimedJob, ctx: JobContext) => Promise<void>;

export interface WorkerOptions {
  queue: JobQueue;
  handler: JobHandler;
  logger: Logger;
  id: string;
  concurrency: number;
  leaseMs: number;
  /** Idle poll interval; `wake()` (called by intake after an enqueue) short-circuits it. */
  pollMs?: number;
  metrics?: ServiceMetrics;
  now?: () => number;
  /** Claim only this shard's PR keys (one of several worker threads; see JobQueue.claim). */
  shard?: { index: number; count: number };
}

export class Worker {
  private stopping = false;
  private slots: Promise<void>[] = [];
  private wakers = new Set<() => void>();
  private readonly abort = new AbortController();

  constructor(private readonly o: WorkerOptions) {}

  start(): void {
    if (this.slots.length > 0) return;
    for (let i = 0; i < this.o.concurrency; i++) this.slots.push(this.loop(`${this.o.id}/${i}`));
  }

  /**
   * Wakes one idle slot so a fresh delivery starts without waiting for the poll interval (one is enough:
   * a slot that finds work claims again straight after, and waking all would only add empty claims).
   */
  wake(): void {
    const first = this.wakers.values().next();
    if (!first.done) first.value();
  }

  private wakeAll(): void {
    for (const w of [...this.wakers]) w();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wakeAll();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.abort.abort(new Error('worker stopping'));
        resolve();
      }, graceMs);
    });
    await Promise.race([Promise.all(this.slots), grace]);
    clearTimeout(timer);
  }

  private async loop(slotId: string): Promise<void> {
    const pollMs = this.o.pollMs ?? 1000;
    let next: ClaimedJob | undefined;
    // A job claimed together with the previous completion is run even when stopping began meanwhile:
    // dropping it would leave it leased until the lease expires.
    while (!this.stopping || next) {
      let job = next;
      next = undefined;
      if (!job) {
        try {
          job = await this.o.queue.claim(slotId, this.claimOptions());
        } catch (err) {
          this.o.logger.error({ err, slot: slotId }, 'claiming a job failed');
        }
      }
      if (job) next = await this.run(job, slotId);
      else await this.idle(pollMs);
    }
  }

  private claimOptions() {
    return this.o.shard ? { shard: this.o.shard } : undefined;
  }

  private idle(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /** Runs one job; when it succeeds and the worker is not stopping, returns the next job, claimed in the same transaction. */
  private async run(job: ClaimedJob, slotId: string): Promise<ClaimedJob | undefined> {
    const { queue, logger: base, metrics } = this.o;
    const now = this.o.now ?? Date.now;
    const logger = base.child({
      job: job.key,
      // The PR number, as intake and the pipeline log it (the key `owner/repo#n` is in `job`).
      pr: prNumberOfKey(job.prKey),
      repo: job.deliveries[0]?.repo ?? undefined,
      deliveries: job.deliveries.map((d) => d.id),
      attempt: job.attempts,
    });
    if (job.deliveries.length > 1) metrics?.coalesced.inc({}, job.deliveries.length - 1);
    const lease = new AbortController();
    const onStop = () => lease.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onStop);
    const heartbeat = setInterval(() => {
      queue.extendLease(job).then(
        (ok) => {
          if (!ok) lease.abort(new Error('lease lost'));
        },
        (err) => logger.warn({ err }, 'lease renewal failed'),
      );
    }, Math.max(50, Math.floor(this.o.leaseMs / 3)));
    const started = performance.now();
    let outcome = 'success';
    let next: ClaimedJob | undefined;
    try {
      const { calls } = await countGitHubCalls(() => this.o.handler(job, { signal: lease.signal, logger }));
      metrics?.githubRequestsPerJob.observe({ kind: 'requests' }, calls.total);
      metrics?.githubRequestsPerJob.observe({ kind: 'rate_limit_cost' }, calls.rateLimitCost);
      let completed: boolean;
      if (this.stopping) completed = await queue.complete(job);
      else ({ completed, next } = await queue.completeAndClaim(job, slotId, this.claimOptions()));
      if (!completed) {
        outcome = 'lost';
        logger.warn('job finished after its lease was taken over; the new owner will report');
      }
    } catch (err) {
      const retryAfterMs = retryAfterFromError(err, now());
      try {
        outcome = await queue.fail(job, err, { retryAfterMs });
      } catch (dbErr) {
        outcome = 'error';
        logger.error({ err: dbErr }, 'recording a job failure failed; the lease will expire and it will re-run');
      }
      const log = outcome === 'dead' ? logger.error.bind(logger) : logger.warn.bind(logger);
      log({ err, retryAfterMs, outcome }, outcome === 'dead' ? 'job failed for good' : 'job failed; will retry');
    } finally {
      clearInterval(heartbeat);
      this.abort.signal.removeEventListener('abort', onStop);
      metrics?.evaluationSeconds.observe({ outcome }, (performance.now() - started) / 1000);
    }
    return next;
  }
}

/** `n` of a PR key `owner/repo#n`; undefined for anything else. */
export function prNumberOfKey(key: string | null | undefined): number | undefined {
  const n = key ? Number(key.slice(key.lastIndexOf('#') + 1)) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
