/** The echo of our own commit status, recognised from the decision log without asking GitHub anything. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createJobHandler } from '../../../src/service/handle-job.js';
import { createPipelineHandler } from '../../../src/service/pipeline/handler.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { JobQueue } from '../../../src/service/queue/queue.js';
import { latestDecisionForHead, recordDecision, type Decision } from '../../../src/service/store/decisions.js';
import { testDatabases } from '../helpers/databases.js';
import { testLogger } from '../helpers/logger.js';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const CONTEXT = 'approvals/checks-out';

function decision(extra: Partial<Decision>): Decision {
  return {
    repo: 'Acme/App', prNumber: 4, headSha: SHA, policy: null, approvers: [], disapprovers: [], configHash: null,
    state: 'pending', description: 'no approvals received', decidedAt: 100, deliveries: [], ...extra,
  };
}

for (const kind of testDatabases()) {
  describe(`status echoes on ${kind.name}`, { skip: kind.skip }, () => {
    test('latestDecisionForHead: the newest decision on a commit in a repository, whichever PR it was for', async () => {
      const t = await kind.create();
      try {
        assert.equal(await latestDecisionForHead(t.sdb, 'acme/app', SHA), undefined);
        await recordDecision(t.sdb, decision({ decidedAt: 100 }));
        await recordDecision(t.sdb, decision({ prNumber: 9, decidedAt: 300, state: 'success', description: 'approved by bob' }));
        await recordDecision(t.sdb, decision({ decidedAt: 200, state: 'failure', description: 'blocked' }));
        await recordDecision(t.sdb, decision({ headSha: OTHER, decidedAt: 900 }));
        await recordDecision(t.sdb, decision({ repo: 'acme/other', decidedAt: 999 }));
        const latest = await latestDecisionForHead(t.sdb, 'ACME/app', SHA);
        assert.deepEqual([latest?.prNumber, latest?.state, latest?.description, latest?.repo], [9, 'success', 'approved by bob', 'acme/app']);
        // Same time: the later row wins.
        await recordDecision(t.sdb, decision({ decidedAt: 300, state: 'error', description: 'later' }));
        assert.equal((await latestDecisionForHead(t.sdb, 'acme/app', SHA))?.description, 'later');
        assert.equal(await latestDecisionForHead(t.sdb, 'acme/app', 'c'.repeat(40)), undefined);
        assert.equal(await latestDecisionForHead(t.sdb, "acme/app' or 1=1 --", SHA), undefined);
      } finally {
        await t.cleanup();
      }
    });

    test('a status repeating the latest decision asks GitHub nothing; one that differs (forged or stale) is looked up', async () => {
      const t = await kind.create();
      try {
        await recordDecision(t.sdb, decision({ decidedAt: 100 }));
        await recordDecision(t.sdb, decision({ decidedAt: 200, state: 'success', description: 'approved by bob' }));
        const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
        const asked: string[] = [];
        const pipeline = createPipelineHandler({
          sdb: t.sdb,
          // Every GitHub call starts by asking how to reach the repository: recording that is enough here.
          access: { forRepo: async (repo) => void asked.push(repo) },
          membership: new MembershipCache({ ttlMs: 1000 }),
          env: { brandingName: 'checks-out' },
          brandingShort: 'checks-out',
          statusContext: CONTEXT,
          checkRunName: 'checks-out',
          publicUrl: 'http://localhost',
          logger: testLogger,
        });
        const handler = createJobHandler({ sdb: t.sdb, evaluate: pipeline });
        const status = async (id: string, state: string, description: string, sha = SHA) => {
          const payload = { context: CONTEXT, sha, state, description, repository: { full_name: 'acme/App' } };
          await queue.enqueue({ id, event: 'status', action: null, payload: JSON.stringify(payload), prKey: null, repo: 'acme/App', receivedAt: 1 });
          const job = await queue.claim('w');
          assert.ok(job);
          await handler(job, { signal: new AbortController().signal, logger: testLogger });
          await queue.complete(job);
        };
        await status('echo', 'success', 'approved by bob');
        assert.deepEqual(asked, [], 'the echo of the latest decision');
        await status('stale', 'pending', 'no approvals received');
        assert.deepEqual(asked, ['acme/App'], 'a replay of an older decision is checked');
        await status('forged', 'success', 'approved by everyone');
        await status('unknown-commit', 'success', 'approved by bob', OTHER);
        assert.equal(asked.length, 3);
      } finally {
        await t.cleanup();
      }
    });
  });
}
