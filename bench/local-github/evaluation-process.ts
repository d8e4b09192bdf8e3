/**
 * The local GitHub under the evaluation benchmark (forked by evaluation.ts): the demo world, PRS pull
 * requests, the app's webhook pointed at the driver, and an installation token for the driver's API calls.
 * Commands over IPC: `comment` (one `issue_comment.created` delivery), `idle` (all deliveries done), `cpu`.
 */
import { createLocalGitHub } from '../../src/local-github/server.js';
import { issueInstallationToken } from '../../src/local-github/domain/apps.js';
import { DEMO_MAINTAINER, DEMO_REPO, seedDemoWorld } from '../../src/service/demo/demo-world.js';

const PRS = Number(process.env.BENCH_PRS ?? 100);
const lg = createLocalGitHub({ rateLimit: { authenticated: Number.MAX_SAFE_INTEGER } });
const world = seedDemoWorld(lg);
const { api_url } = await lg.start(0, '127.0.0.1');
const prs: { number: number; sha: string }[] = [];
for (let i = 0; i < PRS; i++) {
  const branch = `bench-${i}`;
  lg.admin.push(DEMO_REPO, { branch, author: 'carol', message: `change ${i}`, files: { [`src/bench-${i}.ts`]: `export const n = ${i};\n` } });
  const p = lg.admin.openPull(DEMO_REPO, { author: 'carol', title: `Bench change ${i}`, head: branch });
  prs.push({ number: p.number, sha: p.head.sha });
}
const inst = lg.state.installations.get(world.installationId)!;
const { token } = issueInstallationToken(lg.state, inst);
const app = lg.state.apps.get(world.appId)!;

type Msg = { cmd: 'attach'; url: string } | { cmd: 'comment'; pr: number } | { cmd: 'idle' } | { cmd: 'cpu' } | { cmd: 'close' };
const send = (m: Record<string, unknown>) => process.send?.(m);
process.on('message', async (msg: Msg) => {
  if (msg.cmd === 'attach') {
    app.webhook_url = msg.url;
    send({ ok: true });
  } else if (msg.cmd === 'comment') {
    lg.admin.comment(DEMO_REPO, msg.pr, DEMO_MAINTAINER, 'I approve');
    send({ ok: true });
  } else if (msg.cmd === 'idle') {
    await lg.webhooks.idle();
    send({ ok: true });
  } else if (msg.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ cpuMs: (user + system) / 1000, userMs: user / 1000, systemMs: system / 1000 });
  } else if (msg.cmd === 'close') {
    await lg.close();
    send({ ok: true });
    process.disconnect?.();
  }
});
send({ api_url, token, prs });
