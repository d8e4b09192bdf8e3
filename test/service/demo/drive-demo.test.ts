/**
 * `checks-out demo` on bad input and against a demo that never turns green: hostile credentials files, a
 * service that is not running, a closed PR, a timeout, and the command's argument handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driveDemo, fetchDemoCredentials, parseDemoCredentials, readDemoCredentials, type DriveCredentials } from '../../../src/service/demo/drive-demo.js';
import { startLocalDemo } from '../../../src/service/demo/local-demo.js';
import { createLocalGitHub } from '../../../src/local-github/server.js';
import { seedDemo } from '../../../src/local-github/seed/demo.js';
import { DEMO_MAINTAINER, DEMO_REPO } from '../../../src/service/demo/demo-world.js';
import { command } from '../../../src/cli/commands/demo.js';

const valid: DriveCredentials = {
  api_url: 'http://127.0.0.1:3001/api/v3',
  web_url: 'http://127.0.0.1:3001',
  app: { id: 1, slug: 'checks-out' },
  users: [{ login: 'alice', token: 'ghp_x' }],
  demo: { service_url: 'http://127.0.0.1:8000', repo: 'acme/widgets', pull_number: 1, pr_url: 'http://127.0.0.1:3001/acme/widgets/pull/1', maintainer: 'alice' },
};

test('credentials files: not JSON, wrong shapes and hostile values are refused with a reason', () => {
  assert.deepEqual(parseDemoCredentials(JSON.stringify(valid), 'f'), valid);
  assert.throws(() => parseDemoCredentials('{', 'f.json'), /f\.json is not JSON/);
  assert.throws(() => parseDemoCredentials('null', 'f'), /not a checks-out demo credentials file: \(root\)/);
  assert.throws(() => parseDemoCredentials('{}', 'f'), /api_url/);
  const bad = (patch: (c: Record<string, unknown>) => void) => {
    const c = structuredClone(valid) as unknown as Record<string, unknown>;
    patch(c);
    return () => parseDemoCredentials(JSON.stringify(c), 'f');
  };
  assert.throws(bad((c) => (c.api_url = 'javascript:alert(1)')), /api_url: must be an http\(s\) URL/);
  assert.throws(bad((c) => ((c.demo as Record<string, unknown>).repo = '../../etc/passwd')), /demo\.repo/);
  assert.throws(bad((c) => ((c.demo as Record<string, unknown>).pull_number = -1)), /demo\.pull_number/);
  assert.throws(bad((c) => ((c.demo as Record<string, unknown>).pull_number = '1')), /demo\.pull_number/);
  assert.throws(bad((c) => (c.users = 'alice')), /users/);
  // A __proto__ key is plain data: no pollution, and the file still has to be complete.
  const polluted = parseDemoCredentials(`{"__proto__":{"polluted":1},${JSON.stringify(valid).slice(1)}`, 'f');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((polluted as unknown as Record<string, unknown>).polluted, undefined);
});

test('readDemoCredentials refuses an oversized file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drive-demo-'));
  try {
    const file = join(dir, 'big.json');
    writeFileSync(file, ' '.repeat(2 * 1024 * 1024));
    assert.throws(() => readDemoCredentials(file), /too large/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('driveDemo: no service, no maintainer token, a closed PR, and a demo that never turns green', async () => {
  const demo = await startLocalDemo({ port: 0, credentialsFile: null });
  // A stand-in service: healthy, but it never evaluates anything.
  const service = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end());
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
  const addr = service.address();
  const serviceUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  try {
    await demo.attach(serviceUrl);
    const c = demo.credentials;
    await assert.rejects(driveDemo({ credentials: c, serviceUrl: 'http://127.0.0.1:9', write: () => {} }), /does not answer at http:\/\/127\.0\.0\.1:9\/healthz/);
    await assert.rejects(
      driveDemo({ credentials: { ...c, users: c.users.filter((u) => u.login !== DEMO_MAINTAINER) }, write: () => {} }),
      /no token for the maintainer alice/,
    );

    const lines: string[] = [];
    const result = await driveDemo({ credentials: c, timeoutMs: 300, pollMs: 50, write: (l) => lines.push(l) });
    assert.equal(result.green, false);
    assert.equal(result.check, undefined);
    assert.equal(result.status, undefined);
    assert.match(lines.join('\n'), /alice commented "I approve"/);
    assert.match(lines.join('\n'), /check run: no check run yet; status: none yet/);
    assert.match(lines.at(-1)!, /Gave up after 0 s without a green check/);

    demo.lg.admin.closePull(DEMO_REPO, 1, 'alice');
    await assert.rejects(driveDemo({ credentials: c, write: () => {} }), /acme\/widgets#1 is closed/);
  } finally {
    service.close();
    await demo.stop();
  }
});

test('checks-out demo: argument errors exit 2, a missing or broken credentials file exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-cmd-'));
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.equal(await command.run(['--bogus']), 2);
    assert.equal(await command.run(['extra']), 2);
    assert.equal(await command.run(['--timeout', 'soon']), 2);
    assert.equal(await command.run(['--timeout', '0']), 2);
    assert.equal(await command.run(['--service', 'ftp://x']), 2);
    assert.equal(await command.run(['--github', 'not a url']), 2);
    assert.equal(await command.run(['--credentials', join(dir, 'missing.json')]), 1);
    assert.match(errors.join(''), /missing\.json not found\. Start the demo first/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"api_url": 1}');
    assert.equal(await command.run(['--credentials', broken]), 1);
    assert.match(errors.at(-1)!, /broken\.json is not a checks-out demo credentials file: api_url/);
  } finally {
    process.stderr.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fetchDemoCredentials: from a running demo control API; refuses other servers with a reason', async () => {
  const demo = await startLocalDemo({ port: 0, credentialsFile: null });
  const other = createLocalGitHub();
  const junk = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(req.url?.startsWith('/_emulator') ? '{"api_url":"file:///etc"}' : '{}'));
  try {
    await demo.attach('http://127.0.0.1:9');
    const c = await fetchDemoCredentials(`${demo.credentials.web_url}/`, 'http://127.0.0.1:9/');
    assert.deepEqual(c.demo, { ...demo.credentials.demo, service_url: 'http://127.0.0.1:9' });
    assert.equal(c.app.id, demo.credentials.app.id);
    assert.deepEqual(c.users.find((u) => u.login === DEMO_MAINTAINER), demo.credentials.users.find((u) => u.login === DEMO_MAINTAINER));

    // The local GitHub's own `--seed demo` world has the app and alice, but not this demo's PR.
    seedDemo(other);
    const { web_url } = await other.start(0);
    await assert.rejects(fetchDemoCredentials(web_url, 'http://127.0.0.1:9'), /acme\/widgets has no open pull request "Add a colour option to widgets"/);

    junk.listen(0, '127.0.0.1');
    await once(junk, 'listening');
    const addr = junk.address();
    const junkUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    await assert.rejects(fetchDemoCredentials(junkUrl, 'http://127.0.0.1:9'), /did not answer with local GitHub credentials: api_url/);
    await assert.rejects(fetchDemoCredentials('http://127.0.0.1:9', 'http://127.0.0.1:9'), /could not read the demo credentials from http:\/\/127\.0\.0\.1:9\/_emulator\/credentials/);
  } finally {
    junk.close();
    await other.close();
    await demo.stop();
  }
});
