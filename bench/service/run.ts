/**
 * Service benchmark, end to end: the local GitHub (demo world, in its own process: github-process.ts) posts
 * real signed webhooks to the real service (startService + the pipeline as `serve` wires it in App mode,
 * throttling off as in the demo) on SQLite, which loads the PR, evaluates it and reports a check run and a
 * commit status back. Measures webhook ack latency (as the emulator's delivery log records it), webhook →
 * check run completed, sustained evaluations/s, and GitHub calls per evaluation (cold and warm, by route;
 * rate-limited = every request but 304s, from `countGitHubCalls` via the pipeline's `onEvaluated`).
 * Run: node --import tsx bench/service/run.ts [--write]   (BENCH_PRS=300 pull requests, BENCH_SEQ=40; BENCH_PACED_RATE=100,200,300
 * comments per second of the steady phases;
 * WORKER_THREADS and WORKER_CONCURRENCY as `serve` defaults them unless set — WORKER_THREADS=0 puts the workers
 * on the intake's event loop; BENCH_WARM_ROUNDS=6 warm bursts, the first a JIT warm-up, the sustained rate the median of the others)
 * Profile the service during the warm burst: BENCH_PROFILE=/tmp/service.cpuprofile (main thread only, so
 * set WORKER_THREADS=0 to see the evaluations; BENCH_SQL=1 likewise), or every thread of the whole run with
 * node --cpu-prof, then
 * node --import tsx bench/service/profile-summary.ts /tmp/service.cpuprofile
 * Not a test: timings depend on the machine and its load; the service shares this process with the
 * (small) orchestration, the emulator does not.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../../src/service/config/load.js';
import { makePipelineHandler } from '../../src/service/pipeline/service-handler.js';
import { startService } from '../../src/service/server.js';
import { pipelineThreads } from '../../src/service/threads/pipeline-thread.js';
import type { RouteCount } from '../../src/service/github/call-count.js';
import { machine, renderSection, writeSection, type Figures } from './report.js';

const PRS = Number(process.env.BENCH_PRS ?? 300);
const SEQ = Number(process.env.BENCH_SEQ ?? 40);
const WARM_ROUNDS = Math.max(2, Number(process.env.BENCH_WARM_ROUNDS ?? 6));
const BUDGET_MS = 100_000; // the whole run stays under 2 minutes even when something stalls
const began = Date.now();
const wall = () => performance.timeOrigin + performance.now();
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

interface Evaluation { pr: number; end: number; ms: number; outcome: string; cost: number; total: number; routes: Record<string, RouteCount> }

// --- the emulator process -------------------------------------------------------------------------
// BENCH_GITHUB_PROF=dir: a CPU profile of the whole emulator process (node --cpu-prof) lands in dir.
const child: ChildProcess = fork(fileURLToPath(new URL('./github-process.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx', ...(process.env.BENCH_GITHUB_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GITHUB_PROF}`] : [])],
  env: { ...process.env, BENCH_PRS: String(PRS) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const waiting = new Map<string | number, (m: Record<string, unknown>) => void>();
child.on('message', (m: Record<string, unknown>) => {
  const w = waiting.get(m.id as string | number);
  if (w) {
    waiting.delete(m.id as string | number);
    w(m);
  }
});
function ask<T>(id: string | number, msg: Record<string, unknown> | null): Promise<T> {
  const p = new Promise<T>((ok) => waiting.set(id, ok as (m: Record<string, unknown>) => void));
  if (msg) child.send(msg);
  return p;
}
let seq = 0;
const comment = (prs: number[], body: string, perSecond?: number) => {
  const id = ++seq;
  return ask<{ sent: { pr: number; t0: number }[] }>(id, { cmd: 'comment', id, prs, body, perSecond });
};
const childCpu = async () => (await ask<{ cpuMs: number }>('cpu', { cmd: 'cpu' })).cpuMs;

const gh = await ask<{ api_url: string; web_url: string; prs: number[]; app: { id: number; private_key: string; webhook_secret: string } }>('ready', null);

// --- the service --------------------------------------------------------------------------------
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const a = s.address();
  await new Promise<void>((ok) => s.close(() => ok()));
  return typeof a === 'object' && a ? a.port : 0;
}
const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'bench-service-'));
const serviceEnv: Record<string, string> = {
  SERVER_ADDR: `127.0.0.1:${port}`,
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DB_DRIVER: 'sqlite',
  DB_SOURCE: join(dir, 'bench.sqlite'),
  GITHUB_URL: gh.web_url,
  GITHUB_API_URL: gh.api_url,
  GITHUB_APP_ID: String(gh.app.id),
  GITHUB_APP_PRIVATE_KEY: gh.app.private_key,
  GITHUB_WEBHOOK_SECRET: gh.app.webhook_secret,
  CHECKS_OUT_SECRET_KEY: 'ab'.repeat(32),
  ...(process.env.WORKER_CONCURRENCY ? { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY } : {}),
  ...(process.env.WORKER_THREADS ? { WORKER_THREADS: process.env.WORKER_THREADS } : {}),
};
const loaded = loadConfig(serviceEnv);
if (!loaded.config) throw new Error(loaded.errors.join('\n'));

const evaluations: Evaluation[] = [];
const byPr = new Map<number, Evaluation[]>();
const listeners = new Map<number, Set<() => void>>();
function onEvaluation(e: Evaluation): void {
  evaluations.push(e);
  byPr.set(e.pr, [...(byPr.get(e.pr) ?? []), e]);
  for (const l of listeners.get(e.pr) ?? []) l();
}
const service = await startService(loaded.config, {
  logger: pino({ level: 'silent' }),
  makeHandler: (deps) =>
    makePipelineHandler(deps, {
      wake: deps.wake,
      client: { throttling: false },
      onEvaluated: ({ pr, ms, outcome, calls }) =>
        onEvaluation({ pr, end: wall(), ms, outcome, cost: calls.rateLimitCost, total: calls.total, routes: calls.toJSON() }),
    }),
  threaded: pipelineThreads({ client: { throttling: false }, reportEvaluations: true }, (e) =>
    onEvaluation({ pr: e.pr, end: e.end, ms: e.ms, outcome: e.outcome, cost: e.rateLimitCost, total: e.total, routes: e.calls }),
  ),
});
/** CPU time of the service: this whole process (the intake thread, the worker threads, the orchestration). */
const serviceCpuMs = async () => cpuMs();
await ask('attach', { cmd: 'attach', url: service.url });

/** Resolves once `pr` has an evaluation that ended after `after` (or the budget runs out). */
function evaluated(pr: number, after: number): Promise<Evaluation | undefined> {
  const find = () => byPr.get(pr)?.find((e) => e.end > after && e.end - e.ms >= after - 1);
  return new Promise((ok) => {
    const hit = find();
    if (hit) return ok(hit);
    const timer = setTimeout(() => done(undefined), Math.max(0, BUDGET_MS - (Date.now() - began)));
    const check = () => {
      const e = find();
      if (e) done(e);
    };
    function done(e: Evaluation | undefined) {
      clearTimeout(timer);
      listeners.get(pr)?.delete(check);
      ok(e);
    }
    if (!listeners.has(pr)) listeners.set(pr, new Set());
    listeners.get(pr)?.add(check);
  });
}
/**
 * Waits until the echoes of our own writes (check_run, check_suite, status deliveries) are delivered and
 * processed and no evaluation happened for `ms`, so they do not coalesce into the next measured job.
 */
const settle = async (ms = 150) => {
  let n = -1;
  while (n !== evaluations.length) {
    n = evaluations.length;
    await ask('idle', { cmd: 'idle' });
    for (;;) {
      const d = await service.queue.depth();
      if (d.pending + d.running === 0 || Date.now() - began > BUDGET_MS) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, ms));
  }
};

// --- phase 1: cold, then warm comment evaluations, one at a time -------------------------------------
const seqSince = Date.now();
const target = gh.prs[0];
const first = await comment([target], 'I approve');
const cold = await evaluated(target, first.sent[0].t0);
await settle();
const warmSince = Date.now();
const warm: { latency: number; e: Evaluation }[] = [];
for (let i = 0; i < SEQ && Date.now() - began < BUDGET_MS / 3; i++) {
  const { sent } = await comment([target], i % 2 ? 'I approve' : 'Looks good to me');
  const e = await evaluated(target, sent[0].t0);
  if (e) warm.push({ latency: e.end - sent[0].t0, e });
  await settle(30);
}
const seqUntil = Date.now();
await settle();

// --- phase 2 and 3: bursts over the other PRs (first evaluation of each PR, then warm) -----------------
async function burst(body: string, perSecond?: number) {
  const prs = gh.prs.slice(1);
  const since = Date.now();
  const cpu0 = await serviceCpuMs();
  const ccpu0 = await childCpu();
  const t = wall();
  const { sent } = await comment(prs, body, perSecond);
  const got = await Promise.all(sent.map((s) => evaluated(s.pr, s.t0)));
  const elapsed = wall() - t;
  const cpu = (await serviceCpuMs()) - cpu0;
  const ccpu = (await childCpu()) - ccpu0;
  const done = got.filter((e): e is Evaluation => e !== undefined);
  const latencies = done.map((e, i) => e.end - sent[i].t0).sort((a, b) => a - b);
  await settle();
  return { prs: prs.length, evaluated: done.length, elapsedMs: elapsed, serviceCpuMs: cpu, githubCpuMs: ccpu, latencies, evals: done, since, until: Date.now() };
}
/**
 * BENCH_SQL=1: times every better-sqlite3 statement run during the warm burst (by SQL text) and prints the
 * heaviest to stderr; the statements run synchronously on the service's event loop.
 */
async function sqlTimed<T>(fn: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_SQL) return fn();
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  const stats = new Map<string, { n: number; ms: number }>();
  const original = new Map<string, (...a: unknown[]) => unknown>();
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const f = proto[m];
    original.set(m, f);
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      const t = performance.now();
      try {
        return f.apply(this, a);
      } finally {
        const key = `${m} ${this.source.replace(/\s+/g, ' ').slice(0, 110)}`;
        const s = stats.get(key) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t;
        stats.set(key, s);
      }
    };
  }
  try {
    return await fn();
  } finally {
    for (const [m, f] of original) proto[m] = f;
    const total = [...stats.values()].reduce((a, s) => a + s.ms, 0);
    process.stderr.write(`SQLite during the warm burst: ${total.toFixed(0)} ms in ${[...stats.values()].reduce((a, s) => a + s.n, 0)} statements\n`);
    for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) process.stderr.write(`${s.ms.toFixed(0).padStart(6)} ms ${String(s.n).padStart(6)}x  ${k}\n`);
  }
}

/** BENCH_PROFILE=file.cpuprofile: a CPU profile of this (the service's) process during the warm burst only. */
async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_PROFILE;
  if (!file) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((ok, fail) => session.post(method, params ?? {}, (err, res) => (err ? fail(err) : ok(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
/** The service's own ack histogram (request in → answer out, every /hook request), as cumulative bucket counts. */
async function ackHistogram(): Promise<Map<number, number>> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const out = new Map<number, number>();
  for (const m of text.matchAll(/^checksout_webhook_ack_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) out.set(m[1] === '+Inf' ? Infinity : Number(m[1]) * 1000, Number(m[2]));
  return out;
}
const ackServer0 = await ackHistogram();
const burstCold = await burst('I approve');
// Several warm rounds: the first still pays for JIT compilation of the warm paths (V8 compiles in
// background threads of this process), so the sustained rate is the median of the rounds after it.
const burstsWarm = [await profiled(() => sqlTimed(() => burst('Looks good to me')))];
for (let i = 1; i < WARM_ROUNDS && Date.now() - began < BUDGET_MS * 0.6; i++) burstsWarm.push(await burst(`Looks good to me (${i + 1})`));
const burstWarm = burstsWarm.at(-1)!;
const ackServer1 = await ackHistogram();
// Steady streams instead of bursts: comments at each rate of BENCH_PACED_RATE (comma-separated per second)
// while the workers keep up (or fall behind).
const PACED_RATES = (process.env.BENCH_PACED_RATE ?? '100,200,300').split(',').map(Number).filter((r) => r > 0);
const pacedRuns: { rate: number; run: Awaited<ReturnType<typeof burst>>; server: { count: number; p50: number; p99: number } }[] = [];
let ackServerBefore = ackServer1;
for (const [i, rate] of PACED_RATES.entries()) {
  const run = await burst(`I approve of this (${i + 1})`, rate);
  const after = await ackHistogram();
  pacedRuns.push({ rate, run, server: ackServerWindow(ackServerBefore, after) });
  ackServerBefore = after;
}
/** Bucket bounds (ms) under which 50% / 99% of a window's acks fell, by the service's clock. */
function ackServerWindow(from: Map<number, number>, to: Map<number, number>) {
  const bounds = [...to.keys()].sort((a, b) => a - b);
  const total = (to.get(Infinity) ?? 0) - (from.get(Infinity) ?? 0);
  const under = (q: number) => bounds.find((b) => (to.get(b) ?? 0) - (from.get(b) ?? 0) >= q * total) ?? Infinity;
  return { count: total, p50: under(0.5), p99: under(0.99) };
}
const ackServerBurst = ackServerWindow(ackServer0, ackServer1);

// --- ack latencies from the emulator's delivery log ----------------------------------------------------
const all = (await ask<{ rows: { event: string; ms: number; status: number; at: number }[] }>('deliveries', { cmd: 'deliveries', since: seqSince })).rows;
const inWindow = (from: number, to: number) => all.filter((d) => d.event === 'issue_comment' && d.at >= from && d.at <= to).map((d) => d.ms).sort((a, b) => a - b);
const ackCold = inWindow(seqSince, warmSince);
const ackSeq = inWindow(warmSince, seqUntil);
const ackBurst = inWindow(burstCold.since, burstWarm.until);
const bad = all.filter((d) => d.status !== 202 && d.status !== 200).length;

const figures: Figures = {
  machine: machine(),
  prs: PRS,
  workers: loaded.config.queue.workers,
  threads: service.threads ? loaded.config.queue.threads : 0,
  deliveries: all.length,
  badDeliveries: bad,
  byEvent: Object.fromEntries([...new Set(all.map((d) => d.event))].map((ev) => [ev, all.filter((d) => d.event === ev).length])),
  ackCold,
  ackSeq,
  ackBurst,
  ackServerBurst,
  paced: pacedRuns.map((p) => ({ rate: p.rate, run: p.run, ack: inWindow(p.run.since, p.run.until), ackServer: p.server })),
  cold,
  warm,
  burstCold,
  burstsWarm,
  totalEvaluations: evaluations.length,
  runSeconds: (Date.now() - began) / 1000,
};
const section = renderSection(figures);
process.stdout.write(`${section}\n`);
if (process.argv.includes('--write')) writeSection(section);

await service.stop();
await ask('closed', { cmd: 'close' });
rmSync(dir, { recursive: true, force: true });

