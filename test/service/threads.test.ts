/**
 * Workers in worker threads (WORKER_THREADS): the real pipeline evaluating a PR on the local GitHub from
 * threads, their metrics merged into the main thread's /metrics, and a thread that dies mid-job replaced,
 * its job run again once the lease expires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { createLocalGitHub } from '../../src/local-github/server.js';
import { loadConfig } from '../../src/service/config/load.js';
import { DEMO_APP_NAME, DEMO_MAINTAINER, DEMO_REPO, seedDemoWorld } from '../../src/service/demo/demo-world.js';
import { generateSecretKey } from '../../src/service/secrets.js';
import { startService } from '../../src/service/server.js';
import { pipelineThreads, type EvaluatedEvent } from '../../src/service/threads/pipeline-thread.js';
import { testLogger } from './helpers/logger.js';
import { offlineConfig } from './helpers/offline-config.js';

function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      const v = await get();
      if (v !== undefined) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(() => void tick(), 25);
    };
    void tick();
  });
}

/** POSTs a PR comment delivery signed with `secret`. */
function postComment(url: string, secret: string, delivery: string, pr: number): Promise<Response> {
  const body = JSON.stringify({ action: 'created', repository: { full_name: 'acme/widgets' }, issue: { number: pr, pull_request: {} }, comment: { body: 'I approve' } });
  return fetch(`${url}/hook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
}

test('worker threads evaluate PRs end to end; /metrics merges the threads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-threads-'));
  const lg = createLocalGitHub();
  seedDemoWorld(lg);
  const { api_url, web_url } = await lg.start(0, '127.0.0.1');
  const app = lg.admin.app(DEMO_APP_NAME);
  const prs: number[] = [];
  for (let i = 0; i < 4; i++) {
    lg.admin.push(DEMO_REPO, { branch: `t-${i}`, author: 'carol', message: `change ${i}`, files: { [`src/t-${i}.ts`]: `export const n = ${i};\n` } });
    prs.push(lg.admin.openPull(DEMO_REPO, { author: 'carol', title: `Change ${i}`, head: `t-${i}` }).number);
  }
  const { config, errors } = loadConfig({
    GITHUB_APP_ID: String(app.id),
    GITHUB_APP_PRIVATE_KEY: app.private_key,
    GITHUB_WEBHOOK_SECRET: app.webhook_secret ?? '',
    GITHUB_URL: web_url,
    GITHUB_API_URL: api_url,
    DB_SOURCE: join(dir, 'service.sqlite'),
    SERVER_ADDR: '127.0.0.1:0',
    CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
    WORKER_THREADS: '2',
  });
  assert.deepEqual(errors ?? [], []);
  assert.ok(config);
  const evaluated: EvaluatedEvent[] = [];
  const service = await startService(config, {
    logger: testLogger,
    threaded: pipelineThreads({ client: { throttling: false }, reportEvaluations: true }, (e) => evaluated.push(e)),
  });
  try {
    assert.equal(service.worker, undefined, 'no workers on the intake thread');
    assert.ok(service.threads);
    app.webhook_url = `${service.url}/hook`;
    for (const pr of prs) lg.admin.comment(DEMO_REPO, pr, DEMO_MAINTAINER, 'I approve');
    await until('every PR evaluated', () => (prs.every((n) => evaluated.some((e) => e.pr === n)) ? true : undefined));
    const token = lg.admin.token(DEMO_MAINTAINER);
    for (const pr of prs) {
      const sha = lg.admin.pull(DEMO_REPO, pr).head.sha;
      const combined = await until(`status of #${pr}`, async () => {
        const res = await fetch(`${api_url}/repos/${DEMO_REPO}/commits/${sha}/status`, { headers: { authorization: `token ${token}` } });
        const body = (await res.json()) as { statuses: { context: string; state: string }[] };
        return body.statuses.find((s) => s.context === 'approvals/checks-out' && s.state === 'success');
      });
      assert.equal(combined.state, 'success');
    }
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const calls = metrics
      .split('\n')
      .filter((l) => l.startsWith('checksout_github_requests_total{'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    assert.ok(calls > 0, 'GitHub calls made in the threads appear in /metrics');
    assert.match(metrics, /checksout_webhook_ack_seconds_count \d+/);
  } finally {
    await service.stop();
    await lg.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker thread that dies mid-job is replaced and the job runs again after its lease', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-threads-'));
  const secret = 'thread-crash-secret';
  const config = offlineConfig(dir, secret, { WORKER_THREADS: '1', QUEUE_LEASE: '1s' });
  const done: string[][] = [];
  const service = await startService(config, {
    logger: testLogger,
    threaded: {
      module: new URL('./fixtures/crashing-thread-handler.ts', import.meta.url).href,
      data: { marker: join(dir, 'crashed') },
      onEvent: (e) => done.push((e as { done: string[] }).done),
    },
  });
  try {
    const res = await postComment(service.url, secret, 'crash-1', 1);
    assert.equal(res.status, 202);
    const finished = await until('the job to run again', () => done.find((ids) => ids.includes('crash-1')), 30_000);
    assert.deepEqual(finished, ['crash-1']);
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LOG_STATS_PERIOD: the service logs an activity line counting deliveries the worker threads processed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-threads-'));
  const secret = 'stats-secret';
  const config = offlineConfig(dir, secret, { WORKER_THREADS: '1', LOG_STATS_PERIOD: '100ms' });
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  const marker = join(dir, 'crashed');
  writeFileSync(marker, 'no crash in this test');
  const done: unknown[] = [];
  const service = await startService(config, {
    logger,
    threaded: { module: new URL('./fixtures/crashing-thread-handler.ts', import.meta.url).href, data: { marker }, onEvent: (e) => done.push(e) },
  });
  try {
    const res = await postComment(service.url, secret, 'stats-1', 2);
    assert.equal(res.status, 202);
    await until('the job', () => (done.length > 0 ? true : undefined));
    const line = await until('a stats line with the delivery and the job', () =>
      lines.find((l) => {
        const stats = l.stats as { deliveries?: { total?: number }; evaluations?: Record<string, unknown> } | undefined;
        return l.msg === 'activity since the last stats line' && (stats?.deliveries?.total ?? 0) >= 1 && JSON.stringify(stats?.evaluations ?? {}).includes('success') ? l : undefined;
      }),
    );
    assert.equal(line.component, 'stats');
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/metrics while a worker thread is too busy to answer shows its last answer, so its counters never go backwards', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-threads-'));
  const secret = 'busy-secret';
  const config = offlineConfig(dir, secret, { WORKER_THREADS: '1' });
  const events: { started?: string[]; done?: string[] }[] = [];
  const service = await startService(config, {
    logger: testLogger,
    threaded: { module: new URL('./fixtures/blocking-thread-handler.ts', import.meta.url).href, data: { blockMs: 4000 }, onEvent: (e) => events.push(e as (typeof events)[number]) },
  });
  const jobs = async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return Number(/^checksout_job_duration_seconds_count\{outcome="success"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  };
  try {
    assert.equal((await postComment(service.url, secret, 'quick-1', 1)).status, 202);
    await until('the first job', () => events.find((e) => e.done?.includes('quick-1')));
    const before = await until('the thread to count its job', async () => ((await jobs()) >= 1 ? jobs() : undefined));
    assert.equal(before, 1);
    assert.equal((await postComment(service.url, secret, 'block-1', 2)).status, 202);
    await until('the blocking job to start', () => events.find((e) => e.started?.includes('block-1')));
    // The thread is busy for seconds; the scrape waits a second for it, then shows what it last said.
    assert.equal(await jobs(), before, 'the busy thread\'s finished job is still counted');
    await until('the blocking job to end', () => events.find((e) => e.done?.includes('block-1')));
    assert.equal(await until('the thread to answer again', async () => ((await jobs()) >= 2 ? jobs() : undefined)), 2);
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
