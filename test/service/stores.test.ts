import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordPushTime, pushTime } from '../../src/service/store/push-times.js';
import { recordDecision, decisionsFor, latestDecision } from '../../src/service/store/decisions.js';
import { AccountStore } from '../../src/service/store/accounts.js';
import { purgeCheckRuns, saveCheckRun, storedCheckRun } from '../../src/service/store/check-runs.js';
import { createSecretBox, generateSecretKey, SecretDecryptionError } from '../../src/service/secrets.js';
import { createJobHandler } from '../../src/service/handle-job.js';
import { JobQueue } from '../../src/service/queue/queue.js';
import { testDatabases } from './helpers/databases.js';
import { testLogger } from './helpers/logger.js';

const SHA = 'a'.repeat(40);

for (const kind of testDatabases()) {
  describe(`stores on ${kind.name}`, { skip: kind.skip }, () => {
    test('push times: the earliest observation wins, case-insensitive repo, bad SHAs ignored', async () => {
      const t = await kind.create();
      try {
        await recordPushTime(t.sdb, 'Acme/App', SHA, 2000, 'pull_request.synchronize');
        await recordPushTime(t.sdb, 'acme/app', SHA, 1000, 'push');
        await recordPushTime(t.sdb, 'acme/app', SHA, 3000, 'push');
        assert.deepEqual(await pushTime(t.sdb, 'ACME/app', SHA), { pushedAt: 1000, source: 'push' });
        await recordPushTime(t.sdb, 'acme/app', 'not-a-sha', 1, 'push');
        assert.equal(await pushTime(t.sdb, 'acme/app', 'not-a-sha'), undefined);
        assert.equal(await pushTime(t.sdb, 'acme/other', SHA), undefined);
      } finally {
        await t.cleanup();
      }
    });

    test('decision log: newest first, lists round-trip', async () => {
      const t = await kind.create();
      try {
        const base = { repo: 'Acme/App', prNumber: 4, policy: 'default', configHash: 'h1', deliveries: ['d1'] };
        await recordDecision(t.sdb, { ...base, headSha: SHA, approvers: [], disapprovers: [], state: 'pending', description: 'no approvals received', decidedAt: 100 });
        await recordDecision(t.sdb, { ...base, headSha: SHA, approvers: ['alice', 'bob'], disapprovers: ['eve'], state: 'success', description: 'approved by alice,bob', decidedAt: 200 });
        await recordDecision(t.sdb, { ...base, prNumber: 5, headSha: SHA, approvers: [], disapprovers: [], state: 'pending', description: 'x', decidedAt: 300 });
        const latest = await latestDecision(t.sdb, 'acme/app', 4);
        assert.deepEqual(latest, { ...base, repo: 'acme/app', headSha: SHA, approvers: ['alice', 'bob'], disapprovers: ['eve'], state: 'success', description: 'approved by alice,bob', decidedAt: 200 });
        assert.equal((await decisionsFor(t.sdb, 'acme/app', 4)).length, 2);
        assert.equal(await latestDecision(t.sdb, 'acme/app', 99), undefined);
      } finally {
        await t.cleanup();
      }
    });

    test('accounts: secrets encrypted at rest, bound to their row, readable with the key only', async () => {
      const t = await kind.create();
      try {
        const key = generateSecretKey();
        const accounts = new AccountStore(t.sdb, createSecretBox(key));
        const uid = await accounts.upsertUser({ login: 'Alice', token: 'gho_secret_token', secret: 'user-secret' });
        assert.equal(await accounts.upsertUser({ login: 'Alice', token: 'gho_rotated', secret: 'user-secret' }), uid, 'upsert keeps the id');
        assert.deepEqual(await accounts.userToken(uid), { login: 'Alice', token: 'gho_rotated' });
        await accounts.upsertRepo({ userId: uid, owner: 'Acme', name: 'App', hookSecret: 'hook-1' });
        await accounts.upsertRepo({ userId: uid, owner: 'Acme', name: 'Other', hookSecret: 'hook-2' });
        await accounts.upsertOrg({ userId: uid, owner: 'Acme', hookSecret: 'org-hook' });
        assert.equal((await accounts.findRepo('acme/app'))?.hookSecret, 'hook-1');
        assert.deepEqual(await accounts.hookSecretsFor('ACME/APP', 'acme'), ['hook-1', 'org-hook']);
        assert.deepEqual(await accounts.hookSecretsFor('nobody/none', 'nobody'), []);
        const raw = await t.sdb.db.selectFrom('users').select(['user_token', 'user_secret']).executeTakeFirstOrThrow();
        assert.ok(!raw.user_token.includes('gho_') && raw.user_token.startsWith('v1:'));
        // A ciphertext moved to another row does not decrypt.
        const app = await t.sdb.db.selectFrom('repos').select('repo_secret').where('repo_slug', '=', 'Acme/App').executeTakeFirstOrThrow();
        await t.sdb.db.updateTable('repos').set({ repo_secret: app.repo_secret }).where('repo_slug', '=', 'Acme/Other').execute();
        await assert.rejects(accounts.findRepo('acme/other'), SecretDecryptionError);
        const wrongKey = new AccountStore(t.sdb, createSecretBox(generateSecretKey()));
        await assert.rejects(wrongKey.findRepo('acme/app'), SecretDecryptionError);
      } finally {
        await t.cleanup();
      }
    });

    test('the default job handler records installations (push times are the pipeline\'s), then calls the evaluation seam once', async () => {
      const t = await kind.create();
      try {
        const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
        const repo = { full_name: 'acme/app' };
        const sync = JSON.stringify({ action: 'synchronize', number: 3, pull_request: { number: 3, head: { sha: SHA } }, repository: repo });
        await queue.enqueue({ id: 's1', event: 'pull_request', action: 'synchronize', payload: sync, prKey: 'acme/app#3', repo: 'acme/app', receivedAt: 5000 });
        await queue.enqueue({ id: 'c1', event: 'issue_comment', action: 'created', payload: '{"action":"created"}', prKey: 'acme/app#3', repo: 'acme/app', receivedAt: 6000 });
        await queue.enqueue({ id: 'bad', event: 'issue_comment', action: 'created', payload: 'not json', prKey: 'acme/app#3', repo: 'acme/app', receivedAt: 7000 });
        const inst = JSON.stringify({ action: 'created', installation: { id: 77, account: { login: 'acme', type: 'Organization' } } });
        await queue.enqueue({ id: 'i1', event: 'installation', action: 'created', payload: inst, receivedAt: 8000 });
        const evaluated: string[][] = [];
        const handler = createJobHandler({ sdb: t.sdb, evaluate: async (_job, ds) => void evaluated.push(ds.map((d) => d.id)) });
        for (let job = await queue.claim('w'); job; job = await queue.claim('w')) {
          await handler(job, { signal: new AbortController().signal, logger: testLogger });
          await queue.complete(job);
        }
        assert.deepEqual(evaluated, [['s1', 'c1'], ['i1']]);
        assert.equal(await pushTime(t.sdb, 'acme/app', SHA), undefined, 'no receipt-time push time: the pipeline records it on GitHub\'s clock');
        const installation = await t.sdb.db.selectFrom('installations').selectAll().executeTakeFirstOrThrow();
        assert.deepEqual(installation, { installation_id: 77, account_login: 'acme', account_type: 'Organization', suspended: 0, updated_at: 8000 });
      } finally {
        await t.cleanup();
      }
    });
  });
}

for (const kind of testDatabases()) {
  describe(`check-run memory on ${kind.name}`, { skip: kind.skip }, () => {
    test('purgeCheckRuns deletes the runs of heads not updated within the retention, and only those', async () => {
      const t = await kind.create();
      try {
        const day = 24 * 3600_000;
        const now = 100 * day;
        await saveCheckRun(t.sdb, { repo: 'Acme/App', headSha: SHA, name: 'checks-out', runId: 1, decision: 'd1', at: now - 40 * day });
        await saveCheckRun(t.sdb, { repo: 'acme/app', headSha: 'b'.repeat(40), name: 'checks-out', runId: 2, decision: 'd2', at: now - 2 * day });
        assert.equal(await purgeCheckRuns(t.sdb, 30 * day, now), 1);
        assert.equal(await storedCheckRun(t.sdb, 'acme/app', SHA, 'checks-out'), undefined);
        assert.deepEqual(await storedCheckRun(t.sdb, 'acme/app', 'b'.repeat(40), 'checks-out'), { runId: 2, decision: 'd2' });
        assert.equal(await purgeCheckRuns(t.sdb, 30 * day, now), 0, 'nothing more to purge');
      } finally {
        await t.cleanup();
      }
    });
  });
}
