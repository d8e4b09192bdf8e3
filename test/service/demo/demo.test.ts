/**
 * The out-of-the-box demo end to end: local GitHub with the demo world + the service in App mode on a temp
 * SQLite file, then `checks-out demo`'s driver approves the PR as the maintainer and the check run and the
 * commit status must turn green. Everything is real HTTP on ephemeral loopback ports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { loadConfig } from '../../../src/service/config/load.js';
import type { ServiceConfig } from '../../../src/service/config/types.js';
import { startDemoService, demoBanner, type RunningDemo } from '../../../src/service/demo/demo-service.js';
import { driveDemo, readDemoCredentials } from '../../../src/service/demo/drive-demo.js';
import { DEMO_AUTHOR, DEMO_MAINTAINER, DEMO_PR_TITLE, DEMO_REPO } from '../../../src/service/demo/demo-world.js';
import { testLogger } from '../helpers/logger.js';
import { command } from '../../../src/cli/commands/demo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function demoConfig(dir: string): ServiceConfig {
  const r = loadConfig({ SERVER_ADDR: '127.0.0.1:0', DB_SOURCE: join(dir, 'checks-out.sqlite'), WORKER_CONCURRENCY: '2' });
  assert.ok(r.config, r.errors?.join('\n'));
  assert.equal(r.config.github.mode, 'local', 'nothing configured means the local demo');
  return r.config;
}

/** Polls the demo PR's commit status as the PR author until `pred` holds (the test runner's timeout bounds it). */
async function waitForStatus(running: RunningDemo, pred: (s: { state: string; description: string | null } | undefined) => boolean) {
  const c = running.demo.credentials;
  const token = c.users.find((u) => u.login === DEMO_AUTHOR)!.token;
  const gh = new Octokit({ baseUrl: c.api_url, auth: token });
  const [owner, repo] = DEMO_REPO.split('/');
  const { data: pr } = await gh.rest.pulls.get({ owner, repo, pull_number: c.demo.pull_number });
  for (;;) {
    const { data } = await gh.rest.repos.getCombinedStatusForRef({ owner, repo, ref: pr.head.sha });
    const s = data.statuses.find((x) => x.context === 'approvals/checks-out');
    if (pred(s)) return { status: s, gh, sha: pr.head.sha };
    await sleep(50);
  }
}

test('npm start demo: the maintainer approves and the check run and status turn green', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  const credentialsFile = join(dir, 'checks-out-demo.json');
  let running: RunningDemo | undefined;
  try {
    running = await startDemoService(demoConfig(dir), { logger: testLogger, port: 0, credentialsFile });
    const { urls, demo } = running;
    assert.equal(urls.service, running.service.config.server.publicUrl);
    assert.equal(new URL(urls.service).port, new URL(running.service.url).port, 'the ephemeral port is the one listened on');
    assert.equal(urls.pr, `${urls.github}/${DEMO_REPO}/pull/1`);
    assert.match(demoBanner(urls, credentialsFile), new RegExp(`demo PR: +${urls.pr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    // The app's webhook points at the service, and the credentials file is private.
    assert.equal(demo.lg.admin.app(demo.credentials.app.id).webhook_url, `${urls.service}/hook`);
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    const onDisk = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { demo: { service_url: string; pull_number: number } };
    assert.deepEqual(onDisk.demo, { ...demo.credentials.demo });

    // The PR opened once the service listened: it is evaluated and waits for a maintainer.
    const pending = await waitForStatus(running, (s) => s !== undefined);
    assert.equal(pending.status?.state, 'pending');
    assert.equal(pending.status?.description, 'no approvals received');
    const [owner, repo] = DEMO_REPO.split('/');
    const before = await pending.gh.rest.checks.listForRef({ owner, repo, ref: pending.sha });
    const run0 = before.data.check_runs.find((r) => r.name === 'checks-out');
    assert.ok(run0, 'a checks-out check run exists before the approval');

    const lines: string[] = [];
    const result = await driveDemo({ credentials: readDemoCredentials(credentialsFile), write: (l) => lines.push(l), timeoutMs: 60_000, pollMs: 50 });
    assert.equal(result.green, true, lines.join('\n'));
    assert.deepEqual(result.check, { status: 'completed', conclusion: 'success', title: `approved by ${DEMO_MAINTAINER}` });
    assert.deepEqual(result.status, { state: 'success', description: `approved by ${DEMO_MAINTAINER}`, context: 'approvals/checks-out' });
    assert.equal(result.prUrl, urls.pr);
    assert.match(lines[0], new RegExp(`${DEMO_REPO}#1 "${DEMO_PR_TITLE}" by ${DEMO_AUTHOR}`));
    assert.ok(lines.some((l) => l.startsWith(`${DEMO_MAINTAINER} commented "I approve"`)), lines.join('\n'));
    assert.match(lines.at(-1)!, /Approved: the check run and the commit status are green/);

    // What GitHub shows: the maintainer's comment, and the app's completed run on the head commit.
    const comments = await pending.gh.rest.issues.listComments({ owner, repo, issue_number: 1 });
    assert.ok(comments.data.some((c) => c.user?.login === DEMO_MAINTAINER && c.body === 'I approve'));
    const after = await pending.gh.rest.checks.listForRef({ owner, repo, ref: pending.sha, check_name: 'checks-out' });
    const done = after.data.check_runs.find((r) => r.conclusion === 'success');
    assert.ok(done, 'the check run is success');
    assert.equal(done.app?.slug, 'checks-out');
    assert.equal(done.details_url, `${urls.service}/pr/${DEMO_REPO}/1`);

    // The printed PR page exists and shows the PR, the green status and the maintainer's comment.
    const page = await fetch(urls.pr);
    assert.equal(page.status, 200);
    const html = await page.text();
    for (const needle of [DEMO_PR_TITLE, `approved by ${DEMO_MAINTAINER}`, 'I approve']) assert.ok(html.includes(needle), `PR page shows ${needle}`);

    // The command without the file: credentials from the local GitHub's control API; already green → 0.
    assert.equal(await command.run(['--github', urls.github, '--service', urls.service, '--timeout', '60']), 0);

    // As docs/demo.md says: the author's own approval does not count, a maintainer's disapproval blocks.
    const as = (login: string) => new Octokit({ baseUrl: demo.credentials.api_url, auth: demo.credentials.users.find((u) => u.login === login)!.token });
    await as(DEMO_AUTHOR).rest.issues.createComment({ owner, repo, issue_number: 1, body: 'I approve' });
    await as('bob').rest.issues.createComment({ owner, repo, issue_number: 1, body: 'I disapprove' });
    const blocked = await waitForStatus(running, (s) => s?.state === 'pending');
    assert.equal(blocked.status?.description, 'blocked by bob');
  } finally {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
