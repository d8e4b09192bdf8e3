import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { JobQueue, shardOf, type EnqueueInput } from '../../../src/service/queue/queue.js';
import type { ServiceDb } from '../../../src/service/db/connect.js';
import { testDatabases, withDb } from '../helpers/databases.js';
import { traced } from './trace.js';

const T0 = 1_700_000_000_000;
const opts = (now: () => number) => ({ leaseMs: 60_000, maxAttempts: 1, now });

function delivery(id: string, prKey: string | null, extra: Partial<EnqueueInput> = {}): EnqueueInput {
  return { id, event: 'issue_comment', action: 'created', payload: JSON.stringify({ id }), prKey, repo: prKey?.split('#')[0] ?? null, ...extra };
}

/** Everything the queue stores, in a comparable form. */
async function snapshot(sdb: ServiceDb) {
  const deliveries = await sdb.db
    .selectFrom('deliveries')
    .select(['id', 'status', 'attempts', 'job_key', 'pr_key', 'run_after', 'received_at', 'last_error'])
    .orderBy('id')
    .execute();
  const keys = await sdb.db.selectFrom('queue_keys').select(['job_key', 'has_work', 'shard', 'lease_owner']).orderBy('job_key').execute();
  return { deliveries, keys };
}

/** One delivery done, one dead-lettered, one pending: the states a batch can meet. */
async function seed(q: JobQueue): Promise<void> {
  await q.enqueue(delivery('done', 'o/r#1'));
  await q.complete((await q.claim('w'))!);
  await q.enqueue(delivery('dead', 'o/r#2'));
  assert.equal(await q.fail((await q.claim('w'))!, new Error('x')), 'dead');
  await q.enqueue(delivery('waiting', 'o/r#3'));
}

const batch: EnqueueInput[] = [
  delivery('a', 'o/r#1'),
  delivery('a', 'o/r#1'),
  delivery('dead', 'o/r#2'),
  delivery('dead', 'o/r#2'),
  delivery('done', 'o/r#1'),
  delivery('waiting', 'o/r#3'),
  delivery('b', 'o/r#4', { receivedAt: T0 - 7 }),
  delivery('push', null, { event: 'push', action: null }),
  delivery('c', 'o/r#3'),
];

for (const kind of testDatabases()) {
  describe(`enqueueMany on ${kind.name}`, { skip: kind.skip }, () => {
    test('one batch gives the same outcomes and rows as enqueuing one by one', async () => {
      const one = await kind.create();
      const many = await kind.create();
      try {
        const now = () => T0;
        const q1 = new JobQueue(one.sdb, opts(now));
        const qn = new JobQueue(many.sdb, opts(now));
        await seed(q1);
        await seed(qn);
        const sequential = [];
        for (const d of batch) sequential.push(await q1.enqueue(d));
        const batched = await qn.enqueueMany(batch);
        assert.deepEqual(batched, ['queued', 'duplicate', 'requeued', 'duplicate', 'duplicate', 'duplicate', 'queued', 'queued', 'queued']);
        assert.deepEqual(batched, sequential);
        assert.deepEqual(await snapshot(many.sdb), await snapshot(one.sdb));
        for (const k of (await snapshot(many.sdb)).keys) assert.equal(k.shard, shardOf(k.job_key));
        // And they are claimed the same way.
        const claims = async (q: JobQueue) => {
          const out: string[][] = [];
          for (let job = await q.claim('w'); job; job = await q.claim('w')) out.push([job.key, ...job.deliveries.map((d) => d.id)]);
          return out;
        };
        const fromBatch = await claims(qn);
        assert.deepEqual(fromBatch, await claims(q1));
        assert.deepEqual(fromBatch.map((c) => c[0]).sort(), ['delivery:push', 'pr:o/r#1', 'pr:o/r#2', 'pr:o/r#3', 'pr:o/r#4']);
        assert.deepEqual(fromBatch.find((c) => c[0] === 'pr:o/r#3'), ['pr:o/r#3', 'c', 'waiting'], 'same received_at: by id');
      } finally {
        await one.cleanup();
        await many.cleanup();
      }
    });

    test('a batch is one write transaction; an empty batch touches nothing', () =>
      withDb(kind.create, async (t) => {
        const tr = traced(t.sdb);
        const q = new JobQueue(tr.sdb, opts(() => T0));
        assert.deepEqual(await q.enqueueMany([]), []);
        assert.deepEqual(tr.take(), []);
        const items = Array.from({ length: 50 }, (_, i) => delivery(`d${i}`, `o/r#${i % 7}`));
        assert.deepEqual(await q.enqueueMany(items), items.map(() => 'queued'));
        const stmts = tr.take();
        if (kind.name === 'sqlite') assert.equal(stmts.filter((s) => s === 'begin immediate').length, 1);
        assert.equal(stmts.filter((s) => s.startsWith('insert into "deliveries"')).length, 1, 'one multi-row insert');
        assert.equal(stmts.filter((s) => s.startsWith('insert into "queue_keys"')).length, 1, 'one multi-row upsert');
      }));

    test('large batches are split below the parameter limits and coalesce per PR', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, opts(() => T0));
        const items = Array.from({ length: 1300 }, (_, i) => delivery(`big${i}`, `o/r#${i % 450}`));
        const outcomes = await q.enqueueMany([...items, ...items.slice(0, 600)]);
        assert.equal(outcomes.filter((o) => o === 'queued').length, 1300);
        assert.equal(outcomes.filter((o) => o === 'duplicate').length, 600);
        assert.deepEqual(await q.depth(), { pending: 1300, running: 0, done: 0, failed: 0 });
        let jobs = 0;
        for (let job = await q.claim('w'); job; job = await q.claim('w')) {
          jobs++;
          assert.ok(job.deliveries.length === 2 || job.deliveries.length === 3);
        }
        assert.equal(jobs, 450);
      }));

    test('malformed items are refused before anything is written', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, opts(() => T0));
        const good = delivery('ok', 'o/r#1');
        const bad: unknown[] = [
          null,
          'x',
          { ...good, id: '' },
          { ...good, id: 42 },
          { ...good, event: undefined },
          { ...good, payload: { a: 1 } },
          { ...good, prKey: 7 },
          { ...good, action: [] },
          { ...good, receivedAt: Number.NaN },
          { ...good, receivedAt: '2020' },
          { ...good, id: '__proto__', payload: 1 },
        ];
        for (const b of bad) await assert.rejects(q.enqueueMany([good, b as EnqueueInput]), TypeError, JSON.stringify(b));
        await assert.rejects(q.enqueueMany('nope' as unknown as EnqueueInput[]), TypeError);
        await assert.rejects(q.enqueue(undefined as unknown as EnqueueInput), TypeError);
        assert.deepEqual(await q.depth(), { pending: 0, running: 0, done: 0, failed: 0 });
        assert.equal(await q.claim('w'), undefined);
        // Hostile but well-formed ids are plain data.
        assert.deepEqual(await q.enqueueMany([delivery('__proto__', 'constructor#1'), delivery('__proto__', null)]), ['queued', 'duplicate']);
        assert.equal((await q.claim('w'))?.key, 'pr:constructor#1');
      }));

    test('a batch the database rejects half-way is rolled back as a whole', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, opts(() => T0));
        let poison: EnqueueInput;
        if (kind.name === 'sqlite') {
          await sql`create trigger refuse_boom before insert on deliveries when new.id = 'boom' begin select raise(abort, 'refused'); end`.execute(t.sdb.db);
          poison = delivery('boom', 'o/r#2');
        } else {
          poison = delivery('boom', 'o/r#2', { payload: 'nul \u0000 byte' }); // PostgreSQL text cannot hold NUL
        }
        await assert.rejects(q.enqueueMany([delivery('first', 'o/r#1'), poison, delivery('last', 'o/r#3')]));
        assert.deepEqual(await snapshot(t.sdb), { deliveries: [], keys: [] });
        assert.deepEqual(await q.enqueueMany([delivery('first', 'o/r#1')]), ['queued'], 'the queue is still usable');
      }));

    test('concurrent overlapping batches from two connections: each id is queued exactly once', () =>
      withDb(kind.create, async (t) => {
        const qa = new JobQueue(t.sdb, opts(() => T0));
        const qb = new JobQueue(t.openAnother(), opts(() => T0));
        const ids = Array.from({ length: 120 }, (_, i) => `x${i}`);
        const mk = (list: string[]) => list.map((id) => delivery(id, `o/r#${Number(id.slice(1)) % 9}`));
        const rounds = await Promise.all([
          qa.enqueueMany(mk(ids)),
          qb.enqueueMany(mk([...ids].reverse())),
          qa.enqueueMany(mk(ids.filter((_, i) => i % 2 === 0))),
          qb.enqueueMany(mk(ids.filter((_, i) => i % 3 === 0).reverse())),
        ]);
        const queued = rounds.flat().filter((o) => o === 'queued').length;
        assert.equal(queued, ids.length);
        assert.equal(rounds.flat().filter((o) => o === 'requeued').length, 0);
        assert.deepEqual(await qa.depth(), { pending: ids.length, running: 0, done: 0, failed: 0 });
        const seen: string[] = [];
        for (let job = await qa.claim('w'); job; job = await qa.claim('w')) seen.push(...job.deliveries.map((d) => d.id));
        assert.deepEqual(seen.sort(), [...ids].sort());
      }));
  });
}
