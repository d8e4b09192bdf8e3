import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue, jobKeyFor, shardOf, type EnqueueInput, type ShardSelector } from '../../../src/service/queue/queue.js';
import { testDatabases, withDb } from '../helpers/databases.js';
import { traced } from './trace.js';

const T0 = 1_700_000_000_000;

function delivery(id: string, prKey: string | null): EnqueueInput {
  return { id, event: 'issue_comment', payload: '{}', prKey, repo: prKey?.split('#')[0] ?? null };
}

for (const kind of testDatabases()) {
  describe(`completeAndClaim on ${kind.name}`, { skip: kind.skip }, () => {
    test('completes the job and claims the next one in a single write transaction', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const tr = traced(t.sdb);
        const q = new JobQueue(tr.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => now });
        await q.enqueueMany([delivery('a', 'o/r#1'), delivery('b', 'o/r#2')]);
        const first = await q.claim('w');
        assert.equal(first?.key, 'pr:o/r#1');
        await q.enqueue(delivery('a2', 'o/r#1')); // arrives while #1 runs
        now += 5;
        tr.take();
        const r1 = await q.completeAndClaim(first!, 'w');
        if (kind.name === 'sqlite') assert.equal(tr.take().filter((s) => s === 'begin immediate').length, 1);
        assert.equal(r1.completed, true);
        assert.deepEqual(r1.next?.deliveries.map((d) => d.id), ['b'], 'the key waiting longest first');
        now += 5;
        const r2 = await q.completeAndClaim(r1.next!, 'w');
        assert.deepEqual(r2.next?.deliveries.map((d) => d.id), ['a2'], 'work that arrived during a job runs after it');
        const r3 = await q.completeAndClaim(r2.next!, 'w');
        assert.deepEqual(r3, { completed: true, next: undefined });
        assert.deepEqual(await q.depth(), { pending: 0, running: 0, done: 3, failed: 0 });
      }));

    test('a lost lease is not completed, and the next claim still happens (sharded)', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q1 = new JobQueue(t.sdb, { leaseMs: 1000, maxAttempts: 5, now: () => now });
        const q2 = new JobQueue(t.openAnother(), { leaseMs: 1000, maxAttempts: 5, now: () => now });
        const shard: ShardSelector = { index: 0, count: 2 };
        const mine: string[] = [];
        for (let n = 1; mine.length < 2; n++) if (shardOf(jobKeyFor('-', `o/r#${n}`)) % 2 === 0) mine.push(`o/r#${n}`);
        await q1.enqueue(delivery('slow', mine[0]));
        const slow = await q1.claim('w1', { shard });
        now += 1001;
        const taken = await q2.claim('w2');
        assert.equal(taken?.key, slow?.key);
        await q1.enqueue(delivery('next', mine[1]));
        const r = await q1.completeAndClaim(slow!, 'w1', { shard });
        assert.equal(r.completed, false, 'fenced');
        assert.deepEqual(r.next?.deliveries.map((d) => d.id), ['next']);
        assert.equal(await q2.complete(taken!), true, 'the new owner is unaffected');
        const row = await t.sdb.db.selectFrom('deliveries').select(['status', 'attempts']).where('id', '=', 'slow').executeTakeFirstOrThrow();
        assert.deepEqual(row, { status: 'done', attempts: 2 });
      }));

    test('a bad shard selector is refused before the job is touched', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => T0 });
        await q.enqueue(delivery('x', 'o/r#1'));
        const job = await q.claim('w');
        await assert.rejects(q.completeAndClaim(job!, 'w', { shard: { index: 4, count: 4 } }), RangeError);
        assert.deepEqual(await q.depth(), { pending: 0, running: 1, done: 0, failed: 0 });
        assert.equal((await q.completeAndClaim(job!, 'w')).completed, true);
      }));
  });
}
