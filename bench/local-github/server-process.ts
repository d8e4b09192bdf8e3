/**
 * The local GitHub under benchmark, in its own process (forked by run.ts) so its CPU time can be measured
 * apart from the load generator's.
 * Seeds an org, a repo, an app with checks:write (no webhook URL: the API is measured, not deliveries) and
 * answers `{cmd: 'heap'}` with its heap use after a full GC (needs `--expose-gc`).
 */
import { createLocalGitHub } from '../../src/local-github/server.js';
import { createAccount } from '../../src/local-github/domain/accounts.js';
import { createApp, installApp, issueInstallationToken } from '../../src/local-github/domain/apps.js';
import { createRepo } from '../../src/local-github/domain/repos.js';

const lg = createLocalGitHub({ rateLimit: { authenticated: Number.MAX_SAFE_INTEGER } });
const { api_url } = await lg.start(0);
const org = createAccount(lg.state, 'bench', 'Organization');
const repo = createRepo(lg.ctx, org, 'repo', { files: { 'README.md': 'bench\n' } });
const app = createApp(lg.state, org, 'Bench Checks', { permissions: { checks: 'write', metadata: 'read' }, webhook_url: null });
const inst = installApp(lg.state, app, org, 'all');
// The benchmark outlives an hour only on a very slow machine; tokens last one hour.
const { token } = issueInstallationToken(lg.state, inst);

const gc = (globalThis as { gc?: () => void }).gc;
const send = (m: Record<string, unknown>) => process.send?.(m);
process.on('message', async (msg: { cmd: string }) => {
  if (msg.cmd === 'heap') {
    gc?.();
    gc?.();
    send({ heap: process.memoryUsage().heapUsed, gc: typeof gc === 'function' });
  } else if (msg.cmd === 'cpu') {
    // CPU milliseconds this process used: the server's own cost, whatever else competes for the cores.
    const { user, system } = process.cpuUsage();
    send({ cpuMs: (user + system) / 1000 });
  } else if (msg.cmd === 'close') {
    await lg.close();
    send({ closed: true });
    process.disconnect?.();
  }
});
send({ ready: true, api_url, token, owner: org.login, repo: repo.name, sha: repo.refs.get('refs/heads/main') });
