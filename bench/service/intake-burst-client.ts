/**
 * The sending side of bench/service/intake-burst.ts, in its own process: builds real webhook payloads with
 * the local GitHub (demo world: an issue comment, our status, our check run's echoes), then, on request,
 * sends bursts of them — re-signed, fresh delivery ids — all at once over keep-alive connections, as
 * GitHub's hookshot would, timing each delivery's round trip.
 */
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { createLocalGitHub } from '../../src/local-github/server.js';
import { checksFor } from '../../src/local-github/checks/index.js';
import { DEMO_APP_NAME, DEMO_MAINTAINER, DEMO_REPO, seedDemoWorld } from '../../src/service/demo/demo-world.js';

interface Captured { event: string; body: string }
type Msg = { cmd: 'burst'; id: number; url: string; secret: string; count: number } | { cmd: 'cpu' } | { cmd: 'close' };

const send = (m: Record<string, unknown>) => process.send?.(m);

// --- capture real payloads ------------------------------------------------------------------------------
const sink = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', () => ok()));
const sinkPort = (sink.address() as { port: number }).port;
const lg = createLocalGitHub();
seedDemoWorld(lg);
await lg.start(0, '127.0.0.1');
const app = lg.admin.app(DEMO_APP_NAME);
app.webhook_url = `http://127.0.0.1:${sinkPort}/hook`;
const pr = lg.admin.openPull(DEMO_REPO, { author: 'carol', title: 'Bench', head: lg.admin.push(DEMO_REPO, { branch: 'bench', author: 'carol', files: { 'src/b.ts': 'export {};\n' } }) && 'bench' });
const head = lg.admin.pull(DEMO_REPO, pr.number).head.sha;
lg.admin.comment(DEMO_REPO, pr.number, DEMO_MAINTAINER, 'I approve');
lg.admin.status(DEMO_REPO, head, DEMO_MAINTAINER, 'success', 'approvals/checks-out', 'approved by alice');
const checks = checksFor(lg.ctx);
if (!checks) throw new Error('no checks module');
const summary = `## Approved\n\n${'| who | counted | why |\n|---|---|---|\n'}${Array.from({ length: 8 }, (_, i) => `| user${i} | yes | maintainer |`).join('\n')}\n`;
checks.service.createRun(lg.admin.repo(DEMO_REPO).id, app.id, { name: 'checks-out', headSha: head, status: 'completed', conclusion: 'success', output: { title: 'approved by alice', summary, annotations: [] } }, null);
await lg.webhooks.idle();
const captured = new Map<string, Captured>();
for (const d of (lg.state as unknown as { deliveries: Map<number, { event: string; action: string | null; request: { payload: string } }> }).deliveries.values()) {
  const key = d.action ? `${d.event}.${d.action}` : d.event;
  if (!captured.has(key)) captured.set(key, { event: d.event, body: d.request.payload });
}
await lg.close();
sink.close();
/** What a warm evaluation makes GitHub send: the comment, and the echoes of our check run and status. */
const MIX = ['issue_comment.created', 'check_run.created', 'status'].map((k) => {
  const c = captured.get(k);
  if (!c) throw new Error(`no ${k} delivery captured (have ${[...captured.keys()].join(', ')})`);
  return c;
});

// --- bursts ---------------------------------------------------------------------------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let seq = 0;

function post(url: URL, event: string, body: Buffer, secret: string): Promise<number> {
  const sig = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-github-event': event, 'x-github-delivery': `burst-${process.pid}-${++seq}`, 'x-hub-signature-256': sig, 'user-agent': 'GitHub-Hookshot/bench' },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

process.on('message', async (m: Msg) => {
  if (m.cmd === 'burst') {
    const url = new URL(m.url);
    // Each delivery of the mix in turn; a comment's payload names one of `count` PRs so nothing coalesces.
    const sends: Promise<number>[] = [];
    const events: string[] = [];
    for (let i = 0; i < m.count; i++) {
      const c = MIX[i % MIX.length];
      const body = Buffer.from(c.event === 'issue_comment' ? c.body.replace(/"number":\d+/, `"number":${1000 + i}`) : c.body);
      events.push(c.event);
      sends.push(post(url, c.event, body, m.secret));
    }
    const ms = await Promise.all(sends);
    send({ id: m.id, rows: ms.map((v, i) => ({ event: events[i], ms: v })) });
  } else if (m.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ id: 'cpu', cpuMs: (user + system) / 1000 });
  } else if (m.cmd === 'close') {
    agent.destroy();
    process.exit(0);
  }
});
send({ id: 'ready', head, sizes: Object.fromEntries(MIX.map((c) => [c.event, c.body.length])) });
