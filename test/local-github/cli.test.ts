import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { main } from '../../src/cli/main.js';
import { withIo } from '../../src/cli/io.js';
import type { Credentials } from '../../src/local-github/credentials.js';
import { quiet } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the real command in a child process and resolves with the credentials line it prints. */
function launch(args: string[]): Promise<{ child: ChildProcess; creds: Credentials; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/checks-out.js', 'local-github', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve({ child, creds: JSON.parse(line) as Credentials, exited });
      } catch (e) {
        reject(e);
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

test('local-github --seed demo prints credentials a client can use, saves state on SIGTERM, reloads it', async () => {
  const stateFile = join(dir, 'state.json');
  const credsFile = join(dir, 'creds.json');
  const first = await launch(['--seed', 'demo', '--state', stateFile, '--credentials-out', credsFile, '--app-webhook-url', 'http://127.0.0.1:9/hook']);
  const { creds } = first;
  try {
    assert.match(creds.api_url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    assert.equal(creds.app?.slug, 'checks-out');
    assert.match(creds.app!.private_key, /BEGIN RSA PRIVATE KEY/);
    assert.deepEqual(creds.installations.map((i) => i.account), ['acme']);
    assert.deepEqual(creds.users.map((u) => u.login), ['alice', 'bob', 'carol', 'dave', 'eve']);
    assert.deepEqual(JSON.parse(readFileSync(credsFile, 'utf8')), creds);
    assert.equal(statSync(credsFile).mode & 0o777, 0o600);
    // The app can read the demo repository's policy files and the PR awaiting approval.
    const app = new App({ appId: creds.app!.id, privateKey: creds.app!.private_key, Octokit: Octokit.defaults({ baseUrl: creds.api_url, log: quiet }), log: quiet });
    const octo = await app.getInstallationOctokit(creds.installations[0].id);
    const cfg = await octo.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: 'acme', repo: 'widgets', path: '.checks-out' });
    assert.match(Buffer.from((cfg.data as { content: string }).content, 'base64').toString(), /approvals/);
    const maint = await octo.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: 'acme', repo: 'widgets', path: 'MAINTAINERS' });
    assert.match(Buffer.from((maint.data as { content: string }).content, 'base64').toString(), /alice/);
    const pulls = await octo.request('GET /repos/{owner}/{repo}/pulls', { owner: 'acme', repo: 'widgets' });
    assert.deepEqual(pulls.data.map((p) => [p.number, p.state, p.user?.login]), [[1, 'open', 'bob']]);
    const teams = await octo.request('GET /orgs/{org}/teams', { org: 'acme' });
    assert.deepEqual(teams.data.map((t) => t.slug).sort(), ['maintainers', 'reviewers']);
    const hook = await app.octokit.request('GET /app/hook/config');
    assert.equal(hook.data.url, 'http://127.0.0.1:9/hook');
  } finally {
    first.child.kill('SIGTERM');
  }
  assert.equal(await first.exited, 0);
  assert.ok(existsSync(stateFile));

  const second = await launch(['--state', stateFile]);
  try {
    assert.equal(second.creds.app?.id, creds.app?.id);
    assert.deepEqual(second.creds.users, creds.users);
    const bob = new Octokit({ baseUrl: second.creds.api_url, auth: second.creds.users.find((u) => u.login === 'bob')!.token, log: quiet });
    const pr = await bob.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 1 });
    assert.equal(pr.data.title, 'Make widgets faster');
  } finally {
    second.child.kill('SIGTERM');
  }
  assert.equal(await second.exited, 0);
});

test('local-github rejects bad options with usage and exit status 2', async () => {
  for (const args of [['--port', 'abc'], ['--seed', 'other'], ['--bogus'], ['--app-webhook-url', 'ftp://x']]) {
    let stderr = '';
    const code = await withIo({ stdout: () => {}, stderr: (t) => (stderr += t), readStdin: async () => '' }, () => main(['local-github', ...args]));
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /Usage: checks-out local-github/);
  }
});

test('--public-url is advertised in URLs; a wildcard bind advertises loopback', async () => {
  const { startLocalGitHub } = await import('../../src/cli/commands/local-github.js');
  const io = { stdout: () => {}, stderr: () => {}, readStdin: async () => '' };
  const run = await withIo(io, () => startLocalGitHub(['--port', '0', '--public-url', 'http://github.local:1234']));
  try {
    assert.equal(run.lg.urls.apiBase, 'http://github.local:1234/api/v3');
  } finally {
    await run.stop();
  }
  assert.equal(await run.done, 0);
  const wild = await withIo(io, () => startLocalGitHub(['--port', '0', '--host', '0.0.0.0']));
  try {
    assert.match(wild.lg.urls.apiBase, /^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
  } finally {
    await wild.stop();
  }
});
