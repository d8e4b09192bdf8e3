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
 * Sharding (for worker threads with warm per-PR caches): every key carries `shard` = shardOf(job_key); a
 * claim may be limited to `shard % count = index`, except for expired leases, which any claimer takes over.
 * Cost: a claim that finds nothing is one read (no write lock); a claim is one write transaction of two
 * statements; completeAndClaim folds a completion and the next claim into one; enqueueMany takes a batch
 * in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { isBusy, writeTransaction, type ServiceDb } from '../db/connect.js';
import type { Database, DeliveryStatus } from '../db/schema.js';
import { SHARD_SPACE, shardOf } from '../db/shard.js';

export { SHARD_SPACE, shardOf };

type Trx = Kysely<Database>;

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
}

export type EnqueueOutcome = 'queued' | 'duplicate' | 'requeued';

/** Worker thread `index` of `count` serves the keys with `shard % count = index`. */
export interface ShardSelector {
  index: number;
  count: number;
}

export interface ClaimOptions {
  shard?: ShardSelector;
}

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

/** Rows per multi-row INSERT and ids per IN list: far below both dialects' bound-parameter limits. */
const INSERT_CHUNK = 200;
const IN_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const optionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const optionalTime = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

function checkInput(d: EnqueueInput, i: number): void {
  const bad = (what: string) => new TypeError(`delivery #${i}: ${what}`);
  if (typeof d !== 'object' || d === null) throw bad('not an object');
  if (typeof d.id !== 'string' || d.id.length === 0) throw bad('id must be a non-empty string');
  if (typeof d.event !== 'string' || d.event.length === 0) throw bad('event must be a non-empty string');
  if (typeof d.payload !== 'string') throw bad('payload must be a string');
  if (!optionalText(d.action) || !optionalText(d.prKey) || !optionalText(d.repo)) throw bad('action, prKey and repo must be strings or null');
  if (!optionalTime(d.receivedAt)) throw bad('receivedAt must be a finite number');
}

function checkShard(s: ShardSelector | undefined): ShardSelector | undefined {
  if (s === undefined) return undefined;
  const ok =
    typeof s === 'object' && s !== null && Number.isInteger(s.count) && Number.isInteger(s.index) && s.count >= 1 && s.count <= SHARD_SPACE && s.index >= 0 && s.index < s.count;
  if (!ok) throw new RangeError(`shard must be { index, count } with 1 <= count <= ${SHARD_SPACE} and 0 <= index < count`);
  return s.count === 1 ? undefined : { index: s.index, count: s.count };
}

function deliveryRow(d: EnqueueInput, now: number) {
  return {
    id: d.id, event: d.event, action: d.action ?? null, payload: d.payload, received_at: d.receivedAt ?? now,
    status: 'pending' as const, attempts: 0, lease_owner: null, lease_expires_at: null, run_after: now,
    job_key: jobKeyFor(d.id, d.prKey), pr_key: d.prKey ?? null, repo: d.repo ?? null, last_error: null, completed_at: null,
  };
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
    return (await this.enqueueMany([input]))[0];
  }

  /**
   * Persists a batch in one transaction. Outcomes are per item and identical to calling `enqueue` on each in
   * order: within the batch only the first occurrence of an id can be new or revived, later ones are
   * duplicates. Throws (writing nothing) when any item is malformed.
   */
  async enqueueMany(inputs: readonly EnqueueInput[]): Promise<EnqueueOutcome[]> {
    if (!Array.isArray(inputs)) throw new TypeError('enqueueMany expects an array of deliveries');
    inputs.forEach(checkInput);
    if (inputs.length === 0) return [];
    const now = this.now();
    const firsts = new Map<string, EnqueueInput>();
    for (const d of inputs) if (!firsts.has(d.id)) firsts.set(d.id, d);
    // Sorted by id: concurrent batches then insert overlapping ids in one order (PostgreSQL: no deadlock).
    const unique = [...firsts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return writeTransaction(this.sdb, async (trx) => {
      const fresh = new Set<string>();
      for (const part of chunks(unique, INSERT_CHUNK)) {
        const insert = trx
          .insertInto('deliveries')
          .values(part.map((d) => deliveryRow(d, now)))
          .onConflict((oc) => oc.column('id').doNothing());
        if (part.length === 1) {
          // The common single delivery: the row count says it all, and RETURNING doubles SQLite's cost.
          if (Number((await insert.executeTakeFirst()).numInsertedOrUpdatedRows ?? 0) > 0) fresh.add(part[0].id);
        } else {
          for (const r of await insert.returning('id').execute()) fresh.add(r.id);
        }
      }
      const keys = new Set(unique.filter((d) => fresh.has(d.id)).map((d) => jobKeyFor(d.id, d.prKey)));
      // A redelivery of a job that exhausted its attempts is a person asking to try again.
      const revived = new Set<string>();
      for (const part of chunks(unique.filter((d) => !fresh.has(d.id)).map((d) => d.id), IN_CHUNK)) {
        const rows = await trx
          .updateTable('deliveries')
          .set({ status: 'pending', attempts: 0, run_after: now, last_error: null })
          .where('id', 'in', part)
          .where('status', '=', 'failed')
          .returning(['id', 'job_key'])
          .execute();
        for (const r of rows) {
          revived.add(r.id);
          keys.add(r.job_key);
        }
      }
      // DO UPDATE (not DO NOTHING) so that on PostgreSQL this locks the key row, waiting for a claim holding
      // it: has_work is then set after that claim cleared it, and the new delivery is never stranded. Sorted,
      // so concurrent batches lock keys in one order (no deadlock).
      const sorted = [...keys].sort();
      for (const part of chunks(sorted, INSERT_CHUNK)) {
        await trx
          .insertInto('queue_keys')
          .values(part.map((k) => ({ job_key: k, lease_owner: null, lease_expires_at: null, run_after: now, has_work: 1, shard: shardOf(k) })))
          .onConflict((oc) => oc.column('job_key').doUpdateSet({ has_work: 1 }).where('queue_keys.has_work', '=', 0))
          .execute();
      }
      const seen = new Set<string>();
      return inputs.map((d): EnqueueOutcome => {
        if (seen.has(d.id)) return 'duplicate';
        seen.add(d.id);
        return fresh.has(d.id) ? 'queued' : revived.has(d.id) ? 'requeued' : 'duplicate';
      });
    });
  }

  /**
   * Claims the next ready key with all its pending deliveries, or undefined when nothing is ready. With
   * `opts.shard`, only keys with `shard % count = index` (db/shard.ts), except that a key whose lease
   * expired (its worker died) is taken over by any shard, so a dead thread strands nothing.
   */
  async claim(workerId: string, opts: ClaimOptions = {}): Promise<ClaimedJob | undefined> {
    const shard = checkShard(opts.shard);
    const now = this.now();
    // Most claims (idle slots woken, polls) find nothing: finding that out must not take the write lock.
    if (!(await this.anyClaimable(now, shard))) return undefined;
    return writeTransaction(this.sdb, (trx) => this.claimIn(trx, workerId, now, shard));
  }

  /**
   * complete(job), then claim(workerId, opts), in one write transaction: a busy worker pays one transaction
   * per job instead of two. `completed` is what complete() returns, `next` what claim() returns.
   */
  async completeAndClaim(job: ClaimedJob, workerId: string, opts: ClaimOptions = {}): Promise<{ completed: boolean; next: ClaimedJob | undefined }> {
    const shard = checkShard(opts.shard);
    const now = this.now();
    return writeTransaction(this.sdb, async (trx) => {
      const completed = await this.completeIn(trx, job, now);
      return { completed, next: await this.claimIn(trx, workerId, now, shard) };
    });
  }

  private async claimIn(trx: Trx, workerId: string, now: number, shard: ShardSelector | undefined): Promise<ClaimedJob | undefined> {
    const token = `${workerId}:${randomUUID()}`;
    const expires = now + this.options.leaseMs;
    // A few tries: a key flagged with work whose deliveries were already taken is cleared and skipped.
    for (let attempt = 0; attempt < 5; attempt++) {
      // Pick and lease in one statement (PostgreSQL: the pick locks with SKIP LOCKED).
      const leased = await trx
        .updateTable('queue_keys')
        .set({ lease_owner: token, lease_expires_at: expires, has_work: 0 })
        .where('job_key', '=', this.pick(trx, now, shard, true))
        .returning('job_key')
        .executeTakeFirst();
      if (leased === undefined) return undefined;
      const key = leased.job_key;
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
  }

  /** A lock-free look for a claimable key; a busy database (rare in WAL) counts as "maybe". */
  private async anyClaimable(now: number, shard: ShardSelector | undefined): Promise<boolean> {
    try {
      return (await this.pick(this.sdb.db, now, shard, false).executeTakeFirst()) !== undefined;
    } catch (err) {
      if (isBusy(err)) return true;
      throw err;
    }
  }

  /**
   * The claimable key that has waited longest: ready (work, no lease, run_after reached, in the shard) or
   * with an expired lease (its worker died or stalled mid-job; any shard). run_after moves to the back after
   * each completion. A leased key's run_after is at most its claim time, so the run_after bound holds for
   * both; it and the first term (the partial index's predicate, spelled identically so both planners use
   * ix_queue_keys_active) keep this an ordered scan of the active keys only.
   */
  private pick(db: Kysely<Database>, now: number, shard: ShardSelector | undefined, lock: boolean) {
    const ready = shard
      ? sql<boolean>`(has_work = 1 and lease_expires_at is null and shard % ${shard.count} = ${shard.index})`
      : sql<boolean>`(has_work = 1 and lease_expires_at is null)`;
    let q = db
      .selectFrom('queue_keys')
      .select('job_key')
      .where(sql<boolean>`(has_work = 1 or lease_expires_at is not null)`)
      .where('run_after', '<=', now)
      .where(sql<boolean>`(${ready} or lease_expires_at < ${now})`)
      .orderBy('run_after')
      .orderBy('job_key')
      .limit(1);
    if (lock && this.sdb.driver === 'postgres') q = q.forUpdate().skipLocked();
    return q;
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
    return writeTransaction(this.sdb, (trx) => this.completeIn(trx, job, now));
  }

  private async completeIn(trx: Trx, job: ClaimedJob, now: number): Promise<boolean> {
    if (!(await this.release(trx, job, now))) return false;
    await trx
      .updateTable('deliveries')
      .set({ status: 'done', completed_at: now, lease_owner: null, lease_expires_at: null, last_error: null })
      .where('job_key', '=', job.key)
      .where('lease_owner', '=', job.leaseToken)
      .execute();
    return true;
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
    // Like every write, through writeTransaction: on SQLite it waits its turn for the lock instead of failing busy.
    const r = await writeTransaction(this.sdb, (trx) => trx.deleteFrom('deliveries').where('status', '=', 'done').where('completed_at', '<', cutoff).executeTakeFirst());
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
