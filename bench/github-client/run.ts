/**
 * GitHub client benchmark: CPU time per request, requests/s and one-at-a-time latency through the service's
 * Octokit against the local GitHub in a separate process (forked), for GET 200, GET 304 (ETag revalidation)
 * and POST, with throttling off and on (the service's default: one identity's writes one at a time, no
 * spacing by default). The before/after rows in BENCHMARKS.md also measured frozen copies of the clients as
 * of f15b840 (undici fetch, Octokit parsing) and 0f234c4 (@octokit/plugin-retry + plugin-throttling); those
 * copies were removed once measured — check those commits out to measure them again.
 * Rounds interleave the clients so machine drift hits them alike; each figure is the median over rounds.
 * Prints a Markdown table. Run: `node --import tsx bench/github-client/run.ts`
 * (BENCH_N requests per measurement, BENCH_ROUNDS, BENCH_CONCURRENCY requests in flight).
 * Not a test: timings depend on the machine.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { countGitHubCalls } from '../../src/service/github/call-count.js';
import { createGitHubClient, type GitHubClientSettings } from '../../src/service/github/client.js';
import { EtagCache } from '../../src/service/github/etag-cache.js';
import { createServiceMetrics } from '../../src/service/metrics.js';

const N = Number(process.env.BENCH_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Requests sent one at a time per cell, for the latency column. */
const SERIAL = Number(process.env.BENCH_SERIAL ?? 200);

interface Ready { api_url: string; token: string; owner: string; repo: string; pull: number }

const child = fork(fileURLToPath(new URL('./github-process.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const waiting: ((m: Record<string, unknown>) => void)[] = [];
child.on('message', (m: Record<string, unknown>) => waiting.shift()?.(m));
const next = () => new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));
const ask = (cmd: string) => {
  const p = next();
  child.send({ cmd });
  return p;
};
const serverCpuMs = async () => (await ask('cpu')).cpuMs as number;

const ready = (await next()) as unknown as Ready;

type Client = ReturnType<typeof createGitHubClient>;
/** `readsOnly`: GETs only. */
type Variant = { name: string; make: (cache: EtagCache) => Client; readsOnly?: boolean };
const base = (cache: EtagCache): GitHubClientSettings => ({ baseUrl: ready.api_url, cache, metrics: createServiceMetrics(), throttling: false });
const variants: Variant[] = [
  { name: 'throttling off', make: (cache) => createGitHubClient(base(cache), ready.token) },
  { name: 'throttling on (service default)', make: (cache) => createGitHubClient({ ...base(cache), throttling: true }, ready.token) },
];

const pr = { owner: ready.owner, repo: ready.repo, pull_number: ready.pull };
type Op = { name: string; cache: () => EtagCache; call: (gh: Client) => Promise<unknown> };
const ops: Op[] = [
  // A cache that keeps nothing: every GET is unconditional and answered 200 (the store still runs, as in the service).
  { name: 'GET 200', cache: () => new EtagCache(0), call: (gh) => gh.rest.pulls.get(pr) },
  { name: 'GET 304', cache: () => new EtagCache(), call: (gh) => gh.rest.pulls.get(pr) },
  { name: 'POST', cache: () => new EtagCache(), call: (gh) => gh.rest.issues.createComment({ owner: ready.owner, repo: ready.repo, issue_number: ready.pull, body: 'benchmark comment' }) },
];

interface Sample { cpuUs: number; rps: number; serverUs: number; serialMs: number }

async function measure(v: Variant, op: Op): Promise<Sample> {
  const gh = v.make(op.cache());
  for (let i = 0; i < 50; i++) await op.call(gh); // warm: sockets, JIT, the ETag entry
  const s0 = await serverCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let left = N;
  await countGitHubCalls(async () => {
    const lane = async () => {
      while (left > 0) {
        left--;
        await op.call(gh);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const s1 = await serverCpuMs();
  const t1 = performance.now();
  for (let i = 0; i < SERIAL; i++) await op.call(gh);
  const serialMs = (performance.now() - t1) / SERIAL;
  return { cpuUs: (c.user + c.system) / N, rps: (N * 1000) / wallMs, serverUs: ((s1 - s0) * 1000) / N, serialMs };
}

const samples = new Map<string, Sample[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const op of ops) {
    for (const v of variants) {
      if (v.readsOnly && op.name === 'POST') continue;
      const key = `${op.name}\u0000${v.name}`;
      const list = samples.get(key) ?? [];
      list.push(await measure(v, op));
      samples.set(key, list);
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [
  `GitHub client, ${N} requests × ${ROUNDS} rounds per cell, ${CONCURRENCY} in flight, throttling off unless noted, ETag cache and metrics on;`,
  `then ${SERIAL} one at a time for the latency column; local GitHub in a separate process.`,
  `Machine: ${availableParallelism()} cores (nproc), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| request | client | client CPU µs/request | vs first row | requests/s | one at a time, ms/request | local GitHub CPU µs/request |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const op of ops) {
  const before = median(samples.get(`${op.name}\u0000${variants[0].name}`)!.map((s) => s.cpuUs));
  for (const v of variants) {
    const list = samples.get(`${op.name}\u0000${v.name}`);
    if (!list) continue;
    const cpu = median(list.map((s) => s.cpuUs));
    lines.push(`| ${op.name} | ${v.name} | ${cpu.toFixed(0)} | ${v === variants[0] ? '' : `${((cpu / before - 1) * 100).toFixed(0)} %`} | ${median(list.map((s) => s.rps)).toFixed(0)} | ${median(list.map((s) => s.serialMs)).toFixed(2)} | ${median(list.map((s) => s.serverUs)).toFixed(0)} |`);
  }
}
console.log(lines.join('\n'));

await ask('close');
