import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pushTime, recordPushTime, recordPushTimes, type PushObservation } from '../../../src/service/store/push-times.js';
import { testDatabases } from '../helpers/databases.js';
import { traced } from '../queue/trace.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

for (const kind of testDatabases()) {
  describe(`push times on ${kind.name}`, { skip: kind.skip }, () => {
    test('earliest wins; a repeated or later observation costs a read and no write', async () => {
      const t = await kind.create();
      try {
        const tr = traced(t.sdb);
        await recordPushTimes(tr.sdb, [
          { repo: 'Acme/App', sha: A, pushedAt: 2000, source: 'pull_request.opened' },
          { repo: 'acme/app', sha: B, pushedAt: 5000, source: 'push' },
          { repo: 'acme/app', sha: A, pushedAt: 1500, source: 'push' },
        ]);
        assert.deepEqual(await pushTime(t.sdb, 'acme/APP', A), { pushedAt: 1500, source: 'push' });
        assert.deepEqual(await pushTime(t.sdb, 'acme/app', B), { pushedAt: 5000, source: 'push' });
        tr.take();
        await recordPushTime(tr.sdb, 'acme/app', A, 1500, 'pull_request.synchronize');
        await recordPushTime(tr.sdb, 'ACME/app', B, 9000, 'push');
        const stmts = tr.take();
        assert.equal(stmts.length, 2);
        assert.ok(stmts.every((s) => s.startsWith('select')), stmts.join('\n'));
        await recordPushTime(tr.sdb, 'acme/app', B, 4000, 'pull_request.synchronize');
        assert.deepEqual(await pushTime(t.sdb, 'acme/app', B), { pushedAt: 4000, source: 'pull_request.synchronize' });
      } finally {
        await t.cleanup();
      }
    });

    test('malformed observations are ignored, the rest recorded', async () => {
      const t = await kind.create();
      try {
        const bad = [
          null,
          { repo: 'o/r', sha: 'not-a-sha', pushedAt: 1, source: 'push' },
          { repo: 'o/r', sha: A.toUpperCase(), pushedAt: 1, source: 'push' },
          { repo: 'o/r', sha: A, pushedAt: Number.NaN, source: 'push' },
          { repo: 'o/r', sha: A, pushedAt: '1', source: 'push' },
          { repo: 7, sha: A, pushedAt: 1, source: 'push' },
          { repo: 'o/r', sha: A, pushedAt: 1, source: undefined },
        ] as unknown as PushObservation[];
        await recordPushTimes(t.sdb, [...bad, { repo: 'o/r', sha: B, pushedAt: 3, source: 'push' }]);
        assert.equal(await pushTime(t.sdb, 'o/r', A), undefined);
        assert.deepEqual(await pushTime(t.sdb, 'o/r', B), { pushedAt: 3, source: 'push' });
        await recordPushTimes(t.sdb, []);
        const n = await t.sdb.db.selectFrom('push_times').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 1);
      } finally {
        await t.cleanup();
      }
    });
  });
}
