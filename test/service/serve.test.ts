import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { openDatabase } from '../../src/service/db/connect.js';
import { pushTime } from '../../src/service/store/push-times.js';

const bin = fileURLToPath(new URL('../../bin/checks-out.js', import.meta.url));
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, ...extra };
}

test('serve lists every configuration error at once and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-'));
  try {
    writeFileSync(join(dir, '.env'), 'LOG_LEVEL=loud\nnot a line\n');
    const child = spawn(process.execPath, [bin, 'serve'], { cwd: dir, env: cleanEnv({ DB_DRIVER: 'oracle', GITHUB_APP_ID: 'x' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b) => (stderr += b));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 1);
    assert.match(stderr, /invalid configuration \(\d+ errors\)/);
    for (const needle of ['.env:2: expected KEY=value', "LOG_LEVEL 'loud'", "DB_DRIVER 'oracle'", "GITHUB_APP_ID 'x'", 'GITHUB_WEBHOOK_SECRET'])
      assert.ok(stderr.includes(needle), `stderr mentions ${needle}:\n${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --check-config and bad arguments', async () => {
  const run = async (args: string[], env: Record<string, string>) => {
    const child = spawn(process.execPath, [bin, 'serve', ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (b) => (out += b));
    child.stderr!.on('data', (b) => (out += b));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, out };
  };
  const ok = await run(['--check-config', '--dotenv', '/dev/null'], { GITHUB_CLIENT: 'a', GITHUB_SECRET: 'b' });
  assert.equal(ok.code, 0);
  assert.match(ok.out, /configuration is valid \(GitHub mode: token, database: sqlite\)/);
  assert.equal((await run(['--bogus'], {})).code, 2);
  assert.equal((await run(['--dotenv', '/nonexistent/.env'], {})).code, 2);
});

test('serve: migrates, accepts a signed delivery, processes it, exposes metrics, stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-'));
  try {
    const secret = 'e2e-secret';
    const child = spawn(process.execPath, [bin, 'serve'], {
      cwd: dir,
      env: cleanEnv({ SERVER_ADDR: '127.0.0.1:0', GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: PEM, GITHUB_WEBHOOK_SECRET: secret, LOG_LEVEL: 'error' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    const url = /listening on (\S+)/.exec(line)?.[1];
    assert.ok(url, line);
    assert.equal(statSync(join(dir, 'checks-out.key')).mode & 0o777, 0o600, 'generated secret key file is private');

    const sha = 'c'.repeat(40);
    const body = JSON.stringify({ ref: 'refs/heads/feature', after: sha, deleted: false, repository: { full_name: 'acme/app', owner: { login: 'acme' } } });
    const post = (signature: string, delivery: string) =>
      fetch(`${url}/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature }, body });
    assert.equal((await post(await sign('wrong', body), 'e2e-0')).status, 401);
    const res = await post(await sign(secret, body), 'e2e-1');
    assert.equal(res.status, 202);

    const sdb = openDatabase('sqlite', join(dir, 'checks-out.sqlite'));
    try {
      let seen;
      while (!(seen = await pushTime(sdb, 'acme/app', sha))) await new Promise((r) => setTimeout(r, 20));
      assert.equal(seen.source, 'push');
      const rows = await sdb.db.selectFrom('deliveries').select(['id', 'status']).execute();
      assert.deepEqual(rows.map((r) => r.id), ['e2e-1']);
    } finally {
      await sdb.close();
    }
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /checksout_webhook_deliveries_total\{event="push",outcome="queued"\} 1/);
    assert.match(metrics, /checksout_webhook_deliveries_total\{event="push",outcome="unauthorized"\} 1/);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
