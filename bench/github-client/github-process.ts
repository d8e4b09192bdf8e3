/**
 * The local GitHub for the client benchmark, in its own process (forked by run.ts) so the client's CPU time
 * is measured apart from the emulator's. Seeds one repository with a PR; answers `cpu` and `close` over IPC.
 */
import { createLocalGitHub } from '../../src/local-github/server.js';

const lg = createLocalGitHub({ rateLimit: { authenticated: 100_000_000 } });
const { api_url } = await lg.start(0, '127.0.0.1');
const { token } = lg.admin.createUser('bench');
lg.admin.createUser('carol');
lg.admin.createOrg('acme', { admins: ['bench'] });
lg.admin.createRepo('acme/widgets', { files: { 'README.md': 'x\n', '.checks-out': 'approve_by_comment: true\n' } });
lg.admin.push('acme/widgets', { branch: 'f', author: 'carol', files: { 'a.txt': 'a\n' } });
const pr = lg.admin.openPull('acme/widgets', { author: 'carol', title: 'Change', head: 'f' });

process.on('message', async (msg: { cmd: string }) => {
  if (msg.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ id: 'cpu', cpuMs: (user + system) / 1000 });
  } else if (msg.cmd === 'close') {
    await lg.close();
    process.send?.({ id: 'closed' });
    process.disconnect?.();
  }
});

process.send?.({ id: 'ready', api_url, token, owner: 'acme', repo: 'widgets', pull: pr.number });
