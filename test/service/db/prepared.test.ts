/** Hot queries compiled once: the same rows as Kysely's own query, on SQLite and PostgreSQL; misuse refused. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prepared } from '../../../src/service/db/prepared.js';
import { writeTransaction } from '../../../src/service/db/connect.js';
import { testDatabases } from '../helpers/databases.js';
import { traced } from '../queue/trace.js';

const byPr = prepared<{ repo: string; pr: number }, { id: number; pr_number: number; state: string }>(['repo', 'pr'], (db, v) =>
  db.selectFrom('decisions').select(['id', 'pr_number', 'state']).where('repo', '=', v.repo).where('pr_number', '=', v.pr).orderBy('id', 'desc').limit(2),
);

for (const kind of testDatabases()) {
  describe(`prepared queries (${kind.name})`, { skip: kind.skip }, () => {
    test("binds each call's values to the one compiled statement, also inside a transaction", async () => {
      const t = await kind.create();
      try {
        for (const [pr, state] of [[1, 'success'], [1, 'pending'], [2, 'error'], [1, 'failure']] as const) {
          await t.sdb.db.insertInto('decisions').values({ repo: 'acme/widgets', pr_number: pr, head_sha: 'a'.repeat(40), policy: null, approvers: '[]', disapprovers: '[]', config_hash: null, state, description: '', decided_at: 1, deliveries: '[]' }).execute();
        }
        const one = await byPr(t.sdb.db, { repo: 'acme/widgets', pr: 1 });
        assert.deepEqual(one.rows.map((r) => r.state), ['failure', 'pending'], 'the constant limit (2) is kept');
        assert.deepEqual((await byPr(t.sdb.db, { repo: 'acme/widgets', pr: 2 })).rows.map((r) => r.state), ['error']);
        assert.deepEqual((await byPr(t.sdb.db, { repo: 'other/repo', pr: 1 })).rows, []);
        // A hostile value is a value, never SQL.
        assert.deepEqual((await byPr(t.sdb.db, { repo: "x' or '1'='1", pr: 1 })).rows, []);
        const inTrx = await writeTransaction(t.sdb, (trx) => byPr(trx, { repo: 'acme/widgets', pr: 2 }));
        assert.deepEqual(inTrx.rows.map((r) => r.state), ['error']);
        // A database with plugins (the statement tracer) gets the query built as usual, so they see it.
        const tr = traced(t.sdb);
        assert.deepEqual((await byPr(tr.sdb.db, { repo: 'acme/widgets', pr: 2 })).rows.map((r) => r.state), ['error']);
        assert.equal(tr.take().length, 1);
      } finally {
        await t.cleanup();
      }
    });

    test('a shape that does not use each value exactly once as a parameter is refused when first compiled', async () => {
      const t = await kind.create();
      try {
        const unused = prepared<{ repo: string; pr: number }, unknown>(['repo', 'pr'], (db, v) => db.selectFrom('decisions').select('id').where('repo', '=', v.repo));
        await assert.rejects(async () => unused(t.sdb.db, { repo: 'a/b', pr: 1 }), /each of repo, pr must be used exactly once/);
        const twice = prepared<{ repo: string }, unknown>(['repo'], (db, v) => db.selectFrom('decisions').select('id').where('repo', '=', v.repo).where('policy', '=', v.repo));
        await assert.rejects(async () => twice(t.sdb.db, { repo: 'a/b' }), /must be used exactly once/);
      } finally {
        await t.cleanup();
      }
    });
  });
}
