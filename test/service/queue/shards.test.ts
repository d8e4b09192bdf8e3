import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { JobQueue, SHARD_SPACE, jobKeyFor, shardOf, type EnqueueInput, type ShardSelector } from '../../../src/service/queue/queue.js';
import { testDatabases, withDb, type TestDb } from '../helpers/databases.js';
import { traced } from './trace.js';

const T0 = 1_700_000_000_000;

function delivery(id: string, prKey: string | null): EnqueueInput {
  return { id, event: 'issue_comment', payload: '{}', prKey, repo: prKey?.split('#')[0] ?? null };
}

/** `count` PR keys that fall in shard `index` of `of`. */
function prsInShard(index: number, of: number, count: number, prefix = 'o/r'): string[] {
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) if (shardOf(jobKeyFor('-', `${prefix}#${n}`)) % of === index) out.push(`${prefix}#${n}`);
  return out;
}

test('shardOf is stable, in range, and spreads keys evenly', () => {
  // Stored in the database: these values must never change.
  assert.equal(shardOf(''), 0x811c9dc5 % SHARD_SPACE);
  assert.equal(shardOf('a'), 0xe40c292c % SHARD_SPACE, 'FNV-1a test vector');
  assert.deepEqual(['pr:o/r#1', 'pr:o/r#2', 'delivery:abc'].map(shardOf), [shardOf('pr:o/r#1'), shardOf('pr:o/r#2'), shardOf('delivery:abc')]);
  assert.equal(shardOf('pr:octo/repo#1'), 345);
  assert.equal(shardOf('delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958'), 499);
  const buckets = [0, 0, 0, 0];
  for (let i = 0; i < 20_000; i++) {
    const s = shardOf(`pr:org${i % 37}/repo${i % 101}#${i}`);
    assert.ok(Number.isInteger(s) && s >= 0 && s < SHARD_SPACE);
    buckets[s % 4]++;
  }
  for (const b of buckets) assert.ok(b > 4_000 && b < 6_000, `uneven: ${buckets.join(',')}`);
  assert.ok(shardOf('pr:\u{1F600}/\u0000#1') >= 0);
});

for (const kind of testDatabases()) {
  describe(`sharded claims on ${kind.name}`, { skip: kind.skip }, () => {
    test('each shard claims only its own keys; together they drain the queue', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => T0 });
        const prs = Array.from({ length: 40 }, (_, i) => `o/r#${i + 1}`);
        await q.enqueueMany([...prs.map((p, i) => delivery(`d${i}`, p)), delivery('push', null)]);
        const keys = await t.sdb.db.selectFrom('queue_keys').select(['job_key', 'shard']).execute();
        for (const k of keys) assert.equal(k.shard, shardOf(k.job_key));
        const claimed = new Map<string, number>();
        for (let index = 0; index < 3; index++) {
          for (let job = await q.claim(`w${index}`, { shard: { index, count: 3 } }); job; job = await q.claim(`w${index}`, { shard: { index, count: 3 } })) {
            assert.equal(shardOf(job.key) % 3, index, `${job.key} claimed by shard ${index}`);
            claimed.set(job.key, index);
            assert.ok(await q.complete(job));
          }
        }
        assert.equal(claimed.size, 41);
        assert.ok(new Set(claimed.values()).size === 3, 'every shard had work');
        assert.deepEqual(await q.depth(), { pending: 0, running: 0, done: 41, failed: 0 });
      }));

    test('the same PR always goes to the same shard, across retries and new deliveries', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 5, now: () => now, backoffMs: () => 10 });
        const [mine] = prsInShard(1, 2, 1);
        const [other] = prsInShard(0, 2, 1);
        const s1 = { index: 1, count: 2 };
        const s0 = { index: 0, count: 2 };
        await q.enqueue(delivery('m1', mine));
        await q.enqueue(delivery('o1', other));
        const job = await q.claim('w1', { shard: s1 });
        assert.equal(job?.prKey, mine);
        assert.equal(await q.fail(job!, new Error('502')), 'retry');
        await q.enqueue(delivery('m2', mine));
        now += 10;
        assert.equal((await q.claim('w0', { shard: s0 }))?.prKey, other);
        assert.equal(await q.claim('w0', { shard: s0 }), undefined, 'shard 0 never sees the retry');
        const again = await q.claim('w1', { shard: s1 });
        assert.deepEqual(again?.deliveries.map((d) => [d.id, d.attempts]), [['m1', 2], ['m2', 1]]);
      }));

    test('a crashed shard: its expired leases are taken over by another shard, fenced', () =>
      withDb(kind.create, async (t) => {
        let now = T0;
        const q0 = new JobQueue(t.sdb, { leaseMs: 1000, maxAttempts: 5, now: () => now });
        const q1 = new JobQueue(t.openAnother(), { leaseMs: 1000, maxAttempts: 5, now: () => now });
        const s0 = { index: 0, count: 2 };
        const s1 = { index: 1, count: 2 };
        const [a, b] = prsInShard(0, 2, 2);
        await q0.enqueueMany([delivery('a1', a), delivery('b1', b)]);
        const dead = await q0.claim('crashed', { shard: s0 });
        assert.equal(dead?.prKey, a);
        await q1.enqueue(delivery('a2', a)); // arrives while the (soon dead) worker holds the lease
        assert.equal(await q1.claim('w1', { shard: s1 }), undefined, 'not shard 1 keys, and the lease is valid');
        now += 1001;
        const taken = await q1.claim('w1', { shard: s1 });
        assert.equal(taken?.prKey, a, 'the expired lease is taken over across shards');
        assert.deepEqual(taken?.deliveries.map((d) => [d.id, d.attempts]), [['a1', 2], ['a2', 1]]);
        assert.equal(await q1.claim('w1', { shard: s1 }), undefined, "b is ready but not expired: it stays shard 0's");
        assert.equal(await q0.complete(dead!), false, 'the crashed owner is fenced off');
        assert.equal(await q0.extendLease(dead!), false);
        assert.equal(await q0.fail(dead!, new Error('late')), 'lost');
        assert.equal(await q1.complete(taken!), true);
        const b1 = await q0.claim('w0', { shard: s0 });
        assert.equal(b1?.prKey, b);
        assert.ok(await q0.complete(b1!));
        assert.deepEqual(await q0.depth(), { pending: 0, running: 0, done: 3, failed: 0 });
      }));

    test('sharded workers on two connections never run one PR twice at once and lose nothing', () =>
      withDb(kind.create, async (t) => {
        const queues = [new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 }), new JobQueue(t.openAnother(), { leaseMs: 60_000, maxAttempts: 3 })];
        const ids: string[] = [];
        for (let round = 0; round < 5; round++) {
          const batch = Array.from({ length: 8 }, (_, pr) => delivery(`r${round}-p${pr}`, `o/r#${pr}`));
          ids.push(...batch.map((d) => d.id));
          await queues[round % 2].enqueueMany(batch);
        }
        const seen = new Map<string, number>();
        const owner = new Map<string, number>();
        await Promise.all(
          queues.map(async (q, index) => {
            const shard = { index, count: 2 };
            for (let job = await q.claim(`w${index}`, { shard }); job; job = await q.claim(`w${index}`, { shard })) {
              assert.notEqual(owner.get(job.key) ?? index, 1 - index, 'a key stays with one shard');
              owner.set(job.key, index);
              for (const d of job.deliveries) seen.set(d.id, (seen.get(d.id) ?? 0) + 1);
              assert.ok(await q.complete(job));
            }
          }),
        );
        for (const id of ids) assert.equal(seen.get(id), 1, id);
      }));

    test('bad shard selectors are refused; count 1 is the whole queue', () =>
      withDb(kind.create, async (t) => {
        const q = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => T0 });
        await q.enqueue(delivery('x', 'o/r#1'));
        const bad: unknown[] = [
          { index: 0, count: 0 },
          { index: 2, count: 2 },
          { index: -1, count: 2 },
          { index: 0.5, count: 2 },
          { index: 0, count: Number.NaN },
          { index: 0, count: SHARD_SPACE + 1 },
          { index: '0', count: 2 },
          null,
          {},
        ];
        for (const shard of bad) await assert.rejects(q.claim('w', { shard: shard as ShardSelector }), RangeError, JSON.stringify(shard));
        assert.equal((await q.claim('w', { shard: { index: 0, count: 1 } }))?.key, 'pr:o/r#1');
      }));

    test('an empty claim is one read and no write transaction; a claim is pick+lease and one delivery update', () =>
      withDb(kind.create, async (t) => {
        const tr = traced(t.sdb);
        const q = new JobQueue(tr.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => T0 });
        assert.equal(await q.claim('w'), undefined);
        assert.equal(await q.claim('w', { shard: { index: 1, count: 4 } }), undefined);
        const empty = tr.take();
        assert.equal(empty.length, 2);
        assert.ok(empty.every((s) => s.startsWith('select')));
        await q.enqueue(delivery('x', 'o/r#1'));
        tr.take();
        const job = await q.claim('w');
        const stmts = tr.take().filter((s) => s !== 'begin immediate' && s !== 'commit');
        assert.deepEqual(
          stmts.map((s) => s.split(' ').slice(0, 3).join(' ')),
          ['select "job_key" from', 'update "queue_keys" set', 'update "deliveries" set'],
        );
        assert.ok(await q.complete(job!));
      }));

    test('the claim query is an index lookup on ix_queue_keys_active', () =>
      withDb(kind.create, async (t) => {
        const tr = traced(t.sdb);
        const q = new JobQueue(tr.sdb, { leaseMs: 60_000, maxAttempts: 3, now: () => T0 });
        await q.claim('w');
        await q.claim('w', { shard: { index: 3, count: 4 } });
        const picks = tr.statements.filter((s) => s.sql.startsWith('select'));
        assert.equal(picks.length, 2);
        for (const pick of picks) {
          if (kind.name === 'sqlite') {
            const details = await explainSqlite(t, pick.sql, pick.parameters);
            assert.match(details, /USING COVERING INDEX ix_queue_keys_active/, details);
          } else {
            const details = await explainPostgres(t, pick.sql, pick.parameters);
            assert.match(details, /ix_queue_keys_active/, details);
          }
        }
      }));
  });
}

async function explainSqlite(t: TestDb, text: string, params: readonly unknown[]): Promise<string> {
  const r = await t.sdb.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...params]));
  return r.rows.map((x) => x.detail).join('\n');
}

async function explainPostgres(t: TestDb, text: string, params: readonly unknown[]): Promise<string> {
  // Tiny test tables make a sequential scan cheapest; forbid it to check the index *applies*.
  return t.sdb.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const r = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${text}`, [...params]));
    return r.rows.map((x) => Object.values(x).join('')).join('\n');
  });
}
