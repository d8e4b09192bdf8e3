import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrateToLatest, migrationNames } from '../../src/service/db/migrations.js';
import { testDatabases } from './helpers/databases.js';

for (const kind of testDatabases()) {
  describe(`migrations on ${kind.name}`, { skip: kind.skip }, () => {
    test('apply from empty, then are a no-op; every table is usable', async () => {
      const t = await kind.create({ migrate: false });
      try {
        const first = await migrateToLatest(t.sdb);
        assert.deepEqual(first.results?.map((r) => [r.migrationName, r.status]), migrationNames(kind.name).map((n) => [n, 'Success']));
        const again = await migrateToLatest(t.sdb);
        assert.deepEqual(again.results, []);
        const db = t.sdb.db;
        await db.insertInto('users').values({ user_login: 'alice', user_token: 't', user_avatar: '', user_secret: 's' }).execute();
        const u = await db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
        assert.equal(u.user_scopes, '');
        assert.equal(typeof u.user_id, 'number');
        await assert.rejects(db.insertInto('users').values({ user_login: 'alice', user_token: '', user_avatar: '', user_secret: '' }).execute());
        await db
          .insertInto('repos')
          .values({ repo_user_id: u.user_id, repo_owner: 'o', repo_name: 'r', repo_slug: 'o/r', repo_link: '', repo_private: 1, repo_secret: 'x' })
          .execute();
        assert.equal((await db.selectFrom('repos').select('repo_org').executeTakeFirstOrThrow()).repo_org, 0);
        await db.insertInto('slack_urls').values({ host_name: 'h', user: '', url: 'https://hooks' }).execute();
        await assert.rejects(db.insertInto('slack_urls').values({ host_name: 'h', user: '', url: 'https://other' }).execute());
        await db.insertInto('push_times').values({ repo: 'o/r', sha: 'a'.repeat(40), pushed_at: 1_700_000_000_000, source: 'push' }).execute();
        const p = await db.selectFrom('push_times').selectAll().executeTakeFirstOrThrow();
        assert.equal(p.pushed_at, 1_700_000_000_000, 'BIGINT comes back as a number');
        const tables = kind.name === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
          : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db);
        const names = new Set(tables.rows.map((r) => r.name));
        for (const n of ['users', 'repos', 'orgs', 'limit_users', 'limit_orgs', 'slack_urls', 'installations', 'deliveries', 'queue_keys', 'push_times', 'decisions'])
          assert.ok(names.has(n), `table ${n}`);
      } finally {
        await t.cleanup();
      }
    });
  });
}

test('two processes migrating one SQLite file at the same time both succeed', async () => {
  const sqlite = testDatabases().find((k) => k.name === 'sqlite')!;
  const t = await sqlite.create({ migrate: false });
  try {
    const other = t.openAnother();
    const [a, b] = await Promise.all([migrateToLatest(t.sdb), migrateToLatest(other)]);
    const applied = [...(a.results ?? []), ...(b.results ?? [])].filter((r) => r.status === 'Success').map((r) => r.migrationName).sort();
    assert.deepEqual(applied, migrationNames('sqlite'), 'each migration applied exactly once');
  } finally {
    await t.cleanup();
  }
});
