/**
 * The pipeline against the local GitHub without intake or worker: a test hands deliveries to the job
 * handler itself (claiming them from a real queue on the emulator's clock), holds the job's AbortSignal,
 * can wrap the GitHub port each evaluation uses, and reads the log lines (JSON) the pipeline wrote.
 */
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
import type { PrGitHub } from '../../../src/service/pipeline/github-port.js';
import { createPipelineHandler, type RepoAccess } from '../../../src/service/pipeline/handler.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { JobQueue, type ClaimedJob } from '../../../src/service/queue/queue.js';

export const REPO = 'acme/widgets';
export const CONTEXT = 'approvals/checks-out';
export const RUN_NAME = 'checks-out';
export const LEASE_MS = 60_000;

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export type LocalPipeline = Awaited<ReturnType<typeof setUp>>;

export async function withLocalPipeline(fn: (p: LocalPipeline) => Promise<void>): Promise<void> {
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
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-pipeline-'));
  const sdb = openDatabase('sqlite', join(dir, 'service.sqlite'));
  await migrateToLatest(sdb);
  const { admin } = lg;
  const tokens = new Map(['alice', 'bob', 'carol', 'mallory', 'owner'].map((u) => [u, admin.createUser(u, {}).token]));
  admin.createOrg('acme', { admins: ['owner'], members: ['alice', 'bob', 'carol'] });
  admin.createRepo(REPO, { files: { '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n', MAINTAINERS: 'alice\nbob\ncarol\n' } });
  for (const u of ['alice', 'bob', 'carol', 'mallory']) admin.setCollaborator(REPO, u, 'write');
  const app = admin.createApp('checks-out', { webhook_url: null, webhook_secret: 'x' });
  const installation = admin.install(app.id, 'acme', 'all').id;
  clock.advance(1000);
  admin.push(REPO, { branch: 'feature', files: { 'src/a.ts': 'export {};\n' }, author: 'alice' });
  clock.advance(1000);
  const pr = admin.openPull(REPO, { author: 'alice', title: 'A feature', head: 'feature' });
  const sha = pr.head.sha;

  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as LogLine) });
  /** Wraps the port of every evaluation (set by a test; identity by default). */
  let wrap: (gh: PrGitHub) => PrGitHub = (gh) => gh;
  /** Everything a process holds in memory (ETags, tokens, PR records, check-run ids) is built here. */
  const build = () => {
    const Client = createGitHubClientClass({ baseUrl: api_url, cache: new EtagCache(), retryAfterBaseMs: 1, throttling: false });
    const appAccess = createAppAccess({ appId: app.id, privateKey: app.private_key, Client });
    const access: RepoAccess = {
      forRepo: async (repo, id) => {
        const a = await appAccess.forRepo(repo, id);
        return a && { ...a, gh: wrap(a.gh) };
      },
    };
    const pipeline = createPipelineHandler({
      sdb,
      access,
      membership: new MembershipCache({ ttlMs: 60_000 }),
      env: { brandingName: 'checks-out' },
      brandingShort: 'checks-out',
      statusContext: CONTEXT,
      checkRunName: RUN_NAME,
      publicUrl: 'http://checks-out.test',
      logger,
      now: () => clock.now(),
    });
    return createJobHandler({ sdb, evaluate: pipeline });
  };
  let handler = build();
  const queue = new JobQueue(sdb, { leaseMs: LEASE_MS, maxAttempts: 3, now: () => clock.now() });
  let next = 0;
  const base = { repository: { full_name: REPO }, installation: { id: installation } };

  /** Queues a delivery (its payload gets `repository` and `installation`); returns its id. */
  const enqueue = async (event: string, payload: Record<string, unknown>, prKey: string | null, action: string | null = null) => {
    const id = `${event}-${++next}`;
    await queue.enqueue({ id, event, action, payload: JSON.stringify({ ...base, ...payload }), prKey, repo: REPO, receivedAt: clock.now() });
    return id;
  };
  const claim = async (): Promise<ClaimedJob> => {
    const job = await queue.claim('w');
    assert.ok(job, 'a job to claim');
    return job;
  };
  /** Runs a claimed job as the worker would (without the heartbeat: the test decides when a lease is lost). */
  const run = (job: ClaimedJob, signal = new AbortController().signal) => handler(job, { signal, logger });
  /** Queues, claims, runs and completes one delivery. */
  const handle = async (event: string, payload: Record<string, unknown>, prKey: string | null = null, action: string | null = null) => {
    const id = await enqueue(event, payload, prKey, action);
    const job = await claim();
    await run(job);
    assert.equal(await queue.complete(job), true);
    return id;
  };
  /** The latest status in our context on the PR head, as GitHub answers it. */
  const latestStatus = async () => {
    const res = await fetch(`${api_url}/repos/${REPO}/commits/${sha}/status`);
    const body = (await res.json()) as { statuses: { context: string; state: string; description: string }[] };
    const s = body.statuses.find((x) => x.context === CONTEXT);
    return s && { state: s.state, description: s.description };
  };
  /** Every run named checks-out on the PR head (`filter=all`), newest first. */
  const allRuns = async () => {
    const res = await fetch(`${api_url}/repos/${REPO}/commits/${sha}/check-runs?filter=all&per_page=100`, { headers: { authorization: `token ${tokens.get('owner')}` } });
    const body = (await res.json()) as { check_runs: { id: number; name: string; status: string; conclusion: string | null; output: { annotations_count: number } }[] };
    return body.check_runs.filter((r) => r.name === RUN_NAME).map((r) => ({ id: r.id, status: r.status, conclusion: r.conclusion })).sort((a, b) => b.id - a.id);
  };
  const close = async () => {
    await lg.close();
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    lg, sdb, clock, queue, pr, sha, lines, installation, enqueue, claim, run, handle, latestStatus, allRuns, close,
    setWrap(w: (gh: PrGitHub) => PrGitHub) {
      wrap = w;
    },
    /** A new process on the same database: nothing of the old one's memory survives. */
    restart() {
      handler = build();
    },
  };
}
