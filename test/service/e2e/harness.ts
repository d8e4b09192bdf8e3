/**
 * End-to-end test world: the local GitHub (real HTTP, a clock the test moves), the checks-out intake over a
 * real SQLite file, F's durable queue and worker running the evaluation pipeline, and a GitHub App (or, in
 * token mode, repository hooks) whose webhooks point at the intake. `settle()` waits until nothing is in
 * flight: no webhook delivery pending in the emulator and no job pending or running in the queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { AdjustableClock } from '../../../src/local-github/clock.js';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { checksFor } from '../../../src/local-github/checks/index.js';
import type { App, PullRequest } from '../../../src/local-github/state/types.js';
import { openDatabase, type ServiceDb } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';
import { countGitHubCalls } from '../../../src/service/github/call-count.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import { buildIntakeApp, type IntakeApp } from '../../../src/service/intake/app.js';
import { serviceTriage } from '../../../src/service/intake/echo.js';
import { createServiceMetrics } from '../../../src/service/metrics.js';
import { JobQueue } from '../../../src/service/queue/queue.js';
import { Worker } from '../../../src/service/queue/worker.js';
import { createSecretBox, generateSecretKey } from '../../../src/service/secrets.js';
import { AccountStore } from '../../../src/service/store/accounts.js';
import { createAppAccess } from '../../../src/service/pipeline/app-access.js';
import { createTokenAccess } from '../../../src/service/pipeline/token-access.js';
import { createJobHandler } from '../../../src/service/handle-job.js';
import { createPipelineHandler, type RepoAccess } from '../../../src/service/pipeline/handler.js';
import { PolicyFileCache } from '../../../src/service/pipeline/policy-files.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { testLogger } from '../helpers/logger.js';
import type { TestDatabaseKind, TestDb } from '../helpers/databases.js';
import type { RunningService } from '../../../src/service/server.js';
import { startServeLikeService } from './service-assembly.js';
import { PullCache } from '../../../src/service/pipeline/pull-cache.js';

export const ORG = 'acme';
export const REPO = `${ORG}/widgets`;
export const CONTEXT = 'approvals/checks-out';
export const RUN_NAME = 'checks-out';
const MAX_ATTEMPTS = 3;
export const DEFAULT_CONFIG = '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n';

export interface WorldOptions {
  mode?: 'app' | 'token';
  /** App mode assembled by F's `startService` + `makePipelineHandler` from an environment, as `serve` does. */
  viaService?: boolean;
  /** `.checks-out` on the default branch (omit the key to have none). */
  config?: string | null;
  maintainers?: string | null;
  /** More files on the default branch. */
  files?: Record<string, string>;
  /** The service database (own assembly only; default a SQLite file). */
  db?: TestDatabaseKind;
  /** POLICY_CACHE_TTL of the own assembly, on the emulator's clock (default 60 s, as `serve`; 0 turns it off). */
  policyCacheTtlMs?: number;
}

export interface CheckRunSeen {
  id: number;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotations: { path: string; start_line: number; end_line: number; annotation_level: string; message: string; start_column?: number }[];
  actions: { identifier: string }[];
}

export interface JobCost {
  /** `event.action` of each delivery in the job. */
  deliveries: string[];
  calls: Record<string, { requests: number; notModified: number }>;
  requests: number;
  rateLimitCost: number;
}

export interface StatusSeen {
  state: string;
  description: string;
  creator: string;
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory', 'owner'];

export class World {
  readonly clock = new AdjustableClock();
  readonly lg: LocalGitHub;
  private dir = mkdtempSync(join(tmpdir(), 'checks-out-e2e-'));
  sdb!: ServiceDb;
  queue!: JobQueue;
  worker!: Worker;
  intake!: IntakeApp;
  app: App | undefined;
  hookSecret = randomBytes(12).toString('hex');
  /** Where the intake listens (`…/hook`). */
  hookUrl = '';
  /** Own assembly: the account store (token mode: users, enabled repositories and organisations). */
  accounts: AccountStore | undefined;
  /** The app's installation on the org (App mode). */
  installationId: number | undefined;
  readonly tokens = new Map<string, string>();
  apiUrl = '';
  /** GitHub calls of each evaluation, in order (own assembly only). */
  readonly evaluations: { pr: number; calls: Record<string, { requests: number; notModified: number }>; rateLimitCost: number }[] = [];
  /** What the pipeline knows of PRs and check runs (own assembly only); tests can make it stale. */
  pulls = new PullCache();
  /** GitHub calls of each whole job (own assembly only): what each delivery, echoes included, cost. */
  readonly jobs: JobCost[] = [];
  /** Errors the pipeline threw (a job that failed), for assertions. */
  readonly jobErrors: unknown[] = [];

  private service: RunningService | undefined;
  private testDb: TestDb | undefined;
  private makeWorker: () => Worker = () => {
    throw new Error('no worker in this assembly');
  };
  private buildHandler: () => ReturnType<typeof createJobHandler> = () => {
    throw new Error('no pipeline in this assembly');
  };
  private handler: ReturnType<typeof createJobHandler> | undefined;

  private constructor(
    readonly mode: 'app' | 'token',
    readonly viaService: boolean,
  ) {
    this.lg = createLocalGitHub({ clock: this.clock });
  }

  static async create(o: WorldOptions = {}): Promise<World> {
    const w = new World(o.mode ?? 'app', o.viaService === true);
    try {
      await w.start(o);
    } catch (err) {
      await w.close();
      throw err;
    }
    return w;
  }

  private async start(o: WorldOptions): Promise<void> {
    const { api_url } = await this.lg.start(0);
    this.apiUrl = api_url;
    const admin = this.lg.admin;
    for (const u of USERS) this.tokens.set(u, admin.createUser(u, { name: u.toUpperCase(), email: `${u}@example.com` }).token);
    admin.createOrg(ORG, { admins: ['owner'], members: ['alice', 'bob', 'carol', 'dave'] });
    admin.createTeam(ORG, 'core', { members: ['bob', 'carol'] });
    admin.createTeam(ORG, 'docs', { members: ['dave'] });
    const files: Record<string, string> = { 'README.md': 'widgets\n', 'src/main.ts': 'export {};\n', ...(o.files ?? {}) };
    if (o.config !== null) files['.checks-out'] = o.config ?? DEFAULT_CONFIG;
    if (o.maintainers !== null) files.MAINTAINERS = o.maintainers ?? 'bob\ncarol\ndave\nalice\n';
    admin.createRepo(REPO, { files });
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory']) admin.setCollaborator(REPO, u, 'write');

    if (this.viaService) return this.startService();
    if (o.db !== undefined) {
      this.testDb = await o.db.create();
      this.sdb = this.testDb.sdb;
    } else {
      this.sdb = openDatabase('sqlite', join(this.dir, 'service.sqlite'));
      await migrateToLatest(this.sdb);
    }
    const logger = testLogger;
    this.queue = new JobQueue(this.sdb, { leaseMs: 30_000, maxAttempts: MAX_ATTEMPTS, backoffMs: () => 20 });
    const accounts = new AccountStore(this.sdb, createSecretBox(generateSecretKey()));
    this.accounts = accounts;
    if (this.mode === 'app') this.app = admin.createApp('checks-out', { webhook_url: null, webhook_secret: this.hookSecret });
    // Everything a process holds in memory (ETag cache, installation tokens, PR records, check-run ids,
    // membership) is built here, so `restartPipeline` can start from nothing but the database.
    this.buildHandler = () => {
      const Client = createGitHubClientClass({ baseUrl: api_url, cache: new EtagCache(), retryAfterBaseMs: 1, throttling: false });
      const access: RepoAccess = this.app ? createAppAccess({ appId: this.app.id, privateKey: this.app.private_key, Client }) : createTokenAccess({ accounts, Client, enrol: { hookUrl: () => this.hookUrl, context: CONTEXT } });
      const pipeline = createPipelineHandler({
        sdb: this.sdb,
        access,
        membership: new MembershipCache({ ttlMs: 60_000 }),
        env: { brandingName: 'checks-out' },
        brandingShort: 'checks-out',
        statusContext: CONTEXT,
        checkRunName: RUN_NAME,
        publicUrl: 'http://checks-out.test',
        logger,
        maxAttempts: MAX_ATTEMPTS,
        pulls: this.pulls,
        policyFiles: new PolicyFileCache({ ttlMs: o.policyCacheTtlMs ?? 60_000, now: () => this.clock.now() }),
        now: () => this.clock.now(),
        followUp: async (f) => {
          await this.queue.enqueue(f);
          this.worker.wake();
        },
        onEvaluated: (e) => this.evaluations.push({ pr: e.pr, calls: e.calls.toJSON(), rateLimitCost: e.calls.rateLimitCost }),
      });
      return createJobHandler({ sdb: this.sdb, evaluate: pipeline });
    };
    this.handler = this.buildHandler();
    this.makeWorker = () => new Worker({
      queue: this.queue,
      handler: async (job, ctx) => {
        try {
          const handler = this.handler!;
          const { calls } = await countGitHubCalls(() => handler(job, ctx));
          const deliveries = job.deliveries.map((d) => (d.action ? `${d.event}.${d.action}` : d.event));
          this.jobs.push({ deliveries, calls: calls.toJSON(), requests: calls.total, rateLimitCost: calls.rateLimitCost });
        } catch (err) {
          this.jobErrors.push(err);
          throw err;
        }
      },
      logger,
      id: 'e2e',
      concurrency: 2,
      leaseMs: 30_000,
      pollMs: 20,
    });
    this.worker = this.makeWorker();
    this.intake = await buildIntakeApp({
      queue: this.queue,
      logger,
      metrics: createServiceMetrics(),
      webhookSecrets: this.mode === 'app' ? async () => [this.hookSecret] : (s) => accounts.hookSecretsFor(s.repo, s.owner),
      onQueued: () => this.worker.wake(),
      triage: serviceTriage(this.sdb, { brandingShort: 'checks-out', statusContext: CONTEXT, checkRunName: RUN_NAME, enrolRepositories: this.mode === 'token' }),
      // Push times must be on the emulator's clock, which the tests move.
      now: () => this.clock.now(),
    });
    await this.intake.listen({ host: '127.0.0.1', port: 0 });
    const addr = this.intake.server.address();
    const hookUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
    this.hookUrl = hookUrl;
    this.worker.start();
    if (this.app) {
      this.app.webhook_url = hookUrl;
      this.installationId = admin.install(this.app.id, ORG, 'all').id;
    } else {
      const userId = await accounts.upsertUser({ login: 'owner', token: this.token('owner'), secret: 'x' });
      await accounts.upsertRepo({ userId, owner: ORG, name: REPO.split('/')[1], hookSecret: this.hookSecret, org: true });
      await this.as('owner').rest.repos.createWebhook({
        owner: ORG,
        repo: REPO.split('/')[1],
        config: { url: hookUrl, content_type: 'json', secret: this.hookSecret },
        events: ['pull_request', 'issue_comment', 'pull_request_review', 'status', 'push'],
      });
    }
    await this.settle();
  }

  /** The service as `checks-out serve` assembles it (see service-assembly.ts). */
  private async startService(): Promise<void> {
    const { app, service } = await startServeLikeService(this.lg, { apiUrl: this.apiUrl, dir: this.dir, hookSecret: this.hookSecret, jobErrors: this.jobErrors });
    this.app = app;
    this.service = service;
    this.sdb = service.sdb;
    this.queue = service.queue;
    this.hookUrl = `${service.url}/hook`;
    this.installationId = this.lg.admin.install(app.id, ORG, 'all').id;
    await this.settle();
  }

  /** Stops processing (deliveries still queue up), e.g. to build a burst that must coalesce. */
  async pauseWorkers(): Promise<void> {
    await this.worker.stop(5000);
  }

  async resumeWorkers(): Promise<void> {
    this.worker = this.makeWorker();
    this.worker.start();
    await this.settle();
  }

  /**
   * A restart of the worker side (own assembly): the worker stops, and the pipeline comes back with empty
   * in-memory caches (PR records, check-run ids, membership, ETags, installation tokens); only the
   * database remembers.
   */
  async restartPipeline(): Promise<void> {
    await this.worker.stop(5000);
    this.pulls = new PullCache();
    this.handler = this.buildHandler();
    this.worker = this.makeWorker();
    this.worker.start();
    await this.settle();
  }

  token(login: string): string {
    const t = this.tokens.get(login);
    if (t === undefined) throw new Error(`no user ${login}`);
    return t;
  }

  /** Runs `fn` while the app's webhook points nowhere: GitHub records no delivery, the service sees nothing. */
  async unseen(fn: () => Promise<unknown>): Promise<void> {
    if (!this.app) throw new Error('unseen() needs App mode');
    const url = this.app.webhook_url;
    this.app.webhook_url = null;
    try {
      await fn();
    } finally {
      this.app.webhook_url = url;
    }
  }

  /** An Octokit acting as a person (for actions the admin fixtures do not offer). */
  as(login: string): Octokit {
    return new Octokit({ baseUrl: this.apiUrl, auth: this.token(login), log: { debug() {}, info() {}, warn() {}, error() {} } });
  }

  /**
   * Separates actions in time, so that each gets a distinct, ordered second on the wire (GitHub times have
   * whole seconds; push times are milliseconds). Our own assembly moves the emulator's clock; the service
   * assembled by `startService` stamps push times with the real clock, so there we wait for the next second.
   */
  async tick(seconds = 2): Promise<void> {
    if (!this.viaService) {
      this.clock.advance(seconds * 1000);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  }

  /**
   * Waits until no webhook is in flight and no job is pending or running. Deterministic: a job's GitHub
   * writes register their webhook deliveries before the job completes, and intake queues a delivery
   * before answering it, so "emulator idle, then queue empty" cannot miss work in between. The deadline
   * only turns a hang (a feedback loop) into a failure.
   */
  async settle(deadlineMs = 120_000): Promise<void> {
    let quiet = 0;
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      await this.lg.webhooks.idle();
      const d = await this.queue.depth();
      if (d.pending + d.running === 0) {
        // Two quiet observations in a row: a job that just finished may have caused a delivery.
        if (++quiet >= 2) return;
      } else quiet = 0;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('the service did not settle');
  }

  // ---- actions (each moves the clock first and waits for the service to settle afterwards) ----

  async push(branch: string, files: Record<string, string | null>, author = 'alice', from?: string): Promise<string> {
    await this.tick();
    const sha = this.lg.admin.push(REPO, { branch, files, author, from });
    await this.settle();
    return sha;
  }

  /** Pushes a branch and opens a PR from it. */
  async openPull(opts: { author?: string; title?: string; branch?: string; files?: Record<string, string | null>; base?: string } = {}): Promise<PullRequest> {
    const author = opts.author ?? 'alice';
    const branch = opts.branch ?? 'feature';
    await this.tick();
    this.lg.admin.push(REPO, { branch, files: opts.files ?? { 'src/feature.ts': 'export const x = 1;\n' }, author, from: opts.base });
    await this.tick();
    const pr = this.lg.admin.openPull(REPO, { author, title: opts.title ?? 'Add a feature', head: branch, base: opts.base });
    await this.settle();
    return pr;
  }

  async comment(pr: number, who: string, body: string): Promise<number> {
    await this.tick();
    const c = this.lg.admin.comment(REPO, pr, who, body);
    await this.settle();
    return c.id;
  }

  async review(pr: number, who: string, event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT', body = ''): Promise<number> {
    await this.tick();
    const r = this.lg.admin.review(REPO, pr, who, event, body);
    await this.settle();
    return r.id;
  }

  async rest<T>(fn: () => Promise<T>): Promise<T> {
    await this.tick();
    const out = await fn();
    await this.settle();
    return out;
  }

  /**
   * Alice commits `src/sneaky.ts` to `branch` through the API with author and committer dates set `agoMs`
   * in the past (a backdated commit); returns that date.
   */
  async pushBackdated(branch: string, agoMs: number): Promise<string> {
    const date = new Date(this.clock.now() - agoMs).toISOString();
    const who = { name: 'alice', email: 'alice@example.com', date };
    const [owner, repo] = REPO.split('/');
    const content = Buffer.from('evil\n').toString('base64');
    await this.rest(() => this.as('alice').rest.repos.createOrUpdateFileContents({ owner, repo, path: 'src/sneaky.ts', message: 'backdated', content, branch, author: who, committer: who }));
    return date;
  }

  headSha(pr: number): string {
    return this.lg.admin.pull(REPO, pr).head.sha;
  }

  // ---- what GitHub shows ----

  /** The latest `approvals/checks-out` status on the PR head (or on `sha`). */
  async status(pr: number, sha = this.headSha(pr)): Promise<StatusSeen | undefined> {
    const [owner, repo] = REPO.split('/');
    const { data } = await this.as('owner').rest.repos.listCommitStatusesForRef({ owner, repo, ref: sha, per_page: 100 });
    const s = data.find((x) => x.context === CONTEXT);
    return s ? { state: s.state, description: s.description ?? '', creator: s.creator?.login ?? '' } : undefined;
  }

  /** The latest check run named checks-out on the PR head, with its annotations. */
  checkRun(pr: number, sha = this.headSha(pr)): CheckRunSeen | undefined {
    const mod = checksFor(this.lg.ctx);
    if (!mod) throw new Error('checks module not loaded');
    const run = mod.runsForCommit(this.lg.admin.repo(REPO), sha).find((r) => r.name === RUN_NAME);
    if (!run) return undefined;
    return {
      id: run.id,
      status: run.status,
      conclusion: run.conclusion,
      title: run.title,
      summary: run.summary,
      annotations: run.annotations as unknown as CheckRunSeen['annotations'],
      actions: run.actions,
    };
  }

  async clickReevaluate(pr: number, who = 'bob'): Promise<void> {
    const run = this.checkRun(pr);
    if (!run) throw new Error('no check run to click');
    await this.tick();
    checksFor(this.lg.ctx)!.clickAction(this.lg.admin.repo(REPO), run.id, 'reevaluate', this.lg.state.accountByLogin(who)!.id);
    await this.settle();
  }

  async rerequestRun(pr: number, who = 'bob'): Promise<void> {
    const run = this.checkRun(pr);
    if (!run) throw new Error('no check run to re-run');
    await this.tick();
    checksFor(this.lg.ctx)!.service.rerequestRun(this.lg.admin.repo(REPO).id, run.id, null, this.lg.state.accountByLogin(who)!.id);
    await this.settle();
  }

  /** How many decisions the service logged for a PR. */
  async decisionCount(pr: number): Promise<number> {
    const rows = await this.sdb.db.selectFrom('decisions').select('id').where('pr_number', '=', pr).execute();
    return rows.length;
  }

  async close(): Promise<void> {
    await this.service?.stop(2000).catch(() => {});
    await this.intake?.close().catch(() => {});
    await this.worker?.stop(2000).catch(() => {});
    await this.lg.webhooks.idle().catch(() => {});
    await this.lg.close().catch(() => {});
    if (this.testDb) await this.testDb.cleanup().catch(() => {});
    else if (!this.service) await this.sdb?.close().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `fn` in a fresh world and always tears it down. */
export async function withWorld(o: WorldOptions, fn: (w: World) => Promise<void>): Promise<void> {
  const w = await World.create(o);
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}
