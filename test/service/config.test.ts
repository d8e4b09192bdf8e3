import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig, parseListenAddress } from '../../src/service/config/load.js';
import { parseEnvFile, readEnvironment } from '../../src/service/config/env-file.js';
import { parseGoDuration } from '../../src/service/config/duration.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const KEY_HEX = 'ab'.repeat(32);

test('an empty environment gives the local-demo defaults', () => {
  const r = loadConfig({});
  assert.equal(r.errors, undefined);
  const c = r.config!;
  assert.equal(c.server.port, 8000);
  assert.equal(c.server.host, undefined);
  assert.equal(c.db.driver, 'sqlite');
  assert.equal(c.db.source, 'checks-out.sqlite');
  assert.equal(c.github.mode, 'local');
  assert.equal(c.github.apiUrl, 'https://api.github.com');
  assert.equal(c.branding.name, 'checks-out');
  assert.equal(c.branding.shortName, 'checks-out');
  assert.equal(c.checkRunName, 'checks-out');
  assert.equal(c.cache.ttlMs, 15 * 60_000);
  assert.equal(c.cache.longTtlMs, 24 * 3_600_000);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.secretKey, undefined);
  assert.equal(c.server.publicUrl, 'http://localhost:8000');
});

test('every error is reported at once', () => {
  const r = loadConfig({
    SERVER_ADDR: 'nope',
    SERVER_CERT: '/cert.pem',
    DB_DRIVER: 'mysql',
    GITHUB_URL: 'http://github.example.com/',
    GITHUB_APP_ID: 'abc',
    BRANDING_NAME: 'bad name!',
    DEFAULT_PATTERN: '(?=lookahead)',
    CACHE_TTL: '15 minutes',
    LOG_LEVEL: 'Verbose',
    CHECKS_OUT_SECRET_KEY: 'short',
    LIMIT_USERS: 'maybe',
    WORKER_CONCURRENCY: '0',
    WORKER_THREADS: '17',
    GITHUB_WRITE_INTERVAL: 'often',
  });
  assert.ok(r.errors);
  const expected = [
    "Environment variable SERVER_ADDR 'nope' must be [host]:port with a port from 0 to 65535",
    'Both server SSL certificate and SSL must be specified for SSL.',
    "Environment variable DB_DRIVER 'mysql' must be one of: 'sqlite', 'postgres'",
    "GITHUB_URL must have prefix 'https://'",
    "Environment variable GITHUB_APP_ID 'abc' must be a positive integer",
    'Missing required environment variable GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE)',
    'Missing required environment variable GITHUB_WEBHOOK_SECRET',
    "Environment variable LOG_LEVEL 'verbose' must be one of: 'debug', 'info', 'warn', 'error', 'fatal', 'panic'",
    "Environment variable CACHE_TTL '15 minutes' must be a duration such as 15m, 1h30m or 500ms",
    'Environment variable CHECKS_OUT_SECRET_KEY must be 32 bytes written as 64 hex digits or base64',
    "Environment variable LIMIT_USERS 'maybe' must be a boolean (true or false)",
  ];
  for (const e of expected) assert.ok(r.errors.includes(e), `missing error: ${e}\n got: ${r.errors.join('\n')}`);
  assert.ok(r.errors.some((e) => e.startsWith("Environment variable BRANDING_NAME 'bad name!'")));
  assert.ok(r.errors.some((e) => e.startsWith('Environment variable DEFAULT_PATTERN is not a valid RE2')));
  assert.ok(r.errors.some((e) => e.startsWith("Environment variable WORKER_CONCURRENCY '0'")));
  assert.ok(r.errors.some((e) => e.startsWith("Environment variable WORKER_THREADS '17'") && e.includes('at most 16')), r.errors.join('\n'));
  assert.ok(r.errors.includes("Environment variable GITHUB_WRITE_INTERVAL 'often' must be a duration such as 15m, 1h30m or 500ms"), r.errors.join('\n'));
});

test('worker threads and write spacing: defaults and values', () => {
  const base = { GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM, GITHUB_WEBHOOK_SECRET: 's' };
  const d = loadConfig(base);
  assert.equal(d.config?.queue.threads, 1);
  assert.equal(d.config?.github.writeIntervalMs, 0);
  const v = loadConfig({ ...base, WORKER_THREADS: '0', GITHUB_WRITE_INTERVAL: '1s' });
  assert.equal(v.config?.queue.threads, 0);
  assert.equal(v.config?.github.writeIntervalMs, 1000);
});

test('GitHub App mode with a key file, Enterprise API base, postgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  try {
    writeFileSync(join(dir, 'key.pem'), PEM);
    const r = loadConfig({
      SERVER_ADDR: '127.0.0.1:9000',
      DB_DRIVER: 'postgres',
      DB_SOURCE: 'postgres://u@localhost/db',
      GITHUB_URL: 'https://ghe.example.com/',
      GITHUB_APP_ID: '42',
      GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'key.pem'),
      GITHUB_WEBHOOK_SECRET: 's3cret',
      CHECKS_OUT_SECRET_KEY: KEY_HEX,
      LOG_LEVEL: 'DEBUG',
      CACHE_TTL: '1h30m',
      CHECK_RUN_NAME: 'approvals',
    });
    assert.deepEqual(r.errors, undefined);
    const c = r.config!;
    assert.equal(c.github.mode, 'app');
    assert.equal(c.github.webUrl, 'https://ghe.example.com');
    assert.equal(c.github.apiUrl, 'https://ghe.example.com/api/v3');
    assert.equal(c.github.app?.id, 42);
    assert.equal(c.github.app?.privateKey, PEM.trim());
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.cache.ttlMs, 90 * 60_000);
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.server.port, 9000);
    assert.equal(c.secretKey?.length, 32);
    assert.equal(c.checkRunName, 'approvals');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('token mode requires both OAuth values; postgres requires a source and a secret key', () => {
  const r = loadConfig({ GITHUB_CLIENT: 'id', DB_DRIVER: 'postgres' });
  assert.ok(r.errors);
  assert.ok(r.errors.includes('Missing required environment variable GITHUB_SECRET'));
  assert.ok(r.errors.includes('Missing required environment variable DB_SOURCE'));
  assert.ok(r.errors.includes('Missing required environment variable CHECKS_OUT_SECRET_KEY (required with DB_DRIVER=postgres)'));
  const ok = loadConfig({ GITHUB_CLIENT: 'id', GITHUB_SECRET: 'sec' });
  assert.equal(ok.config?.github.mode, 'token');
  assert.deepEqual(ok.config?.github.oauth?.scopes, ['read:org', 'repo:status', 'admin:repo_hook', 'admin:org_hook']);
});

test('bad private key, unreadable key file, and both key forms at once', () => {
  const r = loadConfig(
    { GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'not a key', GITHUB_WEBHOOK_SECRET: 'x' },
    { readFile: () => '' },
  );
  assert.ok(r.errors?.includes('Environment variable GITHUB_APP_PRIVATE_KEY is not a PEM private key'));
  const r2 = loadConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY_FILE: '/nonexistent/key.pem', GITHUB_WEBHOOK_SECRET: 'x' });
  assert.ok(r2.errors?.some((e) => e.startsWith("Environment variable GITHUB_APP_PRIVATE_KEY_FILE: cannot read '/nonexistent/key.pem'")));
  const r3 = loadConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM, GITHUB_APP_PRIVATE_KEY_FILE: '/k', GITHUB_WEBHOOK_SECRET: 'x' });
  assert.ok(r3.errors?.includes('Set only one of GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE'));
});

test('plain http GitHub is only allowed on loopback (the local emulator)', () => {
  const ok = loadConfig({ GITHUB_URL: 'http://127.0.0.1:3000', GITHUB_API_URL: 'http://127.0.0.1:3000/api', GITHUB_CLIENT: 'a', GITHUB_SECRET: 'b' });
  assert.equal(ok.errors, undefined);
  assert.equal(ok.config?.github.apiUrl, 'http://127.0.0.1:3000/api');
  const bad = loadConfig({ GITHUB_URL: 'http://evil.example', GITHUB_CLIENT: 'a', GITHUB_SECRET: 'b' });
  assert.deepEqual(bad.errors, ["GITHUB_URL must have prefix 'https://'"]);
});

test('hostile keys in the environment are ignored', () => {
  const env = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "x"}') as Record<string, string>;
  const r = loadConfig(env);
  assert.equal(r.errors, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('listen addresses', () => {
  assert.deepEqual(parseListenAddress(':8000'), { host: undefined, port: 8000 });
  assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
  assert.equal(parseListenAddress('8000'), undefined);
  assert.equal(parseListenAddress(':70000'), undefined);
  assert.equal(parseListenAddress('a b:1'), undefined);
});

test('Go durations', () => {
  assert.equal(parseGoDuration('15m'), 900_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-1s'), -1000);
  assert.equal(parseGoDuration('15'), undefined);
  assert.equal(parseGoDuration(''), undefined);
  assert.equal(parseGoDuration('1d'), undefined);
  assert.equal(parseGoDuration('m'), undefined);
});

test('.env parsing: quotes, comments, export, multi-line, errors', () => {
  const { values, errors } = parseEnvFile(
    [
      '# comment',
      'A=plain value # trailing comment',
      "export B='single # not a comment'",
      'C="line1\\nline2 \\"q\\""',
      'D="multi',
      'line"',
      'E=',
      'bad line',
      '1X=y',
      'F="unterminated',
    ].join('\n'),
  );
  assert.equal(values.get('A'), 'plain value');
  assert.equal(values.get('B'), 'single # not a comment');
  assert.equal(values.get('C'), 'line1\nline2 "q"');
  assert.equal(values.get('D'), 'multi\nline');
  assert.equal(values.get('E'), '');
  assert.deepEqual(errors, ['.env:8: expected KEY=value', '.env:9: expected KEY=value', '.env:10: unterminated double-quoted value for F']);
});

test('the process environment wins over .env; a missing .env is fine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'env-'));
  try {
    writeFileSync(join(dir, '.env'), 'SERVER_ADDR=:1\nLOG_LEVEL=debug\n__proto__=x\n');
    const { env, errors } = readEnvironment({ SERVER_ADDR: ':2' }, join(dir, '.env'));
    assert.deepEqual(errors, []);
    assert.equal(env.SERVER_ADDR, ':2');
    assert.equal(env.LOG_LEVEL, 'debug');
    assert.equal(Object.getPrototypeOf(env), null);
    const missing = readEnvironment({}, join(dir, 'nope.env'));
    assert.deepEqual(missing.errors, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PUBLIC_URL: given, it is the base of links and hooks; absent, one is derived from SERVER_ADDR and marked as such', () => {
  const base = { GITHUB_URL: 'http://127.0.0.1:3000', GITHUB_API_URL: 'http://127.0.0.1:3000/api', GITHUB_CLIENT: 'a', GITHUB_SECRET: 'b' };
  const set = loadConfig({ ...base, PUBLIC_URL: 'https://checks-out.example.com/' });
  assert.deepEqual([set.config?.server.publicUrl, set.config?.server.publicUrlSet], ['https://checks-out.example.com', true]);
  const derived = loadConfig({ ...base, SERVER_ADDR: '127.0.0.1:9000' });
  assert.deepEqual([derived.config?.server.publicUrl, derived.config?.server.publicUrlSet], ['http://127.0.0.1:9000', false]);
  const bad = loadConfig({ ...base, PUBLIC_URL: 'ftp://x' });
  assert.ok(bad.errors?.some((e) => e.includes('PUBLIC_URL')));
});
