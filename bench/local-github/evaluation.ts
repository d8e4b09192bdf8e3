/**
 * The local GitHub's CPU cost per checks-out evaluation, without the service: a driver replays what the
 * service asks of GitHub for a warm comment evaluation (comments list; conditional GETs of the PR's commits,
 * files, reviews and two `contents` files answered 304; a check-run PATCH; a status POST) and receives the
 * webhooks that causes (issue_comment, check_run, check_suite, status). The emulator runs in its own process
 * (evaluation-process.ts) and reports its CPU time, so the figure is the emulator's alone.
 * Run: node --import tsx bench/local-github/evaluation.ts   (BENCH_PRS=100, BENCH_ROUNDS=5;
 * BENCH_CPU_PROF=dir profiles the emulator). Not a test: timings depend on the machine.
 */
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const child = fork(fileURLToPath(new URL('./evaluation-process.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const inbox: ((m: Record<string, unknown>) => void)[] = [];
child.on('message', (m: Record<string, unknown>) => inbox.shift()?.(m));
const ask = <T>(msg: Record<string, unknown> | null): Promise<T> => {
  const p = new Promise<T>((ok) => inbox.push(ok as (m: Record<string, unknown>) => void));
  if (msg) child.send(msg);
  return p;
};
const ready = await ask<{ api_url: string; token: string; prs: { number: number; sha: string }[] }>(null);

const received = new Map<string, number>();
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const e = String(req.headers['x-github-event']);
    received.set(e, (received.get(e) ?? 0) + 1);
    res.writeHead(202).end();
  });
});
await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', () => ok()));
await ask({ cmd: 'attach', url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook` });

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const base = new URL(ready.api_url);
const etags = new Map<string, string>();
function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const key = `${method} ${path}`;
  const headers: Record<string, string | number> = {
    authorization: `token ${ready.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28',
    'content-type': 'application/json', 'content-length': Buffer.byteLength(payload),
  };
  const tag = etags.get(key);
  if (tag) headers['if-none-match'] = tag;
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, method, path: `${base.pathname}${path}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (method === 'GET' && typeof res.headers.etag === 'string') etags.set(key, res.headers.etag);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) as unknown : null });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const repo = '/repos/acme/widgets';
const runs = new Map<number, number>();
async function evaluate(pr: { number: number; sha: string }): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const note = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  await ask({ cmd: 'comment', pr: pr.number });
  const gets = [
    `${repo}/issues/${pr.number}/comments?per_page=100`, `${repo}/pulls/${pr.number}/commits?per_page=100`,
    `${repo}/pulls/${pr.number}/files?per_page=100`, `${repo}/pulls/${pr.number}/reviews?per_page=100`,
    `${repo}/contents/.checks-out`, `${repo}/contents/MAINTAINERS`,
  ];
  for (const g of gets) {
    const s = (await call('GET', g)).status;
    note(s);
    if (process.env.BENCH_DEBUG && s === 200) console.log(g);
  }
  let run = runs.get(pr.number);
  if (run === undefined) {
    const created = await call('POST', `${repo}/check-runs`, { name: 'checks-out', head_sha: pr.sha, status: 'in_progress' });
    run = (created.json as { id: number }).id;
    runs.set(pr.number, run);
  }
  note((await call('PATCH', `${repo}/check-runs/${run}`, {
    status: 'completed', conclusion: 'success', output: { title: 'approved by alice', summary: 'One maintainer approval: **alice**.', text: 'maintainers: alice (1 of 1)' },
  })).status);
  note((await call('POST', `${repo}/statuses/${pr.sha}`, { state: 'success', context: 'checks-out', description: 'approved by alice' })).status);
  return statuses;
}

// Round 0 warms the caches (first GETs answer 200, check runs are created); the later rounds are measured.
for (const pr of ready.prs) await evaluate(pr);
await ask({ cmd: 'idle' });
received.clear();
const cpu0 = await ask<{ cpuMs: number; userMs: number; systemMs: number }>({ cmd: 'cpu' });
const before = cpu0.cpuMs;
const t0 = performance.now();
const codes = new Map<number, number>();
for (let r = 1; r < ROUNDS; r++) {
  for (const pr of ready.prs) for (const [s, n] of await evaluate(pr)) codes.set(s, (codes.get(s) ?? 0) + n);
}
await ask({ cmd: 'idle' });
const cpu1 = await ask<{ cpuMs: number; userMs: number; systemMs: number }>({ cmd: 'cpu' });
const after = cpu1.cpuMs;
const n = ready.prs.length * (ROUNDS - 1);
console.log(`${n} warm evaluations in ${((performance.now() - t0) / 1000).toFixed(1)} s; emulator CPU ${(after - before).toFixed(0)} ms = ${((after - before) / n).toFixed(2)} ms per evaluation (user ${((cpu1.userMs - cpu0.userMs) / n).toFixed(2)}, system ${((cpu1.systemMs - cpu0.systemMs) / n).toFixed(2)})`);
console.log(`responses: ${[...codes].map(([s, c]) => `${s}×${c}`).join(' ')}; webhooks: ${[...received].map(([e, c]) => `${e}×${c}`).join(' ')}`);
await ask({ cmd: 'close' });
receiver.close();
agent.destroy();
