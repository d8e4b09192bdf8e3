import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { sql } from 'kysely';
import { JobQueue, exponentialBackoff, type EnqueueInput } from '../../src/service/queue/queue.js';
import { Worker, prNumberOfKey } from '../../src/service/queue/worker.js';
import { RetryLater, retryAfterFromError } from '../../src/service/queue/retry-after.js';
import { testDatabases, withDb } from './helpers/databases.js';
import { testLogger } from './helpers/logger.js';

const T0 = 1_700_000_000_000;
function delivery(id: string, prKey: string | null, event = 'issue_comment'): EnqueueInput {
  return { id, event, action: 'created', payload: JSON.stringify({ id }), prKey, repo: prKey?.split('#')[0] ?? null };
}

test('backoff grows exponentially, is capped, and never drops below half a step', () => {
  assert.equal(exponentialBackoff(1, () => 1), 1000);
  assert.equal(exponentialBackoff(1, () => 0), 500);
  assert.equal(exponentialBackoff(4, () => 1), 8000);
  assert.equal(exponentialBackoff(50, () => 1), 600_000);
});

test('retry-after from errors: RetryLater, Retry-After seconds and date, x-ratelimit-reset', () => {
  const now = T0;
  assert.equal(retryAfterFromError(new RetryLater('x', 1234), now), 1234);
  assert.equal(retryAfterFromError({ response: { headers: { 'retry-after': '7' } } }, now), 7000);
  assert.equal(retryAfterFromError({ response: { headers: { 'retry-after': new Date(now + 5000).toUTCString() } } }, now), 5000);
  assert.equal(retryAfterFromError({ response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((now + 60_000) / 1000) } } }, now), 61_000);
  assert.equal(retryAfterFromError({ response: { headers: { 'retry-after': 'soon' } } }, now), undefined);
  assert.equal(retryAfterFromError(new Error('plain'), now), undefined);
  assert.equal(retryAfterFromError(null, now), undefined);
  assert.equal(retryAfterFromError({ response: { headers: { 'retry-after': '99999999' } } }, now), 3_600_000);
});

for (const kind of testDatabases()) {
  describe(`queue on ${kind.name}`, { skip: kind.skip }, () => {
    test('enqueue, duplicate delivery ids, claim, complete', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => now });
        assert.equal(await q.claim('w'), undefined);
        assert.equal(await q.enqueue(delivery('d1', 'o/r#1')), 'queued');
        assert.equal(await q.enqueue(delivery('d1', 'o/r#1')), 'duplicate');
        const job = await q.claim('w');
        assert.ok(job);
        assert.equal(job.key, 'pr:o/r#1');
        assert.equal(job.prKey, 'o/r#1');
        assert.equal(job.attempts, 1);
        assert.deepEqual(job.deliveries.map((d) => [d.id, d.event, d.action, d.payload, d.receivedAt, d.repo]), [
          ['d1', 'issue_comment', 'created', '{"id":"d1"}', T0, 'o/r'],
        ]);
        assert.equal(await q.claim('w2'), undefined, 'a leased key is not claimable');
        now += 10;
        assert.equal(await q.complete(job), true);
        assert.deepEqual(await q.depth(), { pending: 0, running: 0, done: 1, failed: 0 });
        assert.equal(await q.enqueue(delivery('d1', 'o/r#1')), 'duplicate', 'a finished delivery is still a duplicate');
        assert.equal(await q.claim('w'), undefined);
      }));

    test('coalescing: a burst for one PR is claimed as one job; other PRs and non-PR events stay separate', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => now });
        for (let i = 0; i < 5; i++) {
          await q.enqueue(delivery(`k${i}`, 'o/r#7'));
          now += 1;
        }
        await q.enqueue(delivery('l0', 'o/r#8'));
        await q.enqueue(delivery('push1', null, 'push'));
        const first = await q.claim('w');
        assert.equal(first?.key, 'pr:o/r#7');
        assert.deepEqual(first?.deliveries.map((d) => d.id), ['k0', 'k1', 'k2', 'k3', 'k4']);
        const second = await q.claim('w');
        const third = await q.claim('w');
        assert.deepEqual([second?.key, third?.key].sort(), ['delivery:push1', 'pr:o/r#8']);
        assert.equal(await q.claim('w'), undefined);
      }));

    test('per-PR serialisation across two independent connections', () =>
      withDb(kind.create, async (t) => {
        const now = T0;
        const q1 = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => now });
        const q2 = new JobQueue(t.openAnother(), { leaseMs: 60_000, maxAttempts: 3, now: () => now });
        await q1.enqueue(delivery('a', 'o/r#1'));
        const j1 = await q1.claim('w1');
        assert.deepEqual(j1?.deliveries.map((d) => d.id), ['a']);
        await q2.enqueue(delivery('b', 'o/r#1'));
        await q2.enqueue(delivery('c', 'o/r#2'));
        const j2 = await q2.claim('w2');
        assert.equal(j2?.key, 'pr:o/r#2', 'the busy PR is skipped, the other one is served');
        assert.equal(await q2.claim('w2'), undefined);
        assert.ok(await q1.complete(j1!));
        const j3 = await q2.claim('w2');
        assert.deepEqual(j3?.deliveries.map((d) => d.id), ['b'], 'the event that arrived meanwhile runs after');
      }));

    test('two concurrent workers never run one PR twice at once, and process everything', () =>
      withDb(kind.create, async (t) => {
        const qa = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
        const qb = new JobQueue(t.openAnother(), { leaseMs: 60_000, maxAttempts: 3 });
        const inFlight = new Map<string, number>();
        const seen = new Map<string, number>();
        let violations = 0;
        const handler = async (job: { key: string; deliveries: { id: string }[] }) => {
          const n = (inFlight.get(job.key) ?? 0) + 1;
          inFlight.set(job.key, n);
          if (n > 1) violations++;
          for (let i = 0; i < 5; i++) await tick();
          for (const d of job.deliveries) seen.set(d.id, (seen.get(d.id) ?? 0) + 1);
          inFlight.set(job.key, (inFlight.get(job.key) ?? 1) - 1);
        };
        const wa = new Worker({ queue: qa, handler, logger: testLogger, id: 'a', concurrency: 2, leaseMs: 60_000, pollMs: 5 });
        const wb = new Worker({ queue: qb, handler, logger: testLogger, id: 'b', concurrency: 2, leaseMs: 60_000, pollMs: 5 });
        wa.start();
        wb.start();
        const ids: string[] = [];
        for (let round = 0; round < 6; round++) {
          for (let pr = 1; pr <= 3; pr++) {
            const id = `r${round}-p${pr}`;
            ids.push(id);
            await (round % 2 ? qa : qb).enqueue(delivery(id, `o/r#${pr}`));
          }
          await tick();
        }
        while ((await qa.depth()).done < ids.length) await new Promise((r) => setTimeout(r, 10));
        await Promise.all([wa.stop(), wb.stop()]);
        assert.equal(violations, 0);
        for (const id of ids) assert.equal(seen.get(id), 1, `delivery ${id} handled exactly once`);
      }));

    test('an expired lease (a killed worker) is taken over; the old owner cannot complete', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q1 = new JobQueue(t.sdb, { leaseMs: 1000, maxAttempts: 5, now: () => now });
        const q2 = new JobQueue(t.openAnother(), { leaseMs: 1000, maxAttempts: 5, now: () => now });
        await q1.enqueue(delivery('x', 'o/r#3'));
        const dead = await q1.claim('crashed');
        assert.ok(dead);
        now += 999;
        assert.equal(await q2.claim('w2'), undefined, 'lease still valid');
        now += 2;
        const again = await q2.claim('w2');
        assert.deepEqual(again?.deliveries.map((d) => [d.id, d.attempts]), [['x', 2]]);
        assert.equal(await q1.complete(dead), false, 'fenced: the crashed owner lost its lease');
        assert.equal(await q1.fail(dead, new Error('late')), 'lost');
        assert.equal(await q1.extendLease(dead), false);
        assert.equal(await q2.extendLease(again!), true);
        assert.equal(await q2.complete(again!), true);
        assert.deepEqual(await q2.depth(), { pending: 0, running: 0, done: 1, failed: 0 });
      }));

    test('failure backs off exponentially, then dead-letters; a redelivery revives it', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => now, backoffMs: (a) => 1000 * 2 ** (a - 1) });
        await q.enqueue(delivery('f', 'o/r#4'));
        let job = await q.claim('w');
        assert.equal(await q.fail(job!, new Error('GitHub 502')), 'retry');
        assert.deepEqual(await q.depth(), { pending: 1, running: 0, done: 0, failed: 0 });
        now += 999;
        assert.equal(await q.claim('w'), undefined);
        now += 1;
        job = await q.claim('w');
        assert.equal(job?.attempts, 2);
        assert.equal(await q.fail(job!, new Error('GitHub 502')), 'retry');
        now += 1999;
        assert.equal(await q.claim('w'), undefined);
        now += 1;
        job = await q.claim('w');
        assert.equal(job?.attempts, 3);
        assert.equal(await q.fail(job!, new Error('still broken')), 'dead');
        assert.deepEqual(await q.depth(), { pending: 0, running: 0, done: 0, failed: 1 });
        const row = await t.sdb.db.selectFrom('deliveries').selectAll().where('id', '=', 'f').executeTakeFirstOrThrow();
        assert.equal(row.last_error, 'still broken');
        now += 10_000_000;
        assert.equal(await q.claim('w'), undefined, 'dead jobs are not retried');
        assert.equal(await q.enqueue(delivery('f', 'o/r#4')), 'requeued');
        job = await q.claim('w');
        assert.equal(job?.attempts, 1);
      }));

    test('Retry-After is honoured, for the failed job and for new events of the same PR', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 5, now: () => now, backoffMs: () => 1 });
        await q.enqueue(delivery('r1', 'o/r#5'));
        const job = await q.claim('w');
        assert.equal(await q.fail(job!, new Error('secondary rate limit'), { retryAfterMs: 30_000 }), 'retry');
        await q.enqueue(delivery('r2', 'o/r#5'));
        await q.enqueue(delivery('other', 'o/r#6'));
        now += 29_999;
        assert.equal((await q.claim('w'))?.key, 'pr:o/r#6');
        assert.equal(await q.claim('w'), undefined);
        now += 1;
        const again = await q.claim('w');
        assert.deepEqual(again?.deliveries.map((d) => d.id), ['r1', 'r2']);
      }));

    test('the worker passes a rate-limit Retry-After from the handler error to the queue', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 5 });
        await q.enqueue(delivery('h1', 'o/r#9'));
        let calls = 0;
        const w = new Worker({
          queue: q,
          logger: testLogger,
          id: 'w',
          concurrency: 1,
          leaseMs: 60_000,
          pollMs: 5,
          handler: async () => {
            calls++;
            throw Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403, response: { headers: { 'retry-after': '120' } } });
          },
        });
        const before = Date.now();
        w.start();
        while ((await q.depth()).pending === 0 || calls === 0) await new Promise((r) => setTimeout(r, 5));
        await w.stop();
        const row = await t.sdb.db.selectFrom('deliveries').selectAll().where('id', '=', 'h1').executeTakeFirstOrThrow();
        assert.equal(row.status, 'pending');
        assert.equal(calls, 1);
        assert.ok(row.run_after >= before + 120_000, 'not before the Retry-After');
        assert.match(row.last_error ?? '', /secondary rate limit/);
      }));
  });
}

for (const kind of testDatabases()) {
  describe(`queue retention on ${kind.name}`, { skip: kind.skip }, () => {
    test('finished deliveries are purged after the retention; pending and failed ones are kept', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 1, now: () => now });
        await q.enqueue(delivery('old', 'o/r#1'));
        await q.complete((await q.claim('w'))!);
        await q.enqueue(delivery('dead', 'o/r#2'));
        assert.equal(await q.fail((await q.claim('w'))!, new Error('x')), 'dead');
        now += 1000;
        await q.enqueue(delivery('new', 'o/r#3'));
        assert.equal(await q.purgeFinished(500), 1);
        assert.deepEqual(await q.depth(), { pending: 1, running: 0, done: 0, failed: 1 });
        assert.equal(await q.enqueue(delivery('old', 'o/r#1')), 'queued', 'past the retention a delivery id is new again');
      }));

    test('the purge waits for a write lock another connection holds instead of failing busy', { skip: kind.name !== 'sqlite' }, () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 1, now: () => now });
        await q.enqueue(delivery('old', 'o/r#1'));
        await q.complete((await q.claim('w'))!);
        now += 1000;
        const other = t.openAnother();
        try {
          await sql`begin immediate`.execute(other.db);
          const purge = q.purgeFinished(500);
          await new Promise((r) => setTimeout(r, 20));
          await sql`commit`.execute(other.db);
          assert.equal(await purge, 1);
        } finally {
          await other.close();
        }
      }));
  });
}

test('prNumberOfKey: the number of an `owner/repo#n` key, nothing for anything else', () => {
  assert.equal(prNumberOfKey('acme/widgets#42'), 42);
  assert.equal(prNumberOfKey('a/b#c#7'), 7);
  for (const junk of [null, undefined, '', 'acme/widgets', 'acme/widgets#', 'acme/widgets#0', 'acme/widgets#-3', 'acme/widgets#1.5', 'acme/widgets#1e3x', 'x#99999999999999999999']) {
    assert.equal(prNumberOfKey(junk), undefined, String(junk));
  }
});
