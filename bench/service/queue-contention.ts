/**
 * SQLite lock contention between threads: the main thread enqueues batches (like intake) while worker
 * threads, each with its own connection to the same file, claim (sharded) and complete jobs in loops.
 * Compares writeTransaction's async retry (busy_timeout 0, with its backoff cap) with a driver-level busy
 * timeout, per thread role, and workers using completeAndClaim. Prints enqueue latency p50/p99/max (from
 * each batch's scheduled time), claims/s and deliveries done/s per variant (Markdown).
 * Run: node --import tsx bench/service/queue-contention.ts
 *   BENCH_SECONDS (per variant, default 5), BENCH_RATE (batches/s, default 100), BENCH_BATCH (deliveries
 *   per batch, default 8), BENCH_WORKERS (default 2), BENCH_WORK_MS (CPU spin per job, default 0),
 *   BENCH_ROUNDS (default 2), BENCH_ONLY (comma-separated variant numbers, 0-based).
 * Not a test: timings depend on the machine and its load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../src/service/db/connect.js';
import { migrateToLatest } from '../../src/service/db/migrations.js';
import { JobQueue, type ClaimedJob, type EnqueueInput } from '../../src/service/queue/queue.js';

interface ThreadData {
  file: string;
  busyTimeoutMs: number;
  busyRetryMaxMs: number;
  index: number;
  count: number;
  workMs: number;
  /** Complete and claim the next job in one transaction (JobQueue.completeAndClaim). */
  combined: boolean;
}

interface ThreadReport {
  claims: number;
  deliveries: number;
  emptyClaims: number;
}

const PRS = 300;
const queueOptions = { leaseMs: 60_000, maxAttempts: 3 };

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Worker thread: claim its shard, "work", complete, until told to stop. */
async function workerMain(d: ThreadData): Promise<void> {
  const sdb = openDatabase('sqlite', d.file, { busyTimeoutMs: d.busyTimeoutMs, busyRetryMaxMs: d.busyRetryMaxMs });
  const q = new JobQueue(sdb, queueOptions);
  const shard = { index: d.index, count: d.count };
  const report: ThreadReport = { claims: 0, deliveries: 0, emptyClaims: 0 };
  let stopping = false;
  parentPort!.once('message', () => (stopping = true));
  let job: ClaimedJob | undefined;
  while (!stopping) {
    job ??= await q.claim(`w${d.index}`, { shard });
    if (!job) {
      report.emptyClaims++;
      await new Promise((r) => setTimeout(r, 1)); // the real worker idles until woken
      continue;
    }
    report.claims++;
    report.deliveries += job.deliveries.length;
    if (d.workMs > 0) spin(d.workMs);
    if (d.combined && !stopping) {
      job = (await q.completeAndClaim(job, `w${d.index}`, { shard })).next;
    } else {
      await q.complete(job);
      job = undefined;
    }
  }
  if (job) await q.complete(job);
  await sdb.close();
  parentPort!.postMessage(report);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Per thread role: driver busy_timeout (blocking) and the cap of writeTransaction's async backoff. */
interface Variant {
  name: string;
  combined?: boolean;
  main: { busyTimeoutMs: number; busyRetryMaxMs: number };
  workers: { busyTimeoutMs: number; busyRetryMaxMs: number };
}

interface Result {
  variant: string;
  enqueues: number;
  p50: number;
  p99: number;
  max: number;
  claimsPerS: number;
  emptyClaimsPerS: number;
  deliveriesPerS: number;
  enqueuedPerS: number;
  /** Deliveries enqueued but not processed when the run ended. */
  backlog: number;
}

function startThread(data: ThreadData): Worker {
  // A thread does not inherit tsx's loader: register it, then import this very file as the thread body.
  const require = createRequire(import.meta.url);
  const tsxApi = require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(new URL(`file://${tsxApi}`).href)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  return new Worker(boot, { eval: true, workerData: data, execArgv: [] });
}

async function runVariant(v: Variant, seconds: number, rate: number, batch: number, workers: number, workMs: number, round: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-contention-'));
  const file = join(dir, 'queue.sqlite');
  const sdb = openDatabase('sqlite', file, v.main);
  try {
    await migrateToLatest(sdb);
    const q = new JobQueue(sdb, queueOptions);
    const threads = Array.from({ length: workers }, (_, index) => startThread({ file, ...v.workers, index, count: workers, workMs, combined: v.combined === true }));
    const reports = threads.map((t) => new Promise<ThreadReport>((resolve, reject) => (t.once('message', resolve), t.once('error', reject))));
    await new Promise((r) => setTimeout(r, 300)); // threads up (tsx compile) before measuring
    const latencies: number[] = [];
    let seq = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    // Open loop at a fixed rate, like webhooks arriving: latency counts from the batch's scheduled time,
    // so a slow enqueue also charges the batches queued behind it.
    for (let k = 0; ; k++) {
      const due = started + (k * 1000) / rate;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const items: EnqueueInput[] = [];
      for (let i = 0; i < batch; i++, seq++) {
        items.push({ id: `r${round}-${seq}`, event: 'issue_comment', action: 'created', payload: '{"x":1}', prKey: `bench/repo#${(seq * 7919) % PRS}`, repo: 'bench/repo' });
      }
      await q.enqueueMany(items);
      latencies.push(performance.now() - due);
    }
    const elapsed = (performance.now() - started) / 1000;
    for (const t of threads) t.postMessage('stop');
    const done = await Promise.all(reports);
    await Promise.all(threads.map((t) => t.terminate()));
    latencies.sort((a, b) => a - b);
    const claims = done.reduce((s, r) => s + r.claims, 0);
    const deliveries = done.reduce((s, r) => s + r.deliveries, 0);
    return {
      variant: v.name,
      enqueues: latencies.length,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: latencies[latencies.length - 1],
      claimsPerS: claims / elapsed,
      emptyClaimsPerS: done.reduce((s, r) => s + r.emptyClaims, 0) / elapsed,
      deliveriesPerS: deliveries / elapsed,
      enqueuedPerS: seq / elapsed,
      backlog: seq - deliveries,
    };
  } finally {
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const batch = Number(process.env.BENCH_BATCH ?? 8);
  const rate = Number(process.env.BENCH_RATE ?? 100);
  const workers = Number(process.env.BENCH_WORKERS ?? 2);
  const workMs = Number(process.env.BENCH_WORK_MS ?? 0);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const before = { busyTimeoutMs: 0, busyRetryMaxMs: 50 };
  const asyncFast = { busyTimeoutMs: 0, busyRetryMaxMs: 2 };
  const asyncCap5 = { busyTimeoutMs: 0, busyRetryMaxMs: 5 };
  const blocking = (ms: number) => ({ busyTimeoutMs: ms, busyRetryMaxMs: 2 });
  const variants: Variant[] = [
    { name: 'async retry, backoff cap 50 ms, everywhere (before)', main: before, workers: before },
    { name: 'async retry, backoff cap 2 ms, everywhere (default now)', main: asyncFast, workers: asyncFast },
    { name: 'async retry, backoff cap 5 ms, everywhere', main: asyncCap5, workers: asyncCap5 },
    { name: 'busy_timeout 5 ms everywhere', main: blocking(5), workers: blocking(5) },
    { name: 'busy_timeout 100 ms everywhere', main: blocking(100), workers: blocking(100) },
    { name: 'main async retry cap 2 ms, workers busy_timeout 100 ms', main: asyncFast, workers: blocking(100) },
    { name: 'cap 2 ms + workers use completeAndClaim', main: asyncFast, workers: asyncFast, combined: true },
    { name: 'main cap 2 ms, workers busy_timeout 100 ms + completeAndClaim', main: asyncFast, workers: blocking(100), combined: true },
  ];
  // BENCH_ONLY=1,3 runs only those variants (0-based, as listed).
  const only = process.env.BENCH_ONLY?.split(',').map(Number);
  if (only) variants.splice(0, variants.length, ...variants.filter((_, i) => only.includes(i)));
  const results = new Map<string, Result[]>();
  for (let round = 0; round < rounds; round++) {
    for (const v of round % 2 ? [...variants].reverse() : variants) {
      const r = await runVariant(v, seconds, rate, batch, workers, workMs, round);
      results.set(v.name, [...(results.get(v.name) ?? []), r]);
    }
  }
  const f = (n: number, d = 2) => n.toFixed(d);
  console.log(`## Queue lock contention (SQLite, ${workers} worker threads)\n`);
  console.log(`${cpus()[0]?.model ?? '?'}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  console.log(`${seconds} s per variant × ${rounds} rounds (median of the rounds), ${rate} batches/s of ${batch} deliveries over ${PRS} PRs, ${workMs} ms CPU per job\n`);
  console.log('| variant | enqueue p50 ms | p99 ms | max ms | enqueued/s | claims/s | empty claims/s | deliveries done/s | backlog at end |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
  };
  for (const v of variants) {
    const rs = results.get(v.name)!;
    const m = (k: keyof Omit<Result, 'variant'>) => median(rs.map((r) => r[k]));
    console.log(`| ${v.name} | ${f(m('p50'))} | ${f(m('p99'))} | ${f(m('max'))} | ${f(m('enqueuedPerS'), 0)} | ${f(m('claimsPerS'), 0)} | ${f(m('emptyClaimsPerS'), 0)} | ${f(m('deliveriesPerS'), 0)} | ${f(m('backlog'), 0)} |`);
  }
}

if (isMainThread) await main();
else await workerMain(workerData as ThreadData);
