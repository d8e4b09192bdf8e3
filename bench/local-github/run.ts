/**
 * Local GitHub benchmark: check-run create + update throughput over loopback HTTP (keep-alive, N requests in
 * flight) and server heap per 10,000 check runs. Prints the figures; `--write` replaces the "local GitHub"
 * section of BENCHMARKS.md (machine, Node version, date). Target: ≥ 5,000 check-run updates/s.
 * Run: `node --import tsx bench/local-github/run.ts [--write]`. Not a test: timings depend on the machine.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Distinct run names: 100 names × 100 runs keeps each name under GitHub's 1,000-per-suite limit. */
const NAMES = 100;
const TARGET_UPDATES = 5_000;

interface Ready { api_url: string; token: string; owner: string; repo: string; sha: string }

const server = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), [], {
  execArgv: ['--expose-gc', '--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const messages: ((m: Record<string, unknown>) => void)[] = [];
server.on('message', (m: Record<string, unknown>) => messages.shift()?.(m));
const next = () => new Promise<Record<string, unknown>>((resolve) => messages.push(resolve));
const ask = (cmd: string) => {
  const p = next();
  server.send({ cmd });
  return p;
};

const ready = (await next()) as unknown as Ready;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const base = new URL(ready.api_url);

function call(method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent, host: base.hostname, port: base.port, method, path: `${base.pathname}${path}`,
        headers: {
          authorization: `token ${ready.token}`, accept: 'application/vnd.github+json',
          'content-type': 'application/json', 'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Rate {
  /** Requests per wall-clock second. */
  wall: number;
  /** Requests per CPU-second of the server process (robust when other work competes for the cores). */
  busy: number;
}

/** Runs `count` requests with CONCURRENCY in flight. */
async function load(count: number, make: (i: number) => Promise<{ status: number }>, expect: number): Promise<Rate> {
  let issued = 0;
  const cpu0 = ((await ask('cpu')) as { cpuMs: number }).cpuMs;
  const start = performance.now();
  const lane = async () => {
    while (issued < count) {
      const i = issued++;
      const res = await make(i);
      if (res.status !== expect) throw new Error(`request ${i}: HTTP ${res.status}, expected ${expect}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const wall = count / ((performance.now() - start) / 1000);
  const cpuMs = ((await ask('cpu')) as { cpuMs: number }).cpuMs - cpu0;
  return { wall, busy: count / (cpuMs / 1000) };
}

const repoPath = `/repos/${ready.owner}/${ready.repo}`;
const heap0 = (await ask('heap')) as { heap: number; gc: boolean };
const ids: number[] = new Array(RUNS);
const createRate = await load(RUNS, async (i) => {
  const res = await call('POST', `${repoPath}/check-runs`, { name: `check-${i % NAMES}`, head_sha: ready.sha, status: 'queued' });
  ids[i] = res.json.id as number;
  return res;
}, 201);
const heap1 = (await ask('heap')) as { heap: number };
const progressRate = await load(RUNS, (i) =>
  call('PATCH', `${repoPath}/check-runs/${ids[i]}`, { status: 'in_progress', output: { title: 'Running', summary: `run ${i}` } }), 200);
const completeRate = await load(RUNS, (i) =>
  call('PATCH', `${repoPath}/check-runs/${ids[i]}`, { conclusion: i % 10 === 0 ? 'failure' : 'success', output: { title: 'Done', summary: `run ${i} done` } }), 200);
const heap2 = (await ask('heap')) as { heap: number };
// The floor: the cheapest authenticated API call (`GET /rate_limit`) through the same server and client.
const floorRate = await load(RUNS, () => call('GET', '/rate_limit', undefined), 200);
await ask('close');
// Let the server exit on its own (a CPU profile, if asked for, is written at exit); kill it if it lingers.
await new Promise<void>((resolve) => {
  const timer = setTimeout(() => server.kill(), 5000);
  server.once('exit', () => {
    clearTimeout(timer);
    resolve();
  });
});
agent.destroy();

const perTenThousand = (bytes: number) => (bytes / RUNS) * 10_000 / (1024 * 1024);
/** Harmonic mean: both update phases did RUNS requests each. */
const both = (a: number, b: number) => 2 / (1 / a + 1 / b);
const figures = {
  runs: RUNS,
  concurrency: CONCURRENCY,
  createPerSecond: Math.round(createRate.wall),
  createPerBusySecond: Math.round(createRate.busy),
  updatePerSecond: Math.round(both(progressRate.wall, completeRate.wall)),
  updatePerBusySecond: Math.round(both(progressRate.busy, completeRate.busy)),
  heapMiBPer10kCreated: Number(perTenThousand(heap1.heap - heap0.heap).toFixed(1)),
  heapMiBPer10kCompleted: Number(perTenThousand(heap2.heap - heap0.heap).toFixed(1)),
  gc: heap0.gc,
  floorPerSecond: Math.round(floorRate.wall),
  floorPerBusySecond: Math.round(floorRate.busy),
};
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  nproc: availableParallelism(),
  memGiB: (totalmem() / 1024 ** 3).toFixed(1),
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
  load: loadavg().map((l) => l.toFixed(2)).join(' '),
};

console.log(`check runs: ${RUNS} over loopback, ${CONCURRENCY} requests in flight (server in its own process)`);
console.log(`  create: ${figures.createPerSecond}/s wall-clock, ${figures.createPerBusySecond}/s per server CPU-second`);
console.log(`  update: ${figures.updatePerSecond}/s wall-clock, ${figures.updatePerBusySecond}/s per server CPU-second (target ≥ ${TARGET_UPDATES}/s: ${figures.updatePerSecond >= TARGET_UPDATES ? 'met' : 'NOT met'})`);
console.log(`  floor (GET /rate_limit): ${figures.floorPerSecond}/s wall-clock, ${figures.floorPerBusySecond}/s per server CPU-second`);
console.log(`  heap per 10,000 runs: ${figures.heapMiBPer10kCreated} MiB created, ${figures.heapMiBPer10kCompleted} MiB after two updates${figures.gc ? '' : ' (no --expose-gc: rough)'}`);
console.log(`  ${machine.cpu}, nproc ${machine.nproc}, ${machine.memGiB} GiB; Node ${machine.node}; ${machine.date}; load ${machine.load}`);

const START = '<!-- bench:local-github:start -->';
const END = '<!-- bench:local-github:end -->';

function writeSection(): string {
  const path = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
  const section = [
    START,
    '## local GitHub (`node --import tsx bench/local-github/run.ts`)',
    '',
    'Check-run throughput of the local GitHub over loopback HTTP (keep-alive, raw `node:http` client so the',
    'client costs little; the server runs in its own process). Each run is created, then',
    'updated twice (in_progress with output, then completed with a conclusion, which rolls up the suite).',
    `${RUNS.toLocaleString('en')} runs on one commit, ${NAMES} names, ${CONCURRENCY} requests in flight, no webhook receivers.`,
    'The floor is the cheapest authenticated call through the same server and client (framework, auth, rate',
    'limit, headers and loopback TCP): what any endpoint costs before its own work.',
    '"Per server CPU-second" divides by the CPU time of the server process (its own cost, meaningful when other',
    'work competes for the cores; see the load average). Heap: the server\'s V8 heap after a full GC, difference',
    'from before the first create.',
    '',
    `Machine: ${machine.cpu}, nproc ${machine.nproc}, ${machine.memGiB} GiB; Node ${machine.node}; ${machine.date}; load average at the end ${machine.load}.`,
    ...(loadavg()[0] > machine.nproc
      ? ['', `Preliminary: the machine was under load (other work on its ${machine.nproc} cores), so the wall-clock figures are low; the per-CPU-second ones say what the server itself costs.`]
      : []),
    `Target (≥ ${TARGET_UPDATES.toLocaleString('en')} updates/s wall-clock): ${figures.updatePerSecond >= TARGET_UPDATES ? 'met' : 'not met on this run'}.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| check-run creates / s (wall-clock) | ${figures.createPerSecond.toLocaleString('en')} |`,
    `| check-run creates / s per server CPU-second | ${figures.createPerBusySecond.toLocaleString('en')} |`,
    `| check-run updates / s (wall-clock; target ≥ ${TARGET_UPDATES.toLocaleString('en')}) | ${figures.updatePerSecond.toLocaleString('en')} |`,
    `| check-run updates / s per server CPU-second | ${figures.updatePerBusySecond.toLocaleString('en')} |`,
    `| floor: \`GET /rate_limit\` / s (wall-clock) | ${figures.floorPerSecond.toLocaleString('en')} |`,
    `| floor: \`GET /rate_limit\` / s per server CPU-second | ${figures.floorPerBusySecond.toLocaleString('en')} |`,
    `| heap per 10,000 runs, as created | ${figures.heapMiBPer10kCreated} MiB |`,
    `| heap per 10,000 runs, after the updates | ${figures.heapMiBPer10kCompleted} MiB |`,
    END,
  ].join('\n');
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\nFigures measured on the machine named in each section.\n';
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  text = a !== -1 && b > a ? `${text.slice(0, a)}${section}${text.slice(b + END.length)}` : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, text);
  return path;
}

if (process.argv.includes('--write')) console.log(`wrote ${writeSection()}`);
