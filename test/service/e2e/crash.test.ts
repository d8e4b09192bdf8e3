/**
 * `kill -9` end to end: `checks-out serve` runs as its own process (App mode, against the local GitHub over
 * real HTTP, a real database), is killed with SIGKILL while an evaluation is held open on a GitHub request, and
 * is started again on the same database. The delivery is evaluated again once its lease expires, and the PR
 * ends with the right status and exactly one check run, completed with the right conclusion: killed in the
 * first evaluation of a head (its in-progress run left open), in a later one (before deciding), and between
 * its two writes (the check run updated, the status not yet posted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { Octokit } from '@octokit/rest';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import type { App } from '../../../src/local-github/state/types.js';
import type { ServiceDb } from '../../../src/service/db/connect.js';
import { generateSecretKey } from '../../../src/service/secrets.js';
import { testDatabases, type TestDatabaseKind, type TestDb } from '../helpers/databases.js';
import { CONTEXT, DEFAULT_CONFIG, ORG, REPO, RUN_NAME } from './harness.js';
import { spawnServe } from './serve-env.js';

const [owner, repo] = REPO.split('/');
/** An evaluation reads the reviews before deciding, and posts the status last. */
const READ_REVIEWS = { method: 'GET', path: '/repos/acme/widgets/pulls/*/reviews' };
const POST_STATUS = { method: 'POST', path: '/repos/acme/widgets/statuses/*' };

interface Setup {
  lg: LocalGitHub;
  app: App;
  env: Record<string, string>;
  dir: string;
  db: TestDb;
  tokens: Map<string, string>;
}

/** Where the test database lives, as `serve` is told (DB_DRIVER, DB_SOURCE). */
async function dbSource(kind: TestDatabaseKind, sdb: ServiceDb): Promise<{ driver: string; source: string }> {
  if (kind.name === 'sqlite') {
    const r = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(sdb.db);
    return { driver: 'sqlite', source: r.rows[0].file };
  }
  const r = await sql<{ name: string }>`select current_database() as name`.execute(sdb.db);
  const url = new URL(process.env.TEST_PG_URL as string);
  url.pathname = `/${r.rows[0].name}`;
  return { driver: 'postgres', source: url.toString() };
}

async function setUp(kind: TestDatabaseKind): Promise<Setup> {
  const lg = createLocalGitHub();
  const { api_url, web_url } = await lg.start(0);
  const tokens = new Map<string, string>();
  for (const u of ['alice', 'bob', 'carol', 'owner']) tokens.set(u, lg.admin.createUser(u, { name: u, email: `${u}@example.com` }).token);
  lg.admin.createOrg(ORG, { admins: ['owner'], members: ['alice', 'bob', 'carol'] });
  lg.admin.createRepo(REPO, { files: { 'README.md': 'widgets\n', '.checks-out': DEFAULT_CONFIG, MAINTAINERS: 'alice\nbob\ncarol\n' } });
  for (const u of ['alice', 'bob', 'carol']) lg.admin.setCollaborator(REPO, u, 'write');
  const secret = randomBytes(12).toString('hex');
  const app = lg.admin.createApp('checks-out', { webhook_url: null, webhook_secret: secret });
  const db = await kind.create();
  const { driver, source } = await dbSource(kind, db.sdb);
  const env = {
    LOG_LEVEL: 'error',
    SERVER_ADDR: '127.0.0.1:0',
    GITHUB_APP_ID: String(app.id),
    GITHUB_APP_PRIVATE_KEY: app.private_key,
    GITHUB_WEBHOOK_SECRET: secret,
    GITHUB_URL: web_url.replace(/\/+$/, ''),
    GITHUB_API_URL: api_url,
    DB_DRIVER: driver,
    DB_SOURCE: source,
    CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
    // Short, so the restarted process takes the dead one's job over quickly; long enough that a busy
    // machine's stalls do not lose a live lease (renewed every third of it).
    QUEUE_LEASE: '3s',
    WORKER_CONCURRENCY: '2',
  };
  return { lg, app, env, dir: mkdtempSync(join(tmpdir(), 'crash-e2e-')), db, tokens };
}

/** Starts `checks-out serve` and points the app's webhook at it. */
async function serve(s: Setup): Promise<ChildProcess> {
  const { child, url } = await spawnServe(s.env, s.dir);
  s.app.webhook_url = `${url}/hook`;
  return child;
}

async function until(what: string, check: () => Promise<boolean> | boolean, deadlineMs = 90_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function unfinished(sdb: ServiceDb): Promise<number> {
  const rows = await sdb.db.selectFrom('deliveries').select('id').where('status', 'in', ['pending', 'running']).execute();
  return rows.length;
}

/** No webhook in flight and no job left, twice in a row (a finishing job may cause a delivery). */
async function settle(s: Setup): Promise<void> {
  let quiet = 0;
  await until('the service settles', async () => {
    await s.lg.webhooks.idle();
    quiet = (await unfinished(s.db.sdb)) === 0 ? quiet + 1 : 0;
    return quiet >= 2;
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/**
 * Holds the next request to `held` on GitHub, does `act`, waits until the job of the delivery `pick`
 * chooses is running and held, and kills the process with SIGKILL. Returns that delivery's GUID.
 */
async function killDuring(
  s: Setup, child: ChildProcess, held: { method: string; path: string }, act: () => void, pick: (event: string, action: string | null) => boolean,
): Promise<string> {
  const seen = new Set(s.lg.state.deliveries.keys());
  // The rule goes once it is hit: from then on the evaluation is held open on that request.
  s.lg.faults.add({ ...held, kind: 'latency', ms: 600_000, times: 1 });
  act();
  await s.lg.webhooks.idle();
  const delivery = [...s.lg.state.deliveries.values()].find((d) => !seen.has(d.id) && pick(d.event, d.action));
  assert.equal(delivery?.status_code, 202);
  const guid = delivery!.guid;
  await until('the evaluation is held on GitHub', async () => s.lg.faults.list().length === 0 && (await row(s, guid)).status === 'running');
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(child.signalCode, 'SIGKILL');
  assert.deepEqual(await row(s, guid), { status: 'running', attempts: 1 }, 'the dead process left its job running');
  return guid;
}

function row(s: Setup, guid: string): Promise<{ status: string; attempts: number }> {
  return s.db.sdb.db.selectFrom('deliveries').select(['status', 'attempts']).where('id', '=', guid).executeTakeFirstOrThrow();
}

/** Done by a later attempt (the second, unless a stalled machine lost a lease on the way). */
function assertRanAgain(r: { status: string; attempts: number }): void {
  assert.equal(r.status, 'done');
  assert.ok(r.attempts >= 2, `attempts: ${r.attempts}`);
}

for (const kind of testDatabases()) {
  test(`kill -9 of serve mid-evaluation (${kind.name}): restarted on the same database, the PR ends right`, { skip: kind.skip, timeout: 240_000 }, async () => {
    const s = await setUp(kind);
    let child: ChildProcess | undefined;
    try {
      child = await serve(s);
      s.lg.admin.install(s.app.id, ORG, 'all');
      await settle(s);
      const gh = new Octokit({ baseUrl: s.env.GITHUB_API_URL, auth: s.tokens.get('owner'), log: { debug() {}, info() {}, warn() {}, error() {} } });
      let sha = '';
      let number = 0;
      const status = async () => {
        const st = (await gh.rest.repos.listCommitStatusesForRef({ owner, repo, ref: sha, per_page: 100 })).data.find((x) => x.context === CONTEXT);
        return st && { state: st.state, description: st.description, creator: st.creator?.login };
      };
      const runs = async () => {
        const all = (await gh.rest.checks.listForRef({ owner, repo, ref: sha, check_name: RUN_NAME, filter: 'all' })).data.check_runs;
        return all.map((r) => ({ id: r.id, status: r.status, conclusion: r.conclusion, title: r.output.title }));
      };

      // 1. Killed during the first evaluation of the head, after it opened its in-progress check run.
      // The push first, on its own: its check_suite.requested finds no PR yet, so only `opened` evaluates.
      s.lg.admin.push(REPO, { branch: 'feature', files: { 'src/feature.ts': 'export const x = 1;\n' }, author: 'alice' });
      await settle(s);
      const opened = await killDuring(s, child, READ_REVIEWS, () => {
        const pr = s.lg.admin.openPull(REPO, { author: 'alice', title: 'Add a feature', head: 'feature' });
        sha = pr.head.sha;
        number = pr.number;
      }, (event, action) => event === 'pull_request' && action === 'opened');
      const left = await runs();
      assert.deepEqual(left.map((r) => r.status), ['in_progress'], JSON.stringify(left));
      assert.equal(await status(), undefined, 'nothing was published by the killed evaluation');

      child = await serve(s);
      await until('the job ran again', async () => (await row(s, opened)).status === 'done');
      await settle(s);
      assertRanAgain(await row(s, opened));
      assert.deepEqual(await status(), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
      assert.deepEqual(await runs(), [{ id: left[0].id, status: 'completed', conclusion: 'action_required', title: 'no approvals received' }], 'the run it opened was completed, no other');

      // 2. Killed during the evaluation of an approval: the run exists and is completed; the retry updates it.
      const approval = await killDuring(s, child, READ_REVIEWS, () => s.lg.admin.comment(REPO, number, 'bob', 'I approve'), (event) => event === 'issue_comment');
      assert.equal((await status())?.description, 'no approvals received', 'nothing was published by the killed evaluation');

      child = await serve(s);
      await until('the job ran again', async () => (await row(s, approval)).status === 'done');
      await settle(s);
      assertRanAgain(await row(s, approval));
      assert.deepEqual(await status(), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
      assert.deepEqual(await runs(), [{ id: left[0].id, status: 'completed', conclusion: 'success', title: 'approved by bob' }], 'one run, updated in place');
      const latest = (await gh.rest.checks.listForRef({ owner, repo, ref: sha, check_name: RUN_NAME, filter: 'latest' })).data.check_runs;
      assert.deepEqual(latest.map((r) => [r.id, r.status, r.conclusion]), [[left[0].id, 'completed', 'success']]);

      // 3. Killed between the two writes: the check run already says the new decision, the status not yet.
      const second = await killDuring(s, child, POST_STATUS, () => s.lg.admin.comment(REPO, number, 'carol', 'I approve'), (event) => event === 'issue_comment');
      assert.equal((await runs())[0]?.title, 'approved by bob,carol');
      assert.equal((await status())?.description, 'approved by bob', 'the status was not posted');

      child = await serve(s);
      await until('the job ran again', async () => (await row(s, second)).status === 'done');
      await settle(s);
      assertRanAgain(await row(s, second));
      assert.deepEqual(await status(), { state: 'success', description: 'approved by bob,carol', creator: 'checks-out[bot]' }, 'the retry posted the status');
      assert.deepEqual(await runs(), [{ id: left[0].id, status: 'completed', conclusion: 'success', title: 'approved by bob,carol' }]);
    } finally {
      await stop(child);
      await s.lg.close().catch(() => {});
      await s.db.cleanup().catch(() => {});
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
}
