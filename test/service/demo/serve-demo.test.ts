/**
 * `serve` with nothing configured, through `serveDemo`: in-process (banner, a green demo, stop) and as its
 * own process stopped by SIGTERM; and a demo that cannot start exits 1 with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/service/config/load.js';
import { serveDemo } from '../../../src/service/demo/serve-demo.js';
import { driveDemo, readDemoCredentials } from '../../../src/service/demo/drive-demo.js';
import { testLogger } from '../helpers/logger.js';

const fixture = fileURLToPath(new URL('./fixtures/serve-demo-main.ts', import.meta.url));
// The child runs in a temp directory, so tsx is named by its location rather than by package name.
const tsx = import.meta.resolve('tsx');

function config(dir: string) {
  const r = loadConfig({ SERVER_ADDR: '127.0.0.1:0', DB_SOURCE: join(dir, 'db.sqlite') });
  assert.ok(r.config);
  return r.config;
}

test('serveDemo: prints the URLs, the demo turns green, stops when told', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-demo-'));
  const credentialsFile = join(dir, 'demo.json');
  const stop = new AbortController();
  let banner = '';
  let printed!: () => void;
  const bannerSeen = new Promise<void>((r) => (printed = r));
  try {
    const exit = serveDemo(config(dir), {
      logger: testLogger, port: 0, credentialsFile, until: stop.signal,
      out: (t) => {
        banner += t;
        printed();
      },
    });
    await bannerSeen;
    assert.match(banner, /service: +http:\/\/127\.0\.0\.1:\d+ \(webhooks: http:\/\/127\.0\.0\.1:\d+\/hook\)/);
    assert.match(banner, /demo PR: +http:\/\/127\.0\.0\.1:\d+\/acme\/widgets\/pull\/1/);
    assert.ok(banner.includes(`credentials:    ${credentialsFile}`));
    const result = await driveDemo({ credentials: readDemoCredentials(credentialsFile), write: () => {}, pollMs: 50 });
    assert.equal(result.green, true);
    stop.abort();
    assert.equal(await exit, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serveDemo: a demo that cannot start exits 1 with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-demo-'));
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const addr = blocker.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const errors: string[] = [];
  try {
    const code = await serveDemo(config(dir), { logger: testLogger, port, credentialsFile: join(dir, 'c.json'), out: () => assert.fail('no banner'), err: (t) => errors.push(t) });
    assert.equal(code, 1);
    assert.match(errors.join(''), /failed to start the demo: .*EADDRINUSE/);
    assert.equal(existsSync(join(dir, 'c.json')), false);
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serveDemo as its own process (what npm start runs): prints the URLs and stops on SIGTERM', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-demo-'));
  try {
    const child = spawn(process.execPath, ['--import', tsx, fixture], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SERVER_ADDR: '127.0.0.1:0', NODE_OPTIONS: '--no-deprecation' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout! })) {
      lines.push(line);
      if (line.startsWith('Run ')) break;
    }
    assert.ok(lines.some((l) => /demo PR: +http:\/\/127\.0\.0\.1:\d+\/acme\/widgets\/pull\/1/.test(l)), lines.join('\n'));
    assert.ok(existsSync(join(dir, 'checks-out-demo.json')), 'credentials written in the working directory');
    assert.ok(existsSync(join(dir, 'checks-out.sqlite')), 'SQLite database in the working directory');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
