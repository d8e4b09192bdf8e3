import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from '@octokit/webhooks-methods';
import { buildIntakeApp } from '../../src/service/intake/app.js';
import { payloadSubject } from '../../src/service/intake/pr-key.js';
import { triageDelivery } from '../../src/service/intake/triage.js';
import { JobQueue } from '../../src/service/queue/queue.js';
import { createServiceMetrics } from '../../src/service/metrics.js';
import { AccountStore } from '../../src/service/store/accounts.js';
import { createSecretBox, generateSecretKey } from '../../src/service/secrets.js';
import { testDatabases, type TestDb } from './helpers/databases.js';
import { testLogger } from './helpers/logger.js';

const APP_SECRET = 'app-webhook-secret';

function commentPayload(repo = 'Octo/Repo', number = 12) {
  return {
    action: 'created',
    issue: { number, state: 'open', pull_request: { url: `https://api.github.com/repos/${repo}/pulls/${number}` } },
    comment: { id: 1, body: 'I approve', user: { login: 'alice' } },
    repository: { full_name: repo, owner: { login: repo.split('/')[0] } },
    organization: { login: repo.split('/')[0] },
  };
}

async function setup(t: TestDb, secrets?: (s: ReturnType<typeof payloadSubject>) => Promise<string[]>, appWebhookSecret?: string) {
  const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
  const metrics = createServiceMetrics();
  let woken = 0;
  let healthy = true;
  const app = await buildIntakeApp({
    queue,
    logger: testLogger,
    metrics,
    webhookSecrets: secrets ?? (async () => [APP_SECRET]),
    appWebhookSecret,
    onQueued: () => woken++,
    checkHealth: async () => {
      if (!healthy) throw new Error('db down');
      await t.sdb.db.selectFrom('deliveries').select('id').limit(1).execute();
    },
  });
  return { app, queue, metrics, woken: () => woken, setHealthy: (h: boolean) => (healthy = h) };
}

async function post(app: Awaited<ReturnType<typeof buildIntakeApp>>, opts: { event?: string; delivery?: string; body: string; signature?: string | null; contentType?: string }) {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (opts.event !== undefined) headers['x-github-event'] = opts.event;
  if (opts.delivery !== undefined) headers['x-github-delivery'] = opts.delivery;
  if (opts.signature !== null && opts.signature !== undefined) headers['x-hub-signature-256'] = opts.signature;
  return app.inject({ method: 'POST', url: '/hook', headers, payload: opts.body });
}

async function rowCounts(t: TestDb) {
  const d = await t.sdb.db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const k = await t.sdb.db.selectFrom('queue_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { deliveries: Number(d.n), keys: Number(k.n) };
}

test('payload subject: PR keys per event, hostile shapes ignored', () => {
  assert.deepEqual(payloadSubject('issue_comment', commentPayload()), { repo: 'Octo/Repo', prNumber: 12, prKey: 'octo/repo#12', owner: 'Octo' });
  assert.equal(payloadSubject('issue_comment', { issue: { number: 3 }, repository: { full_name: 'o/r' } }).prKey, null, 'plain issues are not PRs');
  assert.equal(payloadSubject('pull_request', { number: 5, pull_request: { number: 5 }, repository: { full_name: 'o/r' } }).prKey, 'o/r#5');
  assert.equal(payloadSubject('check_suite', { check_suite: { pull_requests: [{ number: 1 }, { number: 2 }] }, repository: { full_name: 'o/r' } }).prKey, null);
  assert.equal(payloadSubject('check_run', { check_run: { pull_requests: [{ number: 9 }] }, repository: { full_name: 'o/r' } }).prKey, 'o/r#9');
  assert.equal(payloadSubject('pull_request', { pull_request: { number: '5' }, repository: { full_name: 'o/r' } }).prKey, null);
  assert.equal(payloadSubject('pull_request', { pull_request: { number: 5 }, repository: { full_name: '../../etc' } }).repo, null);
  assert.deepEqual(payloadSubject('push', null), { repo: null, prNumber: null, prKey: null, owner: null });
  assert.equal(payloadSubject('pull_request', JSON.parse('{"__proto__":{"number":1},"repository":{"full_name":"o/r"}}')).prKey, null);
});

for (const kind of testDatabases()) {
  describe(`intake on ${kind.name}`, { skip: kind.skip }, () => {
    test('a signed delivery is persisted byte for byte and answered 202; a duplicate id is dropped', async () => {
      const t = await kind.create();
      try {
        const { app, queue, woken, metrics } = await setup(t);
        const body = JSON.stringify(commentPayload(), null, 2) + '\n';
        const res = await post(app, { event: 'issue_comment', delivery: 'd-1', body, signature: await sign(APP_SECRET, body) });
        assert.equal(res.statusCode, 202);
        assert.deepEqual(res.json(), { status: 'queued', delivery: 'd-1' });
        assert.equal(woken(), 1);
        const row = await t.sdb.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.payload, body);
        assert.equal(row.event, 'issue_comment');
        assert.equal(row.action, 'created');
        assert.equal(row.pr_key, 'octo/repo#12');
        assert.equal(row.repo, 'Octo/Repo');
        assert.equal(row.status, 'pending');
        const dup = await post(app, { event: 'issue_comment', delivery: 'd-1', body, signature: await sign(APP_SECRET, body) });
        assert.equal(dup.statusCode, 200);
        assert.deepEqual(dup.json(), { status: 'duplicate', delivery: 'd-1' });
        assert.deepEqual(await rowCounts(t), { deliveries: 1, keys: 1 });
        const job = await queue.claim('w');
        assert.equal(job?.deliveries.length, 1);
        assert.equal(metrics.deliveries.get({ event: 'issue_comment', outcome: 'queued' }), 1);
        assert.equal(metrics.deliveries.get({ event: 'issue_comment', outcome: 'duplicate' }), 1);
        await app.close();
      } finally {
        await t.cleanup();
      }
    });

    test('bad or missing signatures are 401 and nothing is stored', async () => {
      const t = await kind.create();
      try {
        const { app, woken } = await setup(t);
        const body = JSON.stringify(commentPayload());
        const cases: (string | null)[] = [
          await sign('wrong-secret', body),
          await sign(APP_SECRET, body + ' '),
          'sha256=' + '0'.repeat(64),
          'sha1=' + '0'.repeat(40),
          'sha256=zz',
          'garbage',
          null,
        ];
        for (const [i, signature] of cases.entries()) {
          const res = await post(app, { event: 'issue_comment', delivery: `bad-${i}`, body, signature });
          assert.equal(res.statusCode, 401, `signature ${signature}`);
        }
        const missing = await post(app, { event: 'issue_comment', delivery: 'm', body, signature: null });
        assert.deepEqual(missing.json(), { error: 'missing X-Hub-Signature-256' });
        assert.deepEqual(await rowCounts(t), { deliveries: 0, keys: 0 });
        assert.equal(woken(), 0);
        await app.close();
      } finally {
        await t.cleanup();
      }
    });

    test('malformed requests: missing headers, bad delivery id, non-JSON, ping and unknown events', async () => {
      const t = await kind.create();
      try {
        const { app } = await setup(t);
        const body = JSON.stringify(commentPayload());
        const sig = await sign(APP_SECRET, body);
        assert.equal((await post(app, { delivery: 'x', body, signature: sig })).statusCode, 400);
        assert.equal((await post(app, { event: 'issue_comment', body, signature: sig })).statusCode, 400);
        assert.equal((await post(app, { event: 'issue_comment', delivery: 'a b', body, signature: sig })).statusCode, 400);
        assert.equal((await post(app, { event: 'issue_comment', delivery: 'x'.repeat(200), body, signature: sig })).statusCode, 400);
        for (const bad of ['not json', '[1,2]', '"str"', '']) {
          const res = await post(app, { event: 'issue_comment', delivery: 'nj', body: bad, signature: await sign(APP_SECRET, bad || 'x') });
          assert.equal(res.statusCode, 400, `body ${JSON.stringify(bad)}`);
        }
        const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
        const pong = await post(app, { event: 'ping', delivery: 'p1', body: ping, signature: await sign(APP_SECRET, ping) });
        assert.equal(pong.statusCode, 200);
        assert.equal(pong.body, 'pong');
        const unknown = await post(app, { event: 'star', delivery: 's1', body: ping, signature: await sign(APP_SECRET, ping) });
        assert.equal(unknown.statusCode, 200);
        const forgedPing = await post(app, { event: 'ping', delivery: 'p2', body: ping, signature: await sign('nope', ping) });
        assert.equal(forgedPing.statusCode, 401);
        assert.deepEqual(await rowCounts(t), { deliveries: 0, keys: 0 });
        await app.close();
      } finally {
        await t.cleanup();
      }
    });

    test('form-encoded deliveries are verified on the raw form body', async () => {
      const t = await kind.create();
      try {
        const { app } = await setup(t);
        const json = JSON.stringify(commentPayload('o/r', 3));
        const body = new URLSearchParams({ payload: json }).toString();
        const res = await post(app, { event: 'issue_comment', delivery: 'f1', body, signature: await sign(APP_SECRET, body), contentType: 'application/x-www-form-urlencoded' });
        assert.equal(res.statusCode, 202);
        const row = await t.sdb.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.payload, json);
        assert.equal(row.pr_key, 'o/r#3');
        await app.close();
      } finally {
        await t.cleanup();
      }
    });

    test('token mode: the repository hook secret, else the organisation hook secret; unknown repos are 401', async () => {
      const t = await kind.create();
      try {
        const accounts = new AccountStore(t.sdb, createSecretBox(generateSecretKey()));
        const uid = await accounts.upsertUser({ login: 'enabler', token: 'gho_x', secret: 'u' });
        await accounts.upsertRepo({ userId: uid, owner: 'Octo', name: 'Repo', hookSecret: 'repo-secret' });
        await accounts.upsertOrg({ userId: uid, owner: 'acme', hookSecret: 'org-secret' });
        const { app } = await setup(t, (s) => accounts.hookSecretsFor(s.repo, s.owner));
        const b1 = JSON.stringify(commentPayload('octo/repo', 1));
        assert.equal((await post(app, { event: 'issue_comment', delivery: 't1', body: b1, signature: await sign('repo-secret', b1) })).statusCode, 202);
        assert.equal((await post(app, { event: 'issue_comment', delivery: 't2', body: b1, signature: await sign('org-secret', b1) })).statusCode, 401);
        const b2 = JSON.stringify(commentPayload('acme/widgets', 2));
        assert.equal((await post(app, { event: 'issue_comment', delivery: 't3', body: b2, signature: await sign('org-secret', b2) })).statusCode, 202);
        assert.equal((await post(app, { event: 'issue_comment', delivery: 't4', body: b2, signature: await sign('repo-secret', b2) })).statusCode, 401);
        const b3 = JSON.stringify(commentPayload('stranger/repo', 2));
        assert.equal((await post(app, { event: 'issue_comment', delivery: 't5', body: b3, signature: await sign('repo-secret', b3) })).statusCode, 401);
        assert.equal((await rowCounts(t)).deliveries, 2);
        const stored = await t.sdb.db.selectFrom('repos').select('repo_secret').executeTakeFirstOrThrow();
        assert.ok(!stored.repo_secret.includes('repo-secret'), 'hook secrets are encrypted at rest');
        await app.close();
      } finally {
        await t.cleanup();
      }
    });

    test('healthz and metrics', async () => {
      const t = await kind.create();
      try {
        const { app, setHealthy } = await setup(t);
        const body = JSON.stringify(commentPayload());
        await post(app, { event: 'issue_comment', delivery: 'h1', body, signature: await sign(APP_SECRET, body) });
        await post(app, { event: 'issue_comment', delivery: 'h2', body, signature: 'sha256=00' });
        const ok = await app.inject({ method: 'GET', url: '/healthz' });
        assert.equal(ok.statusCode, 200);
        assert.deepEqual(ok.json(), { status: 'ok' });
        setHealthy(false);
        assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503);
        const m = await app.inject({ method: 'GET', url: '/metrics' });
        assert.equal(m.statusCode, 200);
        assert.match(m.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
        assert.match(m.body, /^checksout_webhook_deliveries_total\{event="issue_comment",outcome="queued"\} 1$/m);
        assert.match(m.body, /^checksout_webhook_deliveries_total\{event="issue_comment",outcome="unauthorized"\} 1$/m);
        assert.match(m.body, /^checksout_queue_jobs\{status="pending"\} 1$/m);
        assert.match(m.body, /^# TYPE checksout_job_duration_seconds histogram$/m);
        await app.close();
      } finally {
        await t.cleanup();
      }
    });
  });
}

test('request log: one line per request, 4xx at warn, quiet user agents skipped, no query strings or signatures', async () => {
  const { pino } = await import('pino');
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  const kind = testDatabases()[0];
  const t = await kind.create();
  try {
    const app = await buildIntakeApp({
      queue: new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 }),
      logger,
      metrics: createServiceMetrics(),
      webhookSecrets: async () => [APP_SECRET],
      quietUserAgents: ['kube-probe'],
    });
    await app.inject({ method: 'GET', url: '/healthz', headers: { 'user-agent': 'kube-probe/1.29' } });
    const body = '{}';
    await app.inject({
      method: 'POST',
      url: '/hook?access_token=SECRET123',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'q1', 'x-hub-signature-256': 'sha256=deadbeef', 'user-agent': 'GitHub-Hookshot/1' },
      payload: body,
    });
    await app.close();
    const requests = lines.filter((l) => l.msg === 'request');
    assert.equal(requests.length, 1);
    assert.equal(requests[0].level, 40);
    assert.equal(requests[0].status, 401);
    assert.equal(requests[0].url, '/hook');
    const all = JSON.stringify(lines);
    assert.ok(!all.includes('SECRET123'), 'query-string tokens are not logged');
    assert.ok(!all.includes('deadbeef'), 'signatures are not logged');
  } finally {
    await t.cleanup();
  }
});

test('App mode: the signature is checked before the body is parsed or any secret looked up', async () => {
  const kind = testDatabases()[0];
  const t = await kind.create();
  try {
    let lookups = 0;
    const { app } = await setup(t, async () => {
      lookups++;
      return [];
    }, APP_SECRET);
    const junk = '{'.repeat(1000);
    const forged = await post(app, { event: 'issue_comment', delivery: 'a1', body: junk, signature: await sign('nope', junk) });
    assert.equal(forged.statusCode, 401, 'unauthenticated garbage is refused before parsing (not 400)');
    const signedJunk = await post(app, { event: 'issue_comment', delivery: 'a2', body: junk, signature: await sign(APP_SECRET, junk) });
    assert.equal(signedJunk.statusCode, 400);
    const body = JSON.stringify(commentPayload());
    assert.equal((await post(app, { event: 'issue_comment', delivery: 'a3', body, signature: await sign(APP_SECRET, body) })).statusCode, 202);
    assert.equal(lookups, 0);
    assert.equal((await rowCounts(t)).deliveries, 1);
    await app.close();
  } finally {
    await t.cleanup();
  }
});

test('App mode: our check runs\' echoes are answered from their leading action, after the signature, and never queued', async () => {
  const t = await testDatabases()[0].create();
  try {
    const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
    const options = { brandingShort: 'checks-out', statusContext: 'approvals/checks-out', checkRunName: 'checks-out' };
    let triaged = 0;
    const app = await buildIntakeApp({
      queue,
      logger: testLogger,
      metrics: createServiceMetrics(),
      webhookSecrets: async () => [],
      appWebhookSecret: APP_SECRET,
      triage: (event, payload) => {
        triaged++;
        return triageDelivery(event, payload, options);
      },
    });
    const run = (action: string) => JSON.stringify({ action, check_run: { name: 'checks-out', head_sha: 'a'.repeat(40), pull_requests: [{ number: 3 }] }, repository: { full_name: 'acme/widgets' } });
    const send = async (delivery: string, event: string, body: string, secret = APP_SECRET) => post(app, { event, delivery, body, signature: await sign(secret, body) });

    const echo = await send('e1', 'check_run', run('completed'));
    assert.equal(echo.statusCode, 200);
    assert.equal(echo.json().status, 'ignored');
    // Not even parsed: a signed body that is JSON only in its first bytes is answered the same way.
    assert.equal((await send('e2', 'check_suite', '{"action":"completed", not json')).json().status, 'ignored');
    assert.equal(triaged, 0, 'answered before the payload is parsed and triaged');
    // The signature still comes first.
    assert.equal((await send('e3', 'check_run', run('completed'), 'wrong')).statusCode, 401);
    // A re-run request is parsed, triaged and queued.
    const rerun = await send('e4', 'check_run', run('rerequested'));
    assert.equal(rerun.statusCode, 202);
    assert.equal(triaged, 1);
    assert.deepEqual(await rowCounts(t), { deliveries: 1, keys: 1 });
    await app.close();
  } finally {
    await t.cleanup();
  }
});
