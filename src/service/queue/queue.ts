/**
 * The durable event queue: the `deliveries` table plus one `queue_keys` row per serialisation key (a PR, or
 * a single delivery). Claiming a key takes a lease on it and *all* its pending deliveries at once, which
 * gives both guarantees the pipeline needs:
 *  - per-PR serialisation: a key with an unexpired lease is never claimed again (PostgreSQL: the key row is
 *    chosen with FOR UPDATE SKIP LOCKED; SQLite: the claim is one BEGIN IMMEDIATE transaction);
 *  - coalescing: a burst of deliveries for one PR is handled by one job that evaluates the latest state.
 * A worker that dies (kill -9) simply stops renewing its lease; when the lease expires the deliveries are
 * claimable again, so nothing is lost. Completion is fenced by the lease token, so a worker whose lease was
 * taken over cannot mark the new owner's work done.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { writeTransaction, type ServiceDb } from '../db/connect.js';
import type { DeliveryStatus } from '../db/schema.js';

type Trx = Parameters<Parameters<typeof writeTransaction>[1]>[0];

export interface EnqueueInput {
  id: string;
  event: string;
  action?: string | null;
  /** Raw JSON body. */
  payload: string;
  receivedAt?: number;
  /** `owner/repo#n` when the delivery concerns one PR; null otherwise (the job then stands alone). */
  prKey?: string | null;
  repo?: string | null;
  /** Do not run before this time (epoch ms). */
  runAfter?: number;
}

export type EnqueueOutcome = 'queued' | 'duplicate' | 'requeued';

export interface QueuedDelivery {
  id: string;
  event: string;
  action: string | null;
  payload: string;
  receivedAt: number;
  attempts: number;
  prKey: string | null;
  repo: string | null;
}

export interface ClaimedJob {
  key: string;
  prKey: string | null;
  /** Unique per claim; fences complete/fail/extend. */
  leaseToken: string;
  leaseExpiresAt: number;
  /** Highest attempt number among the deliveries (1 on a first run). */
  attempts: number;
  /** Oldest first. More than one when deliveries were coalesced. */
  deliveries: QueuedDelivery[];
}

export interface QueueOptions {
  leaseMs: number;
  maxAttempts: number;
  now?: () => number;
  /** Backoff before retry number `attempts + 1`; default: exponential from 1 s, capped at 10 min, with jitter. */
  backoffMs?: (attempts: number) => number;
}

export function exponentialBackoff(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 600_000);
  // "Equal jitter": never less than half the step, so retries spread without collapsing to zero.
  return Math.round(base / 2 + (random() * base) / 2);
}

export function jobKeyFor(id: string, prKey: string | null | undefined): string {
  return prKey ? `pr:${prKey}` : `delivery:${id}`;
}

export class JobQueue {
  private readonly now: () => number;
  private readonly backoff: (attempts: number) => number;

  constructor(
    private readonly sdb: ServiceDb,
    private readonly options: QueueOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.backoff = options.backoffMs ?? ((a) => exponentialBackoff(a));
  }

  /** Persists a delivery. The same delivery id twice is a duplicate, unless the first one failed for good. */
  async enqueue(input: EnqueueInput): Promise<EnqueueOutcome> {
    const now = this.now();
    const key = jobKeyFor(input.id, input.prKey);
    return writeTransaction(this.sdb, async (trx) => {
      const inserted = await trx
        .insertInto('deliveries')
        .values({
          id: input.id,
          event: input.event,
          action: input.action ?? null,
          payload: input.payload,
          received_at: input.receivedAt ?? now,
          status: 'pending',
          attempts: 0,
          lease_owner: null,
          lease_expires_at: null,
          run_after: input.runAfter ?? now,
          job_key: key,
          pr_key: input.prKey ?? null,
          repo: input.repo ?? null,
          last_error: null,
          completed_at: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      let outcome: EnqueueOutcome = 'queued';
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        // A redelivery of a job that exhausted its attempts is a person asking to try again.
        const revived = await trx
          .updateTable('deliveries')
          .set({ status: 'pending', attempts: 0, run_after: now, last_error: null })
          .where('id', '=', input.id)
          .where('status', '=', 'failed')
          .executeTakeFirst();
        if (Number(revived.numUpdatedRows) === 0) return 'duplicate';
        outcome = 'requeued';
      }
      // DO UPDATE (not DO NOTHING) so that on PostgreSQL this waits for a claim holding the key row:
      // has_work is then set after that claim cleared it, and the new delivery is never stranded.
      await trx
        .insertInto('queue_keys')
        .values({ job_key: key, lease_owner: null, lease_expires_at: null, run_after: now, has_work: 1 })
        .onConflict((oc) => oc.column('job_key').doUpdateSet({ has_work: 1 }))
        .execute();
      return outcome;
    });
  }

  /** Claims the next ready key with all its pending deliveries, or undefined when nothing is ready. */
  async claim(workerId: string): Promise<ClaimedJob | undefined> {
    const now = this.now();
    const token = `${workerId}:${randomUUID()}`;
    const expires = now + this.options.leaseMs;
    return writeTransaction(this.sdb, async (trx) => {
      // A few tries: a key flagged with work whose deliveries were already taken is cleared and skipped.
      for (let attempt = 0; attempt < 5; attempt++) {
        const key = (await this.pickExpired(trx, now)) ?? (await this.pickReady(trx, now));
        if (key === undefined) return undefined;
        await trx
          .updateTable('queue_keys')
          .set({ lease_owner: token, lease_expires_at: expires, has_work: 0 })
          .where('job_key', '=', key)
          .execute();
        // 'running' rows here belong to a lease that expired (a crashed worker): they are taken over.
        const rows = await trx
          .updateTable('deliveries')
          .set({ status: 'running', lease_owner: token, lease_expires_at: expires, attempts: sql`attempts + 1` })
          .where('job_key', '=', key)
          .where('status', 'in', ['pending', 'running'])
          .returning(['id', 'event', 'action', 'payload', 'received_at', 'attempts', 'pr_key', 'repo'])
          .execute();
        if (rows.length === 0) {
          await trx.updateTable('queue_keys').set({ lease_owner: null, lease_expires_at: null }).where('job_key', '=', key).execute();
          continue;
        }
        rows.sort((a, b) => a.received_at - b.received_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const deliveries: QueuedDelivery[] = rows.map((r) => ({
          id: r.id,
          event: r.event,
          action: r.action,
          payload: r.payload,
          receivedAt: r.received_at,
          attempts: r.attempts,
          prKey: r.pr_key,
          repo: r.repo,
        }));
        return {
          key,
          prKey: deliveries.find((d) => d.prKey !== null)?.prKey ?? null,
          leaseToken: token,
          leaseExpiresAt: expires,
          attempts: Math.max(0, ...deliveries.map((d) => d.attempts)),
          deliveries,
        };
      }
      return undefined;
    });
  }

  /** A key whose lease expired: its worker died (or stalled) mid-job. */
  private async pickExpired(trx: Trx, now: number): Promise<string | undefined> {
    let q = trx.selectFrom('queue_keys').select('job_key').where('lease_expires_at', '<', now).orderBy('lease_expires_at').limit(1);
    if (this.sdb.driver === 'postgres') q = q.forUpdate().skipLocked();
    return (await q.executeTakeFirst())?.job_key;
  }

  /** The key with work that has waited longest (run_after moves to the back after each completion). */
  private async pickReady(trx: Trx, now: number): Promise<string | undefined> {
    let q = trx
      .selectFrom('queue_keys')
      .select('job_key')
      .where('has_work', '=', 1)
      .where('lease_expires_at', 'is', null)
      .where('run_after', '<=', now)
      .orderBy('run_after')
      .orderBy('job_key')
      .limit(1);
    if (this.sdb.driver === 'postgres') q = q.forUpdate().skipLocked();
    return (await q.executeTakeFirst())?.job_key;
  }

  /** Renews the lease of a long job. False when the lease was lost (expired and taken over). */
  async extendLease(job: ClaimedJob): Promise<boolean> {
    const expires = this.now() + this.options.leaseMs;
    return writeTransaction(this.sdb, async (trx) => {
      const r = await trx
        .updateTable('queue_keys')
        .set({ lease_expires_at: expires })
        .where('job_key', '=', job.key)
        .where('lease_owner', '=', job.leaseToken)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await trx.updateTable('deliveries').set({ lease_expires_at: expires }).where('lease_owner', '=', job.leaseToken).execute();
      job.leaseExpiresAt = expires;
      return true;
    });
  }

  /** Marks the job's deliveries done. False when the lease had been taken over (nothing changed). */
  async complete(job: ClaimedJob): Promise<boolean> {
    const now = this.now();
    return writeTransaction(this.sdb, async (trx) => {
      const released = await this.release(trx, job, now);
      if (!released) return false;
      await trx
        .updateTable('deliveries')
        .set({ status: 'done', completed_at: now, lease_owner: null, lease_expires_at: null, last_error: null })
        .where('job_key', '=', job.key)
        .where('lease_owner', '=', job.leaseToken)
        .execute();
      return true;
    });
  }

  /**
   * Records a failure: the deliveries go back to pending after `retryAfterMs` (e.g. GitHub's Retry-After)
   * or the backoff, or to `failed` once the attempts are used up. `lost` when the lease had been taken over.
   */
  async fail(job: ClaimedJob, error: unknown, opts: { retryAfterMs?: number } = {}): Promise<'retry' | 'dead' | 'lost'> {
    const now = this.now();
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    const dead = job.attempts >= this.options.maxAttempts;
    const delay = opts.retryAfterMs !== undefined && opts.retryAfterMs >= 0 ? opts.retryAfterMs : this.backoff(job.attempts);
    return writeTransaction(this.sdb, async (trx) => {
      const released = await this.release(trx, job, dead ? now : now + delay, !dead);
      if (!released) return 'lost';
      const status: DeliveryStatus = dead ? 'failed' : 'pending';
      await trx
        .updateTable('deliveries')
        .set({ status, last_error: message, lease_owner: null, lease_expires_at: null, run_after: dead ? now : now + delay, completed_at: dead ? now : null })
        .where('job_key', '=', job.key)
        .where('lease_owner', '=', job.leaseToken)
        .execute();
      return dead ? 'dead' : 'retry';
    });
  }

  /** Counts of deliveries by status (for /metrics and /healthz). */
  async depth(): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.sdb.db
      .selectFrom('deliveries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const out: Record<DeliveryStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
    for (const r of rows) if (r.status in out) out[r.status] = Number(r.n);
    return out;
  }

  /** Deletes finished deliveries older than `olderThanMs` (dedup of GitHub redeliveries ends there). */
  async purgeFinished(olderThanMs: number): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    const r = await this.sdb.db.deleteFrom('deliveries').where('status', '=', 'done').where('completed_at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  private async release(trx: Trx, job: ClaimedJob, runAfter: number, hasWork = false): Promise<boolean> {
    const r = await trx
      .updateTable('queue_keys')
      .set(hasWork ? { lease_owner: null, lease_expires_at: null, run_after: runAfter, has_work: 1 } : { lease_owner: null, lease_expires_at: null, run_after: runAfter })
      .where('job_key', '=', job.key)
      .where('lease_owner', '=', job.leaseToken)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
