/**
 * Service benchmark (no evaluation pipeline yet): webhook ack latency over real HTTP (signature check +
 * durable insert + 202), and queue throughput (claim + no-op handler + complete) with the configured
 * workers, on SQLite and, when TEST_PG_URL is set, PostgreSQL. Prints a Markdown section.
 * Run: node --import tsx bench/service/intake.ts   (BENCH_N=2000 requests per ack series by default)
 * Not a test: timings depend on the machine and its load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { sign } from '@octokit/webhooks-methods';
import { loadConfig } from '../../src/service/config/load.js';
import { startService, type RunningService } from '../../src/service/server.js';
import { Worker, type JobHandler } from '../../src/service/queue/worker.js';

const N = Number(process.env.BENCH_N ?? 2000);
const SECRET = 'bench-secret';
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const logger = pino({ level: 'silent' });

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function withService(driver: 'sqlite' | 'postgres', handler: JobHandler, fn: (s: RunningService) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-service-'));
  let dbName: string | undefined;
  let source = join(dir, 'bench.sqlite');
  if (driver === 'postgres') {
    dbName = `bench_${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: process.env.TEST_PG_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(process.env.TEST_PG_URL as string);
    u.pathname = `/${dbName}`;
    source = u.toString();
  }
  const r = loadConfig({
    SERVER_ADDR: '127.0.0.1:0',
    DB_DRIVER: driver,
    DB_SOURCE: source,
    GITHUB_APP_ID: '1',
    GITHUB_APP_PRIVATE_KEY: PEM,
    GITHUB_WEBHOOK_SECRET: SECRET,
    CHECKS_OUT_SECRET_KEY: 'ab'.repeat(32),
    WORKER_CONCURRENCY: '4',
  });
  if (!r.config) throw new Error(r.errors.join('\n'));
  const service = await startService(r.config, { logger, makeHandler: () => handler });
  try {
    await fn(service);
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
    if (dbName) {
      const c = new pg.Client({ connectionString: process.env.TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    }
  }
}

async function signedComment(i: number, pr: number) {
  const body = JSON.stringify({
    action: 'created',
    issue: { number: pr, state: 'open', pull_request: { url: 'x' } },
    comment: { id: i, body: 'I approve', user: { login: `user${i % 7}` } },
    repository: { full_name: 'bench/repo', owner: { login: 'bench' } },
  });
  return { body, signature: await sign(SECRET, body) };
}

async function ackSeries(url: string, concurrency: number, prefix: string): Promise<{ p50: number; p99: number; perSecond: number; perCpuSecond: number }> {
  const payloads = await Promise.all(Array.from({ length: N }, (_, i) => signedComment(i, (i % 50) + 1)));
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        const i = next++;
        const t = performance.now();
        const res = await fetch(`${url}/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': `${prefix}-${i}`, 'x-hub-signature-256': payloads[i].signature },
          body: payloads[i].body,
        });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`unexpected ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), perSecond: N / elapsed, perCpuSecond: N / ((cpu.user + cpu.system) / 1e6) };
}

async function drainThroughput(driver: 'sqlite' | 'postgres'): Promise<{ jobs: number; deliveries: number; perSecond: number; perCpuSecond: number }> {
  let jobs = 0;
  let result = { jobs: 0, deliveries: 0, perSecond: 0, perCpuSecond: 0 };
  // The service's own workers are stopped; the queue is filled first (one PR per delivery, so nothing
  // coalesces), then a fresh worker is timed draining it.
  await withService(driver, async () => {}, async (s) => {
    await s.worker?.stop(0);
    for (let i = 0; i < N; i++) await s.queue.enqueue({ id: `t-${i}`, event: 'issue_comment', payload: '{}', prKey: `bench/repo#${i}`, repo: 'bench/repo' });
    jobs = 0;
    const w = new Worker({ queue: s.queue, handler: async () => void jobs++, logger, id: 'bench', concurrency: 4, leaseMs: 60_000, pollMs: 5 });
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    w.start();
    while (jobs < N) await new Promise((r) => setTimeout(r, 5));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await w.stop();
    result = { jobs, deliveries: N, perSecond: N / elapsed, perCpuSecond: N / ((cpu.user + cpu.system) / 1e6) };
  });
  return result;
}

async function main(): Promise<void> {
  const drivers: ('sqlite' | 'postgres')[] = process.env.TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const rows: string[] = [];
  for (const driver of drivers) {
    await withService(driver, async () => {}, async (s) => {
      await ackSeries(s.url, 4, 'warm');
      const seq = await ackSeries(s.url, 1, 'seq');
      const conc = await ackSeries(s.url, 16, 'conc');
      rows.push(`| ${driver} | webhook ack, 1 client | ${seq.p50.toFixed(2)} | ${seq.p99.toFixed(2)} | ${Math.round(seq.perSecond)} | ${Math.round(seq.perCpuSecond)} |`);
      rows.push(`| ${driver} | webhook ack, 16 clients | ${conc.p50.toFixed(2)} | ${conc.p99.toFixed(2)} | ${Math.round(conc.perSecond)} | ${Math.round(conc.perCpuSecond)} |`);
    });
    const drain = await drainThroughput(driver);
    rows.push(`| ${driver} | queue drain, 4 workers, no-op handler (jobs) | | | ${Math.round(drain.perSecond)} | ${Math.round(drain.perCpuSecond)} |`);
  }
  const out = [
    '## Service intake and queue (`node --import tsx bench/service/intake.ts`)',
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores; Node ${process.version}; ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}. ${N} requests per series, real HTTP on loopback, signature verification and a durable insert per delivery. The HTTP client runs in the same process, so per CPU-second (this process) includes it; it stays meaningful when other work competes for the cores.`,
    '',
    '| database | measure | p50 ms | p99 ms | per second (wall) | per CPU-second |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(out);
}

await main();
