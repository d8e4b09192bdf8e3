/**
 * Non-default branding end to end (spec §0, docs/service.md): a service started from an environment with
 * BRANDING_NAME, BRANDING_SHORT_NAME and CHECK_RUN_NAME reads `.<name>`, reports its check run under the
 * configured name and its commit status in `approvals/<name>`, answers only to those, and leaves the
 * default context to whoever else uses it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { checksFor } from '../../../src/local-github/checks/index.js';
import type { LocalGitHub } from '../../../src/local-github/server.js';
import { loadConfig } from '../../../src/service/config/load.js';
import { makePipelineHandler } from '../../../src/service/pipeline/service-handler.js';
import { startService, type RunningService } from '../../../src/service/server.js';
import { testLogger } from '../helpers/logger.js';
import { ORG, REPO } from './harness.js';
import { attachService, serveEnv } from './serve-env.js';

const BRAND = 'gatekeeper';
const SHORT = 'gk';
const RUN_NAME = 'Approval gate';
const CONTEXT = `approvals/${BRAND}`;
const DEFAULT_CONTEXT = 'approvals/checks-out';
const BOT = `${BRAND}[bot]`;

interface Branded {
  lg: LocalGitHub;
  service: RunningService;
  apiUrl: string;
  secret: string;
  installationId: number;
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The local GitHub with acme/widgets, and the service as `serve` assembles it from a branded environment. */
async function startBranded(): Promise<Branded> {
  const gh = await serveEnv({
    dirPrefix: 'checks-out-brand-',
    users: ['alice', 'bob', 'carol', 'mallory'],
    members: ['alice', 'bob', 'carol'],
    appName: BRAND,
    files: {
      'README.md': 'widgets\n',
      // The branded service reads `.gatekeeper`; `.checks-out` (which would approve with one) is not its file.
      [`.${BRAND}`]: '{ approvals: [ { name: "gate", match: "all[count=2,self=false]" } ] }\n',
      '.checks-out': '{ approvals: [ { name: "not-ours", match: "all[count=1,self=false]" } ] }\n',
      MAINTAINERS: 'alice\nbob\ncarol\n',
    },
  });
  let service: RunningService | undefined;
  const close = async () => {
    await service?.stop(2000).catch(() => {});
    await gh.cleanup();
  };
  try {
    const { config, errors } = loadConfig({ ...gh.env, BRANDING_NAME: BRAND, BRANDING_SHORT_NAME: SHORT, CHECK_RUN_NAME: RUN_NAME });
    assert.deepEqual(errors ?? [], []);
    assert.ok(config);
    assert.deepEqual([config.branding, config.checkRunName], [{ name: BRAND, shortName: SHORT }, RUN_NAME]);
    const running = await startService(config, {
      logger: testLogger,
      makeHandler: (deps) => makePipelineHandler(deps, { wake: deps.wake, client: { throttling: false, retryAfterBaseMs: 1 } }),
    });
    service = running;
    const { installationId, settle } = await attachService(gh, running);
    return { lg: gh.lg, service: running, apiUrl: gh.apiUrl, secret: gh.secret, installationId, settle, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function withBranded(fn: (b: Branded) => Promise<void>): Promise<void> {
  const b = await startBranded();
  try {
    await fn(b);
  } finally {
    await b.close();
  }
}

async function openPull(b: Branded): Promise<{ number: number; sha: string }> {
  const sha = b.lg.admin.push(REPO, { branch: 'feature', files: { 'src/feature.ts': 'export const x = 1;\n' }, author: 'alice' });
  const { number } = b.lg.admin.openPull(REPO, { author: 'alice', title: 'Add a feature', head: 'feature' });
  await b.settle();
  return { number, sha };
}

/** The latest status of each context on `sha`, as GitHub lists them. */
async function statuses(b: Branded, sha: string): Promise<Map<string, { state: string; description: string; creator: string }>> {
  const res = await fetch(`${b.apiUrl}/repos/${REPO}/commits/${sha}/statuses?per_page=100`, { headers: { authorization: `token ${b.lg.admin.token('owner')}` } });
  assert.equal(res.status, 200);
  const list = (await res.json()) as { context: string; state: string; description: string | null; creator: { login: string } | null }[];
  const out = new Map<string, { state: string; description: string; creator: string }>();
  // Newest first: the first of each context is its current state.
  for (const s of list) if (!out.has(s.context)) out.set(s.context, { state: s.state, description: s.description ?? '', creator: s.creator?.login ?? '' });
  return out;
}

function runs(b: Branded, sha: string) {
  return checksFor(b.lg.ctx)!.runsForCommit(b.lg.admin.repo(REPO), sha);
}

async function decisionCount(b: Branded, pr: number): Promise<number> {
  return (await b.service.sdb.db.selectFrom('decisions').select('id').where('pr_number', '=', pr).execute()).length;
}

/** A signed delivery as GitHub would send it; returns the intake's answer. */
async function deliver(b: Branded, event: string, payload: Record<string, unknown>): Promise<{ status: number; body: { status?: string; reason?: string } }> {
  const body = JSON.stringify({ ...payload, installation: { id: b.installationId } });
  const res = await fetch(`${b.service.url}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomBytes(8).toString('hex'), 'x-hub-signature-256': await sign(b.secret, body) },
    body,
  });
  const answer = { status: res.status, body: (await res.json()) as { status?: string; reason?: string } };
  await b.settle();
  return answer;
}

test('branding from the environment: `.<name>` is read, the run carries CHECK_RUN_NAME, the status approvals/<name>, texts the short name', async () => {
  await withBranded(async (b) => {
    const pr = await openPull(b);
    let seen = await statuses(b, pr.sha);
    assert.deepEqual(seen.get(CONTEXT), { state: 'pending', description: 'no approvals received', creator: BOT });
    assert.equal(seen.has(DEFAULT_CONTEXT), false, 'nothing posted in the default context');
    assert.deepEqual(runs(b, pr.sha).map((r) => [r.name, r.status, r.conclusion]), [[RUN_NAME, 'completed', 'action_required']]);

    // `.gatekeeper` asks for two approvals (`.checks-out` would have been satisfied by one).
    b.lg.admin.comment(REPO, pr.number, 'bob', 'I approve');
    await b.settle();
    seen = await statuses(b, pr.sha);
    assert.deepEqual(seen.get(CONTEXT), { state: 'pending', description: `more approvals needed. ${SHORT}: bob`, creator: BOT });
    b.lg.admin.comment(REPO, pr.number, 'carol', 'I approve');
    await b.settle();
    seen = await statuses(b, pr.sha);
    assert.deepEqual(seen.get(CONTEXT), { state: 'success', description: 'approved by bob,carol', creator: BOT });
    assert.equal(seen.has(DEFAULT_CONTEXT), false);
    const [run, ...others] = runs(b, pr.sha);
    assert.deepEqual(others, [], 'one run, updated in place');
    assert.deepEqual([run.name, run.conclusion, run.title], [RUN_NAME, 'success', 'approved by bob,carol']);
    assert.match(run.summary ?? '', /gate/);
    assert.doesNotMatch(run.summary ?? '', /not-ours/);

    // The echoes of its own statuses in the branded context are recognised at intake: no job for any.
    const echoes = [...b.lg.state.deliveries.values()].filter((d) => d.event === 'status');
    assert.ok(echoes.length >= 3, `${echoes.length} status deliveries`);
    for (const d of echoes) assert.match(d.response?.payload ?? '', /"status":"ignored"/);

    // The Re-evaluate button of the branded run is answered.
    const before = await decisionCount(b, pr.number);
    checksFor(b.lg.ctx)!.clickAction(b.lg.admin.repo(REPO), run.id, 'reevaluate', b.lg.state.accountByLogin('bob')!.id);
    await b.settle();
    assert.equal(await decisionCount(b, pr.number), before + 1);
  });
});

test('branding: a forged status in approvals/<name> is corrected; one in the default context is left alone', async () => {
  await withBranded(async (b) => {
    const pr = await openPull(b);
    const decisions = await decisionCount(b, pr.number);

    b.lg.admin.status(REPO, pr.sha, 'mallory', 'success', CONTEXT, 'approved by everyone');
    await b.settle();
    assert.deepEqual((await statuses(b, pr.sha)).get(CONTEXT), { state: 'pending', description: 'no approvals received', creator: BOT });
    assert.equal(await decisionCount(b, pr.number), decisions + 1);

    // The default context is not this service's: not corrected, not even evaluated.
    b.lg.admin.status(REPO, pr.sha, 'mallory', 'success', DEFAULT_CONTEXT, 'approved by everyone');
    await b.settle();
    const seen = await statuses(b, pr.sha);
    assert.deepEqual(seen.get(DEFAULT_CONTEXT), { state: 'success', description: 'approved by everyone', creator: 'mallory' });
    assert.deepEqual(seen.get(CONTEXT), { state: 'pending', description: 'no approvals received', creator: BOT });
    assert.equal(await decisionCount(b, pr.number), decisions + 1);
    const last = [...b.lg.state.deliveries.values()].filter((d) => d.event === 'status').at(-1);
    assert.match(last?.response?.payload ?? '', /"status":"ignored"/);
  });
});

test('branding: check_run events are answered for CHECK_RUN_NAME only', async () => {
  await withBranded(async (b) => {
    const pr = await openPull(b);
    const repository = { full_name: REPO, name: 'widgets', owner: { login: ORG } };
    const checkRun = (name: string) => ({ name, head_sha: pr.sha, pull_requests: [{ number: pr.number }] });
    const before = await decisionCount(b, pr.number);

    const other = await deliver(b, 'check_run', { action: 'rerequested', repository, check_run: checkRun('checks-out') });
    assert.equal(other.status, 200);
    assert.equal(other.body.status, 'ignored');
    assert.equal(await decisionCount(b, pr.number), before);

    const ours = await deliver(b, 'check_run', { action: 'rerequested', repository, check_run: checkRun(RUN_NAME) });
    assert.equal(ours.status, 202);
    assert.equal(await decisionCount(b, pr.number), before + 1);
    assert.deepEqual(runs(b, pr.sha).map((r) => r.name), [RUN_NAME]);
  });
});

test('branding: the service speaks as BRANDING_SHORT_NAME in comments and does not answer its own comment', async () => {
  await withBranded(async (b) => {
    const pr = await openPull(b);
    // bob adds a commit, then approves with carol: the committer's approval needs the author's or a third
    // person's (spec §6.4), and the service says so once, prefixed with its short name.
    const sha = b.lg.admin.push(REPO, { branch: 'feature', files: { 'src/bob.ts': 'bob was here\n' }, author: 'bob' });
    await b.settle();
    b.lg.admin.comment(REPO, pr.number, 'carol', 'I approve');
    await b.settle();
    b.lg.admin.comment(REPO, pr.number, 'bob', 'I approve');
    await b.settle();
    assert.deepEqual((await statuses(b, sha)).get(CONTEXT), { state: 'error', description: 'non-committer or PR author must approve', creator: BOT });
    const comments = [...b.lg.state.deliveries.values()].filter((d) => d.event === 'issue_comment');
    const own = comments.filter((d) => (JSON.parse(d.request.payload) as { comment: { user: { login: string } } }).comment.user.login === BOT);
    assert.equal(own.length, 1);
    const body = (JSON.parse(own[0].request.payload) as { comment: { body: string } }).comment.body;
    assert.match(body, new RegExp(`^Message from ${SHORT} -- Someone besides the committers and the PR author should approve`));
    // Its own comment comes back as a webhook: recognised by the short name, answered without a job.
    assert.match(own[0].response?.payload ?? '', /"status":"ignored"/);
    const decisions = await b.service.sdb.db.selectFrom('decisions').select('deliveries').where('pr_number', '=', pr.number).execute();
    assert.ok(decisions.every((d) => !d.deliveries.includes(own[0].guid)));

    // The author's approval affirms the others' commits.
    b.lg.admin.comment(REPO, pr.number, 'alice', 'I approve');
    await b.settle();
    assert.deepEqual((await statuses(b, sha)).get(CONTEXT), { state: 'success', description: 'approved by bob,carol', creator: BOT });
  });
});
