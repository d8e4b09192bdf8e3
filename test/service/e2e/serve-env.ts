/**
 * A local GitHub of a test's own with `acme/widgets` and a GitHub App, and the environment `checks-out
 * serve` needs to run against it in App mode — for tests that start the service from an environment (in
 * process with `startService`, or as a real process) rather than through `World`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import type { App } from '../../../src/local-github/state/types.js';
import { generateSecretKey } from '../../../src/service/secrets.js';
import type { RunningService } from '../../../src/service/server.js';
import { ORG, REPO } from './harness.js';

export const DEFAULT_FILES: Readonly<Record<string, string>> = {
  'README.md': 'widgets\n',
  '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n',
  MAINTAINERS: 'alice\nbob\ncarol\n',
};

export interface ServeEnvOptions {
  /** Users besides `owner`; each is an org member and a collaborator with write (default alice, bob, carol). */
  users?: string[];
  /** Which of them are members of the organisation (default all). */
  members?: string[];
  /** The repository's default-branch files (default `DEFAULT_FILES`). */
  files?: Record<string, string>;
  appName?: string;
  /** Prefix of the temporary directory that holds the database. */
  dirPrefix?: string;
}

export interface ServeEnv {
  lg: LocalGitHub;
  app: App;
  apiUrl: string;
  webUrl: string;
  /** The app's webhook secret. */
  secret: string;
  dir: string;
  /** The App-mode environment for `serve` (SQLite file in `dir`, any free port). */
  env: Record<string, string>;
  /** Stops the local GitHub and removes `dir` (after the caller has stopped its service). */
  cleanup(): Promise<void>;
}

export async function serveEnv(o: ServeEnvOptions = {}): Promise<ServeEnv> {
  const dir = mkdtempSync(join(tmpdir(), o.dirPrefix ?? 'checks-out-serve-'));
  const lg = createLocalGitHub();
  const cleanup = async () => {
    await lg.webhooks.idle().catch(() => {});
    await lg.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { api_url, web_url } = await lg.start(0, '127.0.0.1');
    const users = o.users ?? ['alice', 'bob', 'carol'];
    const admin = lg.admin;
    for (const u of [...users, 'owner']) admin.createUser(u);
    admin.createOrg(ORG, { admins: ['owner'], members: o.members ?? users });
    admin.createRepo(REPO, { files: o.files ?? { ...DEFAULT_FILES } });
    for (const u of users) admin.setCollaborator(REPO, u, 'write');
    const secret = randomBytes(16).toString('hex');
    const app = admin.createApp(o.appName ?? 'checks-out', { webhook_url: null, webhook_secret: secret });
    const env = {
      GITHUB_APP_ID: String(app.id),
      GITHUB_APP_PRIVATE_KEY: app.private_key,
      GITHUB_WEBHOOK_SECRET: secret,
      GITHUB_URL: web_url.replace(/\/+$/, ''),
      GITHUB_API_URL: api_url,
      DB_SOURCE: join(dir, 'service.sqlite'),
      SERVER_ADDR: '127.0.0.1:0',
      CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
    };
    return { lg, app, apiUrl: api_url, webUrl: web_url, secret, dir, env, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Points the app's webhook at a started service and installs the app on the organisation; returns the
 * installation and a `settle` over the service's queue.
 */
export async function attachService(gh: ServeEnv, service: RunningService): Promise<{ installationId: number; settle: () => Promise<void> }> {
  gh.app.webhook_url = `${service.url}/hook`;
  const installationId = gh.lg.admin.install(gh.app.id, ORG, 'all').id;
  const settle = () =>
    settleService(gh.lg, async () => {
      const d = await service.queue.depth();
      return d.pending + d.running;
    });
  await settle();
  return { installationId, settle };
}

/**
 * Waits until no webhook is in flight and `busy()` (jobs pending or running) is 0 twice in a row: a job that
 * just finished may have caused a delivery. The deadline turns a hang into a failure.
 */
export async function settleService(lg: LocalGitHub, busy: () => Promise<number>, deadlineMs = 60_000): Promise<void> {
  let quiet = 0;
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    await lg.webhooks.idle();
    if ((await busy()) > 0) quiet = 0;
    else if (++quiet >= 2) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the service did not settle');
}

const bin = fileURLToPath(new URL('../../../bin/checks-out.js', import.meta.url));

/**
 * Starts `checks-out serve` as a process of its own with `env` (plus PATH and HOME) in `cwd`; resolves
 * with its URL once it listens. Every stdout line goes to `onLine` (the pipe is read to the end, so it
 * never fills); stderr is inherited.
 */
export async function spawnServe(env: Record<string, string>, cwd: string, onLine: (line: string) => void = () => {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_OPTIONS: '--no-deprecation', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      onLine(line);
      const m = /^checks-out listening on (\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}) before listening`)));
  });
  return { child, url };
}
