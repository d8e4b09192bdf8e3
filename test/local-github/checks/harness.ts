/**
 * A running local GitHub on an ephemeral loopback port, seeded for the Checks API tests: an org with a repo,
 * three GitHub Apps (checks write, checks read, another writer) installed on it, a person with a token,
 * a repository hook, and a webhook receiver that records (and signature-checks) every delivery.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { App as OctokitApp } from '@octokit/app';
import { verify } from '@octokit/webhooks-methods';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { AdjustableClock } from '../../../src/local-github/clock.js';
import { createAccount, issuePersonalToken } from '../../../src/local-github/domain/accounts.js';
import { createApp, installApp, issueInstallationToken } from '../../../src/local-github/domain/apps.js';
import { createRepo, pushFiles } from '../../../src/local-github/domain/repos.js';
import type { Account, App, Installation, Repo } from '../../../src/local-github/state/types.js';

export interface Received {
  to: string;
  event: string;
  action: string | undefined;
  payload: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  signatureOk: boolean;
}

export interface World {
  lg: LocalGitHub;
  clock: AdjustableClock;
  apiUrl: string;
  org: Account;
  person: Account;
  repo: Repo;
  /** Tip of `main` at seed time. */
  sha: string;
  apps: { checker: App; reader: App; other: App };
  installations: { checker: Installation; reader: Installation; other: Installation };
  /** Installation-authenticated clients (through @octokit/app when the token route exists). */
  checker: Octokit;
  reader: Octokit;
  other: Octokit;
  /** A person's classic token (`repo` scope). */
  user: Octokit;
  received: Received[];
  /** Waits for in-flight deliveries, then returns and clears what arrived. */
  take(): Promise<Received[]>;
  push(branch: string, files: Record<string, string | null>, repo?: Repo): string;
  close(): Promise<void>;
}

const SECRET = 'hook-secret';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function installationClient(apiUrl: string, lg: LocalGitHub, app: App, inst: Installation): Promise<Octokit> {
  const ghApp = new OctokitApp({ appId: app.id, privateKey: app.private_key, Octokit: Octokit.defaults({ baseUrl: apiUrl }) });
  try {
    // Probe with the app JWT: the core's token route may not exist yet.
    await ghApp.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: inst.id });
  } catch {
    return new Octokit({ baseUrl: apiUrl, auth: issueInstallationToken(lg.state, inst).token });
  }
  return (await ghApp.getInstallationOctokit(inst.id)) as unknown as Octokit;
}

export async function startWorld(): Promise<World> {
  // Real time (adjustable): app JWTs signed by @octokit/app carry the machine's time.
  const clock = new AdjustableClock();
  const lg = createLocalGitHub({ clock });
  const { api_url: apiUrl } = await lg.start(0);
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const hookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const to = (req.url ?? '/').slice(1);
      const payload = JSON.parse(raw) as Record<string, unknown>;
      const sig = String(req.headers['x-hub-signature-256'] ?? '');
      void verify(secrets.get(to) ?? '', raw, sig).then((ok) => {
        received.push({ to, event: String(req.headers['x-github-event']), action: payload.action as string | undefined, payload, headers: req.headers, signatureOk: ok });
        res.writeHead(200).end('ok');
      });
    });
  });
  const hookBase = await listen(hookServer);

  const { state, ctx } = lg;
  const org = createAccount(state, 'acme', 'Organization');
  const person = createAccount(state, 'octo', 'User', { name: 'Octo Cat', email: 'octo@example.com' });
  const repo = createRepo(ctx, org, 'widgets', { files: { 'README.md': 'hello\n' } });
  repo.collaborators.set(person.id, 'admin');
  const sha = repo.refs.get('refs/heads/main') as string;

  const mkApp = (name: string, checks: 'read' | 'write') => {
    const app = createApp(state, org, name, {
      permissions: { checks, metadata: 'read', contents: 'read', pull_requests: 'read' },
      webhook_url: `${hookBase}/${name.toLowerCase()}`,
      webhook_secret: SECRET,
    });
    secrets.set(name.toLowerCase(), SECRET);
    return { app, inst: installApp(state, app, org, 'all') };
  };
  const checker = mkApp('Checker', 'write');
  const reader = mkApp('Reader', 'read');
  const other = mkApp('Other', 'write');
  const hookId = state.nextId('hook');
  state.hooks.set(hookId, {
    id: hookId, owner: { kind: 'repo', repoId: repo.id }, active: true, events: ['*'],
    config: { url: `${hookBase}/repo-hook`, content_type: 'json', secret: SECRET, insecure_ssl: '0' },
    created_at: clock.now(), updated_at: clock.now(),
  });
  secrets.set('repo-hook', SECRET);

  const world: World = {
    lg, clock, apiUrl, org, person, repo, sha,
    apps: { checker: checker.app, reader: reader.app, other: other.app },
    installations: { checker: checker.inst, reader: reader.inst, other: other.inst },
    checker: await installationClient(apiUrl, lg, checker.app, checker.inst),
    reader: await installationClient(apiUrl, lg, reader.app, reader.inst),
    other: await installationClient(apiUrl, lg, other.app, other.inst),
    user: new Octokit({ baseUrl: apiUrl, auth: issuePersonalToken(state, person) }),
    received,
    async take() {
      await lg.webhooks.idle();
      return received.splice(0, received.length);
    },
    push(branch, files, target = world.repo) {
      return pushFiles(ctx, target, { branch, files, message: `change ${branch}`, author: person });
    },
    async close() {
      await lg.close();
      await new Promise<void>((resolve) => hookServer.close(() => resolve()));
    },
  };
  await world.take();
  return world;
}

/** `event.action → receivers` of what arrived, sorted, for compact assertions. */
export function routing(list: Received[]): string[] {
  return list.map((r) => `${r.event}.${r.action ?? ''}→${r.to}`).sort();
}
