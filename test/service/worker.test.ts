/**
 * The worker loop: a busy slot completes a job and claims the next one in one transaction; stopping in the
 * middle of a backlog leaves nothing leased (a job claimed with the last completion still runs), and every
 * delivery is handled exactly once. On each database.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue } from '../../src/service/queue/queue.js';
import { Worker } from '../../src/service/queue/worker.js';
import { testDatabases } from './helpers/databases.js';
import { testLogger } from './helpers/logger.js';

for (const kind of testDatabases()) {
  describe(`worker on ${kind.name}`, { skip: kind.skip }, () => {
    test('a backlog is worked through by chained complete+claim; stop() mid-backlog leaves no job running', async () => {
      const t = await kind.create();
      try {
        const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
        const ids = Array.from({ length: 40 }, (_, i) => `d${i}`);
        await queue.enqueueMany(ids.map((id, i) => ({ id, event: 'issue_comment', payload: '{}', prKey: `o/r#${i}`, repo: 'o/r' })));
        const seen = new Map<string, number>();
        let claims = 0;
        let chained = 0;
        // Count how jobs reach the slot: a plain claim, or the claim that rides on a completion.
        const counting = Object.create(queue) as JobQueue;
        counting.claim = async (...a: Parameters<JobQueue['claim']>) => {
          const job = await queue.claim(...a);
          if (job) claims++;
          return job;
        };
        counting.completeAndClaim = async (...a: Parameters<JobQueue['completeAndClaim']>) => {
          const r = await queue.completeAndClaim(...a);
          if (r.next) chained++;
          return r;
        };
        let worker: Worker | undefined;
        let stopping: Promise<void> | undefined;
        worker = new Worker({
          queue: counting,
          logger: testLogger,
          id: 'w',
          concurrency: 1,
          leaseMs: 60_000,
          pollMs: 5,
          handler: async (job) => {
            for (const d of job.deliveries) seen.set(d.id, (seen.get(d.id) ?? 0) + 1);
            if (seen.size === 15) stopping = worker?.stop();
          },
        });
        worker.start();
        while (stopping === undefined) await new Promise((r) => setTimeout(r, 5));
        await stopping;
        const depth = await queue.depth();
        assert.equal(depth.running, 0, 'no job left leased by the stopped worker');
        assert.equal(depth.done, seen.size);
        assert.equal(depth.pending, ids.length - seen.size);
        assert.ok(chained >= 10, `jobs chained onto completions: ${chained} (plain claims ${claims})`);
        for (const [id, n] of seen) assert.equal(n, 1, `${id} handled once`);
        // A new worker finishes the rest, each delivery once.
        worker = new Worker({ queue, logger: testLogger, id: 'w2', concurrency: 2, leaseMs: 60_000, pollMs: 5, handler: async (job) => {
          for (const d of job.deliveries) seen.set(d.id, (seen.get(d.id) ?? 0) + 1);
        } });
        worker.start();
        while ((await queue.depth()).done < ids.length) await new Promise((r) => setTimeout(r, 10));
        await worker.stop();
        for (const id of ids) assert.equal(seen.get(id), 1, `${id} handled exactly once`);
      } finally {
        await t.cleanup();
      }
    });
  });
}
