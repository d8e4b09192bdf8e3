/**
 * The demo's GitHub side on its own: the seeded world, the app's webhook pointed at a real receiving server
 * (deliveries signed with the app's secret), the credentials file, the state file, and port handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { loadConfig } from '../../../src/service/config/load.js';
import { startLocalDemo, DEFAULT_GITHUB_PORT } from '../../../src/service/demo/local-demo.js';
import { DEMO_APP_NAME, DEMO_AUTHOR, DEMO_MAINTAINER, DEMO_ORG, DEMO_REPO, DEMO_USERS } from '../../../src/service/demo/demo-world.js';

interface Received {
  event: string;
  signature: string;
  body: string;
}

/** A plain HTTP server standing in for the service's /hook: records what arrives. */
async function receiver(): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/hook') got.push({ event: String(req.headers['x-github-event']), signature: String(req.headers['x-hub-signature-256']), body });
      res.writeHead(req.url === '/hook' ? 202 : 404).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, got, server };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'local-demo-'));
}

test('the demo world: org, teams, repos with a policy, the app installed, a token per user', async () => {
  const dir = tempDir();
  const demo = await startLocalDemo({ port: 0, credentialsFile: join(dir, 'c.json') });
  try {
    const c = demo.credentials;
    assert.equal(c.app.slug, DEMO_APP_NAME);
    assert.deepEqual(c.installations.map((i) => i.account), [DEMO_ORG]);
    assert.deepEqual(c.users.map((u) => u.login), DEMO_USERS.map((u) => u.login));
    assert.match(c.app.private_key, /^-----BEGIN (RSA )?PRIVATE KEY-----/);
    assert.ok(c.app.webhook_secret.length >= 16);

    // The maintainer sees what the service will read, through the real API with their own token.
    const gh = new Octokit({ baseUrl: c.api_url, auth: c.users.find((u) => u.login === DEMO_MAINTAINER)!.token });
    const [owner, repo] = DEMO_REPO.split('/');
    const file = (await gh.rest.repos.getContent({ owner, repo, path: '.checks-out' })).data as { content?: string };
    assert.match(Buffer.from(file.content ?? '', 'base64').toString('utf8'), /match: maintainers\[count=1,self=false\]/);
    const team = await gh.rest.teams.listMembersInOrg({ org: DEMO_ORG, team_slug: 'maintainers' });
    assert.deepEqual(team.data.map((m) => m.login).sort(), ['alice', 'bob']);
    assert.equal((await gh.rest.pulls.list({ owner, repo })).data.length, 0, 'no PR before the service is attached');

    // The environment it gives the service is a valid App-mode configuration.
    const r = loadConfig({ ...demo.env, SERVER_ADDR: '127.0.0.1:0' });
    assert.ok(r.config, r.errors?.join('\n'));
    assert.equal(r.config.github.mode, 'app');
    assert.equal(r.config.github.apiUrl, c.api_url);
    assert.deepEqual(demo.configure({ ...r.config, github: { ...r.config.github, mode: 'local', app: undefined } }).github, r.config.github);
  } finally {
    await demo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attach: webhooks go to <service>/hook signed with the app secret; the PR opens once; credentials are written privately', async () => {
  const dir = tempDir();
  const credentialsFile = join(dir, 'checks-out-demo.json');
  const hook = await receiver();
  const demo = await startLocalDemo({ port: 0, credentialsFile });
  try {
    await assert.rejects(demo.attach('not a url'), /not a service base URL/);
    await assert.rejects(demo.attach('http://127.0.0.1:1/x y'), /not a service base URL/);
    assert.equal(existsSync(credentialsFile), false, 'nothing written for a bad URL');

    const urls = await demo.attach(`${hook.url}/`);
    assert.deepEqual(urls, { service: hook.url, github: demo.credentials.web_url, api: demo.credentials.api_url, pr: `${demo.credentials.web_url}/${DEMO_REPO}/pull/1` });
    assert.equal(demo.lg.admin.app(DEMO_APP_NAME).webhook_url, `${hook.url}/hook`);
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(credentialsFile, 'utf8')), demo.credentials);

    // The maintainer's comment through the API reaches the receiver, signed with the app's secret.
    const token = demo.credentials.users.find((u) => u.login === DEMO_MAINTAINER)!.token;
    const gh = new Octokit({ baseUrl: demo.credentials.api_url, auth: token });
    await gh.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 1, body: 'I approve' });
    await demo.lg.webhooks.idle();
    const secret = demo.credentials.app.webhook_secret;
    const opened = hook.got.find((g) => g.event === 'pull_request');
    const comment = hook.got.find((g) => g.event === 'issue_comment');
    assert.ok(opened && comment, `deliveries: ${hook.got.map((g) => g.event).join(', ')}`);
    for (const d of [opened, comment]) {
      assert.equal(await verify(secret, d.body, d.signature), true, `${d.event} is signed with the app's secret`);
      assert.equal(await verify('another secret', d.body, d.signature), false);
    }
    const op = JSON.parse(opened.body) as { action: string; number: number; pull_request: { user: { login: string } }; installation: { id: number } };
    assert.equal(op.action, 'opened');
    assert.equal(op.pull_request.user.login, DEMO_AUTHOR);
    assert.equal(op.installation.id, demo.credentials.installations[0].id);
    const cm = JSON.parse(comment.body) as { comment: { body: string; user: { login: string } }; issue: { number: number } };
    assert.deepEqual([cm.comment.body, cm.comment.user.login, cm.issue.number], ['I approve', DEMO_MAINTAINER, 1]);

    // Attaching again (e.g. a restarted service) moves the webhook but does not open a second PR.
    const again = await demo.attach('http://127.0.0.1:9');
    assert.equal(again.pr, urls.pr);
    assert.equal(demo.lg.state.pullsOf(demo.lg.admin.repo(DEMO_REPO).id).length, 1);
  } finally {
    await demo.stop();
    hook.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state file keeps the demo world across restarts (same app, tokens and PR)', async () => {
  const dir = tempDir();
  const stateFile = join(dir, 'local-github.json');
  const first = await startLocalDemo({ port: 0, stateFile, credentialsFile: null });
  await first.attach('http://127.0.0.1:9');
  const before = first.credentials;
  await first.stop();
  await first.stop(); // idempotent
  assert.equal(statSync(stateFile).mode & 0o777, 0o600, 'the state holds tokens and the private key');

  const second = await startLocalDemo({ port: 0, stateFile, credentialsFile: null });
  try {
    assert.equal(second.credentials.app.id, before.app.id);
    assert.equal(second.credentials.app.private_key, before.app.private_key);
    assert.deepEqual(second.credentials.users, before.users);
    const urls = await second.attach('http://127.0.0.1:9');
    assert.equal(second.credentials.demo.pull_number, before.demo.pull_number);
    assert.equal(urls.pr, `${second.credentials.web_url}/${DEMO_REPO}/pull/${before.demo.pull_number}`);
    assert.equal(second.lg.state.pullsOf(second.lg.admin.repo(DEMO_REPO).id).length, 1);
  } finally {
    await second.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ports: the default port falls back to an ephemeral one when taken; an explicit taken port is an error', async () => {
  const blocker = createServer();
  blocker.on('error', () => {}); // already taken by something else: the fallback is exercised all the same
  blocker.listen(DEFAULT_GITHUB_PORT, '127.0.0.1');
  await Promise.race([once(blocker, 'listening'), once(blocker, 'error')]);
  try {
    const demo = await startLocalDemo({ credentialsFile: null });
    try {
      assert.notEqual(new URL(demo.credentials.api_url).port, String(DEFAULT_GITHUB_PORT));
    } finally {
      await demo.stop();
    }
    await assert.rejects(startLocalDemo({ port: DEFAULT_GITHUB_PORT, credentialsFile: null }), /EADDRINUSE/);
  } finally {
    blocker.close();
  }
});
