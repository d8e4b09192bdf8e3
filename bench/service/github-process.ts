/**
 * GitHub's side of the service benchmark, in its own process (forked by run.ts) so the service's CPU time
 * is measured apart from the emulator's: the local GitHub seeded with the demo world, plus PRS pull
 * requests opened before the app has a webhook URL (so nothing is delivered until the benchmark starts).
 * Commands over IPC: attach the service, comment on PRs (each comment is a real signed webhook delivery),
 * report delivery timings (the emulator records each delivery's round trip = the service's ack latency as
 * GitHub sees it), report CPU time.
 */
import { createLocalGitHub } from '../../src/local-github/server.js';
import { DEMO_APP_NAME, DEMO_MAINTAINER, DEMO_REPO, seedDemoWorld } from '../../src/service/demo/demo-world.js';

const PRS = Number(process.env.BENCH_PRS ?? 300);

// The service's rate-limit accounting is read from the request log, not from refusals: a limit this
// high keeps a long run from being throttled by the emulator while headers still count down.
// Deliveries go out from the emulator's own sender thread, as GitHub's hookshot is apart from its API: their
// recorded round trip is then the service's answer time, not this busy API loop's.
const lg = createLocalGitHub({ rateLimit: { authenticated: 10_000_000 }, deliveryThread: true });
seedDemoWorld(lg);
const { api_url, web_url } = await lg.start(0, '127.0.0.1');
const app = lg.admin.app(DEMO_APP_NAME);
const prs: number[] = [];
for (let i = 0; i < PRS; i++) {
  const branch = `bench-${i}`;
  lg.admin.push(DEMO_REPO, { branch, author: 'carol', message: `change ${i}`, files: { [`src/bench-${i}.ts`]: `export const n = ${i};\n` } });
  prs.push(lg.admin.openPull(DEMO_REPO, { author: 'carol', title: `Bench change ${i}`, head: branch }).number);
}

/** Wall-clock time in ms with sub-ms precision, comparable across processes on one machine. */
const wall = () => performance.timeOrigin + performance.now();
const send = (m: Record<string, unknown>) => process.send?.(m);

type Msg =
  | { cmd: 'attach'; url: string }
  | { cmd: 'comment'; id: number; prs: number[]; body: string; author?: string; perSecond?: number }
  | { cmd: 'deliveries'; since: number; event?: string }
  | { cmd: 'cpu' }
  | { cmd: 'idle' }
  | { cmd: 'close' };

process.on('message', async (msg: Msg) => {
  if (msg.cmd === 'attach') {
    app.webhook_url = `${msg.url}/hook`;
    send({ id: 'attach' });
  } else if (msg.cmd === 'comment') {
    // Each comment fires `issue_comment.created` at the app; t0 is taken just before the comment exists.
    const sent: { pr: number; t0: number }[] = [];
    const start = wall();
    for (const [i, pr] of msg.prs.entries()) {
      // Paced: the i-th comment is due i/perSecond seconds after the first.
      if (msg.perSecond) await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / msg.perSecond! - wall())));
      const t0 = wall();
      lg.admin.comment(DEMO_REPO, pr, msg.author ?? DEMO_MAINTAINER, msg.body);
      sent.push({ pr, t0 });
      // Let the delivery go out before the next comment: otherwise every delivery of a burst would wait
      // for the whole loop, and its recorded round trip would include creating the other comments.
      if (msg.prs.length > 1) await new Promise((r) => setImmediate(r));
    }
    send({ id: msg.id, sent });
  } else if (msg.cmd === 'deliveries') {
    await lg.webhooks.idle();
    const rows = [...(lg.state as unknown as { deliveries: Map<number, { event: string; delivered_at: number; duration: number; status_code: number }> }).deliveries.values()]
      .filter((d) => d.delivered_at >= msg.since && (!msg.event || d.event === msg.event))
      .map((d) => ({ event: d.event, ms: d.duration * 1000, status: d.status_code, at: d.delivered_at }));
    send({ id: 'deliveries', rows });
  } else if (msg.cmd === 'idle') {
    await lg.webhooks.idle();
    send({ id: 'idle' });
  } else if (msg.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ id: 'cpu', cpuMs: (user + system) / 1000 });
  } else if (msg.cmd === 'close') {
    await lg.webhooks.idle();
    await lg.close();
    send({ id: 'closed' });
    process.disconnect?.();
  }
});

send({ id: 'ready', api_url, web_url, prs, app: { id: app.id, private_key: app.private_key.trim(), webhook_secret: app.webhook_secret ?? '' } });
