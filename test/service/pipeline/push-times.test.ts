import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createJobHandler } from '../../../src/service/handle-job.js';
import { createPipelineHandler } from '../../../src/service/pipeline/handler.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { JobQueue } from '../../../src/service/queue/queue.js';
import { pushTime } from '../../../src/service/store/push-times.js';
import { testDatabases } from '../helpers/databases.js';
import { testLogger } from '../helpers/logger.js';

const SHA = 'b'.repeat(40);
const GITHUB_PUSH = Date.parse('2026-03-01T12:00:00Z');

for (const kind of testDatabases()) {
  describe(`push times on ${kind.name}`, { skip: kind.skip }, () => {
    test('a service clock behind GitHub\'s does not move the cutoff: push times are GitHub\'s, recorded once', async () => {
      const t = await kind.create();
      try {
        const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
        // The service clock runs 10 minutes behind GitHub's: receipt times are earlier than the pushes.
        const behind = GITHUB_PUSH - 600_000;
        const sync = { action: 'synchronize', number: 3, pull_request: { number: 3, state: 'open', updated_at: '2026-03-01T12:00:00Z', head: { sha: SHA } }, repository: { full_name: 'acme/app' } };
        await queue.enqueue({ id: 's1', event: 'pull_request', action: 'synchronize', payload: JSON.stringify(sync), prKey: 'acme/app#3', repo: 'acme/app', receivedAt: behind });
        const other = 'c'.repeat(40);
        const push = { ref: 'refs/heads/f', after: other, deleted: false, repository: { full_name: 'acme/app', pushed_at: GITHUB_PUSH / 1000 + 5 } };
        await queue.enqueue({ id: 'p1', event: 'push', action: null, payload: JSON.stringify(push), prKey: null, repo: 'acme/app', receivedAt: behind });
        // A push delivery without GitHub's time falls back to the receipt time (nothing better is known).
        const bare = { ref: 'refs/heads/g', after: 'd'.repeat(40), repository: { full_name: 'acme/app' } };
        await queue.enqueue({ id: 'p2', event: 'push', action: null, payload: JSON.stringify(bare), prKey: null, repo: 'acme/app', receivedAt: behind });
        const pipeline = createPipelineHandler({
          sdb: t.sdb,
          access: { forRepo: async () => undefined }, // not enabled: only the bookkeeping runs
          membership: new MembershipCache({ ttlMs: 1000 }),
          env: { brandingName: 'checks-out' },
          brandingShort: 'checks-out',
          statusContext: 'approvals/checks-out',
          checkRunName: 'checks-out',
          publicUrl: 'http://localhost',
          logger: testLogger,
          now: () => behind,
        });
        const handler = createJobHandler({ sdb: t.sdb, evaluate: pipeline });
        for (let job = await queue.claim('w'); job; job = await queue.claim('w')) {
          await handler(job, { signal: new AbortController().signal, logger: testLogger });
          await queue.complete(job);
        }
        assert.deepEqual(await pushTime(t.sdb, 'acme/app', SHA), { pushedAt: GITHUB_PUSH, source: 'pull_request.synchronize' });
        assert.deepEqual(await pushTime(t.sdb, 'acme/app', other), { pushedAt: GITHUB_PUSH + 5000, source: 'push' });
        assert.deepEqual(await pushTime(t.sdb, 'acme/app', 'd'.repeat(40)), { pushedAt: behind, source: 'push' });
      } finally {
        await t.cleanup();
      }
    });
  });
}
