/**
 * Issue #4: "A status approvals/checks-out posted by anyone else is overwritten with the true state (and
 * logged)". The pipeline runs against the local GitHub; its log is captured to see the warning name the
 * repository, commit, forged state and description, and who posted it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { AdjustableClock } from '../../../src/local-github/clock.js';
import { createLocalGitHub } from '../../../src/local-github/server.js';
import { openDatabase } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import { createJobHandler } from '../../../src/service/handle-job.js';
import { createAppAccess } from '../../../src/service/pipeline/app-access.js';
import { createPipelineHandler } from '../../../src/service/pipeline/handler.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { JobQueue } from '../../../src/service/queue/queue.js';
import { recordDecision } from '../../../src/service/store/decisions.js';

const REPO = 'acme/widgets';
const CONTEXT = 'approvals/checks-out';

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

async function withPipeline(fn: (p: Awaited<ReturnType<typeof setUp>>) => Promise<void>): Promise<void> {
  const p = await setUp();
  try {
    await fn(p);
  } finally {
    await p.close();
  }
}

async function setUp() {
  const clock = new AdjustableClock();
  const lg = createLocalGitHub({ clock });
  const { api_url } = await lg.start(0);
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-forged-'));
  const sdb = openDatabase('sqlite', join(dir, 'service.sqlite'));
  await migrateToLatest(sdb);
  const { admin } = lg;
  for (const u of ['alice', 'bob', 'mallory', 'owner']) admin.createUser(u, {});
  admin.createOrg('acme', { admins: ['owner'], members: ['alice', 'bob'] });
  admin.createRepo(REPO, { files: { '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n', MAINTAINERS: 'alice\nbob\n' } });
  for (const u of ['alice', 'bob', 'mallory']) admin.setCollaborator(REPO, u, 'write');
  const app = admin.createApp('checks-out', { webhook_url: null, webhook_secret: 'x' });
  const installation = admin.install(app.id, 'acme', 'all').id;
  clock.advance(1000);
  admin.push(REPO, { branch: 'feature', files: { 'src/a.ts': 'export {};\n' }, author: 'alice' });
  clock.advance(1000);
  const pr = admin.openPull(REPO, { author: 'alice', title: 'A feature', head: 'feature' });
  const sha = pr.head.sha;

  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as LogLine) });
  const Client = createGitHubClientClass({ baseUrl: api_url, cache: new EtagCache(), retryAfterBaseMs: 1, throttling: false });
  const pipeline = createPipelineHandler({
    sdb,
    access: createAppAccess({ appId: app.id, privateKey: app.private_key, Client }),
    membership: new MembershipCache({ ttlMs: 60_000 }),
    env: { brandingName: 'checks-out' },
    brandingShort: 'checks-out',
    statusContext: CONTEXT,
    checkRunName: 'checks-out',
    publicUrl: 'http://checks-out.test',
    logger,
    now: () => clock.now(),
  });
  const handler = createJobHandler({ sdb, evaluate: pipeline });
  const queue = new JobQueue(sdb, { leaseMs: 60_000, maxAttempts: 3 });
  let next = 0;
  /** A `status` delivery as GitHub sends it (the fields the pipeline reads), handled as one job. */
  const deliver = async (state: string, description: string, sender: string | undefined) => {
    const payload = { context: CONTEXT, sha, state, description, repository: { full_name: REPO }, installation: { id: installation }, ...(sender ? { sender: { login: sender, type: 'User' } } : {}) };
    const id = `status-${++next}`;
    await queue.enqueue({ id, event: 'status', action: null, payload: JSON.stringify(payload), prKey: null, repo: REPO, receivedAt: clock.now() });
    const job = await queue.claim('w');
    assert.ok(job);
    await handler(job, { signal: new AbortController().signal, logger });
    await queue.complete(job);
    return id;
  };
  const latest = async () => {
    const res = await fetch(`${api_url}/repos/${REPO}/commits/${sha}/status`);
    const body = (await res.json()) as { statuses: { context: string; state: string; description: string }[] };
    return body.statuses.find((s) => s.context === CONTEXT);
  };
  const close = async () => {
    await lg.close();
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { lg, sdb, clock, pr, sha, lines, deliver, latest, close };
}

const WARN = 40;
const forgedLines = (lines: LogLine[]) => lines.filter((l) => l.level === WARN && /not posted by checks-out/.test(l.msg));

test('a forged status is overwritten with the true state and a warning names the commit, the claim and who posted it', async () => {
  await withPipeline(async (p) => {
    p.clock.advance(1000);
    p.lg.admin.status(REPO, p.sha, 'mallory', 'success', CONTEXT, 'approved by everyone');
    const delivery = await p.deliver('success', 'approved by everyone', 'mallory');
    assert.deepEqual(await p.latest().then((s) => s && [s.state, s.description]), ['pending', 'no approvals received']);
    const [line, ...more] = forgedLines(p.lines);
    assert.ok(line, JSON.stringify(p.lines.filter((l) => l.level >= WARN)));
    assert.deepEqual(more, []);
    assert.equal(line.repo, REPO);
    assert.equal(line.sha, p.sha);
    assert.deepEqual(line.forged, { state: 'success', description: 'approved by everyone' });
    assert.equal(line.postedBy, 'mallory');
    assert.deepEqual(line.prs, [p.pr.number]);
    assert.deepEqual(line.deliveries, [delivery]);
    assert.match(line.msg, /by mallory/);
  });
});

test('the echo of our own status, and a late echo of an earlier one, are not reported as forged', async () => {
  await withPipeline(async (p) => {
    // An earlier decision of ours on this head, then the current one (posted through the pipeline).
    await recordDecision(p.sdb, {
      repo: REPO, prNumber: p.pr.number, headSha: p.sha, policy: null, approvers: [], disapprovers: [], configHash: null,
      state: 'error', description: 'checks-out could not reach GitHub', decidedAt: 1, deliveries: ['old'],
    });
    p.lg.admin.status(REPO, p.sha, 'mallory', 'success', CONTEXT, 'approved by everyone');
    await p.deliver('success', 'approved by everyone', 'mallory');
    assert.equal(forgedLines(p.lines).length, 1);
    await p.deliver('pending', 'no approvals received', 'checks-out[bot]');
    await p.deliver('error', 'checks-out could not reach GitHub', 'checks-out[bot]');
    assert.equal(forgedLines(p.lines).length, 1, JSON.stringify(forgedLines(p.lines)));
    assert.ok(p.lines.some((l) => /late echo of an earlier status of ours/.test(l.msg)));
  });
});

test('a status delivery without a sender still logs the forgery, saying the sender is unknown', async () => {
  await withPipeline(async (p) => {
    await p.deliver('failure', 'blocked', undefined);
    const [line] = forgedLines(p.lines);
    assert.ok(line);
    assert.equal(line.postedBy, null);
    assert.match(line.msg, /unknown sender/);
    assert.deepEqual(await p.latest().then((s) => s?.state), 'pending');
  });
});
