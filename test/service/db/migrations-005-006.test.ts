import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { migrateToLatest, migrationNames } from '../../../src/service/db/migrations.js';
import { shardOf } from '../../../src/service/db/shard.js';
import { JobQueue } from '../../../src/service/queue/queue.js';
import { testDatabases, type TestDb } from '../helpers/databases.js';

const T0 = 1_700_000_000_000;

async function indexNames(t: TestDb, kind: 'sqlite' | 'postgres', table: string): Promise<string[]> {
  const r =
    kind === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(t.sdb.db)
      : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = ${table}`.execute(t.sdb.db);
  return r.rows.map((x) => x.name).sort();
}

async function plan(t: TestDb, kind: 'sqlite' | 'postgres', q: CompiledQuery): Promise<string> {
  if (kind === 'sqlite') {
    const r = await t.sdb.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => x.detail).join('\n');
  }
  return t.sdb.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const r = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]));
    return r.rows.map((x) => Object.values(x).join('')).join('\n');
  });
}

for (const kind of testDatabases()) {
  describe(`migrations 005-006 on ${kind.name}`, { skip: kind.skip }, () => {
    test('005 backfills the shard of existing keys; the old queue state keeps working', async () => {
      const t = await kind.create({ migrate: false });
      try {
        await migrateToLatest(t.sdb, { upTo: '004_queue_keys_has_work' });
        const db = t.sdb.db;
        const keys = Array.from({ length: 1200 }, (_, i) => (i % 5 === 0 ? `delivery:d${i}` : `pr:o/r#${i}`));
        for (let i = 0; i < keys.length; i += 300) {
          await db
            .insertInto('queue_keys')
            .values(keys.slice(i, i + 300).map((k) => ({ job_key: k, lease_owner: null, lease_expires_at: null, run_after: T0, has_work: 0 })))
            .execute();
        }
        // One key with work waiting from before the upgrade.
        await db.updateTable('queue_keys').set({ has_work: 1 }).where('job_key', '=', 'pr:o/r#7').execute();
        await db
          .insertInto('deliveries')
          .values({ id: 'old', event: 'issue_comment', action: null, payload: '{}', received_at: T0, status: 'pending', attempts: 0, lease_owner: null, lease_expires_at: null, run_after: T0, job_key: 'pr:o/r#7', pr_key: 'o/r#7', repo: 'o/r', last_error: null, completed_at: null })
          .execute();
        const r = await migrateToLatest(t.sdb);
        assert.deepEqual(r.results?.map((x) => x.migrationName), migrationNames(kind.name).filter((n) => n >= '005'));
        const rows = await db.selectFrom('queue_keys').select(['job_key', 'shard']).execute();
        assert.equal(rows.length, keys.length);
        for (const row of rows) assert.equal(row.shard, shardOf(row.job_key), row.job_key);
        const idx = await indexNames(t, kind.name, 'queue_keys');
        assert.ok(idx.includes('ix_queue_keys_active'));
        for (const gone of ['ix_queue_keys_has_work', 'ix_queue_keys_lease', 'ix_queue_keys_run_after']) assert.ok(!idx.includes(gone), gone);
        const q = new JobQueue(t.sdb, { leaseMs: 1000, maxAttempts: 3, now: () => T0 });
        const shard = { index: shardOf('pr:o/r#7') % 4, count: 4 };
        const other = { index: (shard.index + 1) % 4, count: 4 };
        assert.equal(await q.claim('w', { shard: other }), undefined);
        assert.deepEqual((await q.claim('w', { shard }))?.deliveries.map((d) => d.id), ['old']);
      } finally {
        await t.cleanup();
      }
    });

    test('006: the latest decision for (repo, head_sha) is read from ix_decisions_head', async () => {
      const t = await kind.create();
      try {
        const db = t.sdb.db;
        assert.ok((await indexNames(t, kind.name, 'decisions')).includes('ix_decisions_head'));
        const row = (sha: string, at: number) => ({ repo: 'o/r', pr_number: 1, head_sha: sha, policy: null, approvers: '[]', disapprovers: '[]', config_hash: null, state: 'success', description: 'd', decided_at: at, deliveries: '[]' });
        await db.insertInto('decisions').values([row('a'.repeat(40), T0), row('a'.repeat(40), T0 + 5), row('b'.repeat(40), T0 + 9)]).execute();
        await db.insertInto('decisions').values(row('a'.repeat(40), T0 + 5)).execute(); // same time: the later id wins
        const latest = db
          .selectFrom('decisions')
          .selectAll()
          .where('repo', '=', 'o/r')
          .where('head_sha', '=', 'a'.repeat(40))
          .orderBy('decided_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1);
        assert.deepEqual(await latest.select(['decided_at', 'id']).executeTakeFirst().then((r) => [r?.decided_at, r?.id]), [T0 + 5, 4]);
        const p = await plan(t, kind.name, latest.compile());
        assert.match(p, /ix_decisions_head/, p);
        assert.doesNotMatch(p, /TEMP B-TREE|Sort/, 'newest first straight from the index, no sort');
      } finally {
        await t.cleanup();
      }
    });

    test('migrateToLatest refuses an unknown target', async () => {
      const t = await kind.create({ migrate: false });
      try {
        await assert.rejects(migrateToLatest(t.sdb, { upTo: '999_nope' }), /unknown migration/);
        await assert.rejects(migrateToLatest(t.sdb, { upTo: '__proto__' }), /unknown migration/);
      } finally {
        await t.cleanup();
      }
    });
  });
}
