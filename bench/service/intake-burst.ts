/**
 * The intake alone under bursts: a forked sender (intake-burst-client.ts) posts real, signed webhook
 * deliveries captured from the local GitHub — a warm evaluation's mix: an issue comment (queued), the echo
 * of our check run (answered from its action) and of our status (recognised from the decision log) — all
 * at once, BENCH_BURST deliveries per burst, to the service started as `serve` does in App mode but without
 * workers (intake only, SQLite). Prints ack latency p50/p99 as the sender saw it, by event, and the service's
 * CPU per delivery, so the intake's own cost is measured apart from the evaluations sharing the machine.
 * Run: node --import tsx bench/service/intake-burst.ts   (BENCH_BURST=300, BENCH_ROUNDS=5)
 * Not a test: timings depend on the machine and its load.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../../src/service/config/load.js';
import { startService } from '../../src/service/server.js';
import { recordDecision } from '../../src/service/store/decisions.js';
import { DEMO_REPO } from '../../src/service/demo/demo-world.js';
import { pct } from './report.js';

const BURST = Number(process.env.BENCH_BURST ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECRET = 'bench-intake-secret';

const child = fork(fileURLToPath(new URL('./intake-burst-client.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const waiting = new Map<string | number, (m: Record<string, unknown>) => void>();
child.on('message', (m: Record<string, unknown>) => {
  const w = waiting.get(m.id as string | number);
  waiting.delete(m.id as string | number);
  w?.(m);
});
const ask = <T>(id: string | number, msg: Record<string, unknown> | null) => {
  const p = new Promise<T>((ok) => waiting.set(id, ok as (m: Record<string, unknown>) => void));
  if (msg) child.send(msg);
  return p;
};
const ready = await ask<{ head: string; sizes: Record<string, number> }>('ready', null);

const dir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
const loaded = loadConfig({
  SERVER_ADDR: '127.0.0.1:0',
  DB_SOURCE: join(dir, 'bench.sqlite'),
  GITHUB_APP_ID: '1',
  GITHUB_APP_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  GITHUB_WEBHOOK_SECRET: SECRET,
  CHECKS_OUT_SECRET_KEY: 'ab'.repeat(32),
});
if (!loaded.config) throw new Error(loaded.errors.join('\n'));
const service = await startService(loaded.config, { logger: pino({ level: 'silent' }), noWorkers: true });
// Our status on the head is an echo only if the decision log says we posted it.
await recordDecision(service.sdb, { repo: DEMO_REPO, prNumber: 1, headSha: ready.head, policy: null, approvers: ['alice'], disapprovers: [], configHash: null, state: 'success', description: 'approved by alice', decidedAt: Date.now(), deliveries: [] });

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
/** CPU ms of this process's main thread (Linux /proc; undefined elsewhere): the intake's own share. */
const mainThreadCpu = (): number | undefined => {
  try {
    const st = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * (1000 / 100);
  } catch {
    return undefined;
  }
};
let id = 0;
const burst = () => ask<{ rows: { event: string; ms: number }[] }>(++id, { cmd: 'burst', id, url: `${service.url}/hook`, secret: SECRET, count: BURST });

await burst(); // warm-up: connections, JIT
await new Promise((r) => setTimeout(r, 300));
const rows: { event: string; ms: number }[] = [];
let cpuMs = 0;
let mainMs = 0;
let wallMs = 0;
for (let r = 0; r < ROUNDS; r++) {
  const c0 = cpu();
  const m0 = mainThreadCpu();
  const t0 = performance.now();
  rows.push(...(await burst()).rows);
  wallMs += performance.now() - t0;
  cpuMs += cpu() - c0;
  const m1 = mainThreadCpu();
  mainMs += m0 !== undefined && m1 !== undefined ? m1 - m0 : Number.NaN;
  await new Promise((res) => setTimeout(res, 300));
}
const depth = await service.queue.depth();
await service.stop();
child.send({ cmd: 'close' });
rmSync(dir, { recursive: true, force: true });

const line = (name: string, xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `| ${name} (${s.length}) | ${pct(s, 50).toFixed(1)} | ${pct(s, 99).toFixed(1)} | ${s.at(-1)?.toFixed(1)} |`;
};
const n = ROUNDS * BURST;
process.stdout.write(
  [
    `Intake alone, ${ROUNDS} bursts of ${BURST} deliveries sent at once (mix: ${Object.entries(ready.sizes).map(([e, b]) => `${e} ${(b / 1024).toFixed(1)} KB`).join(', ')}), SQLite, no workers.`,
    `Machine: ${cpus()[0]?.model ?? '?'}, nproc ${availableParallelism()}; Node ${process.version}; ${new Date().toISOString()}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    '| deliveries | ack p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|',
    line('all', rows.map((r) => r.ms)),
    ...['issue_comment', 'check_run', 'status'].map((e) => line(e, rows.filter((r) => r.event === e).map((r) => r.ms))),
    '',
    `Service CPU per delivery: ${((cpuMs * 1000) / n).toFixed(0)} µs (main thread ${((mainMs * 1000) / n).toFixed(0)} µs, the rest V8's background threads: GC, compilation); ${(n / (wallMs / 1000)).toFixed(0)} deliveries/s while bursting; queued ${depth.pending} (the comments).`,
    '',
  ].join('\n'),
);
