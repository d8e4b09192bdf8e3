/**
 * The out-of-the-box demo's GitHub side: starts the local GitHub in-process with the demo world, and tells
 * the service how to reach it in GitHub App mode. Two steps, because the service's URL (the app's webhook
 * target) is only known for sure once it listens:
 *
 *   const demo = await startLocalDemo({ port: 3001 });
 *   const config2 = demo.configure(config);            // App mode against the local GitHub
 *   const service = await startService(config2, ...);
 *   const urls = await demo.attach(service.url);       // webhook → <url>/hook, demo PR opened, file written
 */
import { chmodSync, existsSync, writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServiceConfig } from '../config/types.js';
import { createLocalGitHub, type LocalGitHub } from '../../local-github/server.js';
import { DEMO_APP_NAME, DEMO_MAINTAINER, DEMO_ORG, DEMO_REPO, DEMO_USERS, openDemoPull, seedDemoWorld } from './demo-world.js';

export const DEFAULT_GITHUB_PORT = 3001;
export const DEFAULT_CREDENTIALS_FILE = 'checks-out-demo.json';

/** What `checks-out demo` needs; the first keys are the local GitHub's `--credentials-out` shape. */
export interface DemoCredentials {
  api_url: string;
  web_url: string;
  app: { id: number; slug: string; private_key: string; webhook_secret: string };
  installations: { id: number; account: string }[];
  users: { login: string; token: string }[];
  demo: {
    service_url: string;
    repo: string;
    pull_number: number;
    pr_url: string;
    /** The user `checks-out demo` comments as. */
    maintainer: string;
  };
}

export interface DemoUrls {
  service: string;
  /** The local GitHub's web root and REST API base. */
  github: string;
  api: string;
  /** The demo pull request's page on the local GitHub. */
  pr: string;
}

export interface LocalDemoOptions {
  /** Local GitHub port: default 3001 (an ephemeral one when 3001 is taken); 0 = ephemeral. */
  port?: number;
  /** Default 127.0.0.1: the demo holds tokens and must not be reachable from the network. */
  host?: string;
  /** Keep the local GitHub's state here: loaded at start when the file exists, saved by `stop()`. */
  stateFile?: string;
  /** Where `attach` writes the credentials for `checks-out demo` (mode 0600); null: nowhere. */
  credentialsFile?: string | null;
}

export interface LocalDemo {
  lg: LocalGitHub;
  /** Set by `attach` (service URL, PR number); before that `demo.service_url` is '' and `pull_number` 0. */
  credentials: DemoCredentials;
  /** The service's variables for App mode against the local GitHub (docs/service.md names). */
  env: Record<string, string>;
  /** `config` with GitHub switched to App mode against the local GitHub. */
  configure(config: ServiceConfig): ServiceConfig;
  /** Points the app's webhook at `<serviceUrl>/hook`, opens the demo PR (once), writes the credentials. */
  attach(serviceUrl: string): Promise<DemoUrls>;
  /** Waits for webhook deliveries in flight, saves the state file if any, closes the local GitHub. */
  stop(): Promise<void>;
}

function isAddressInUse(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

/** Reads the demo world back from the local GitHub's state (freshly seeded or loaded from a file). */
function describe(lg: LocalGitHub): DemoCredentials {
  const app = lg.admin.app(DEMO_APP_NAME);
  const installations = [...lg.state.installations.values()]
    .filter((i) => i.appId === app.id)
    .map((i) => ({ id: i.id, account: lg.state.account(i.accountId).login }));
  const users = DEMO_USERS.map((u) => ({ login: u.login, token: lg.admin.tokensOf(u.login)[0] ?? '' }));
  if (!installations.some((i) => i.account === DEMO_ORG)) throw new Error(`the ${DEMO_APP_NAME} app is not installed on ${DEMO_ORG}`);
  if (users.some((u) => u.token === '')) throw new Error('a demo user has no personal token');
  return {
    api_url: lg.urls.apiBase,
    web_url: lg.urls.webBase,
    app: { id: app.id, slug: app.slug, private_key: app.private_key, webhook_secret: app.webhook_secret ?? '' },
    installations,
    users,
    demo: { service_url: '', repo: DEMO_REPO, pull_number: 0, pr_url: '', maintainer: DEMO_MAINTAINER },
  };
}

function writePrivateJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export async function startLocalDemo(options: LocalDemoOptions = {}): Promise<LocalDemo> {
  const lg = createLocalGitHub();
  const stateFile = options.stateFile ? resolve(options.stateFile) : undefined;
  const credentialsFile = options.credentialsFile === undefined ? resolve(DEFAULT_CREDENTIALS_FILE) : options.credentialsFile && resolve(options.credentialsFile);
  const host = options.host ?? '127.0.0.1';
  try {
    if (stateFile && existsSync(stateFile)) await lg.load(stateFile);
    else seedDemoWorld(lg);
    try {
      await lg.start(options.port ?? DEFAULT_GITHUB_PORT, host);
    } catch (err) {
      // Only the default port falls back: an explicitly requested one that is taken is the caller's error.
      if (options.port !== undefined || !isAddressInUse(err)) throw err;
      await lg.start(0, host);
    }
  } catch (err) {
    await lg.close().catch(() => {});
    throw err;
  }
  const credentials = describe(lg);
  const { app } = credentials;
  // Trimmed like every variable loadConfig reads, so `configure(c)` equals loading `env`.
  const privateKey = app.private_key.trim();
  const env: Record<string, string> = {
    GITHUB_URL: credentials.web_url,
    GITHUB_API_URL: credentials.api_url,
    GITHUB_APP_ID: String(app.id),
    GITHUB_APP_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: app.webhook_secret,
  };
  let stopped = false;
  return {
    lg,
    credentials,
    env,
    configure(config) {
      return {
        ...config,
        github: {
          ...config.github,
          mode: 'app',
          webUrl: credentials.web_url,
          apiUrl: credentials.api_url,
          app: { id: app.id, privateKey, webhookSecret: app.webhook_secret },
        },
      };
    },
    async attach(serviceUrl) {
      const base = serviceUrl.replace(/\/+$/, '');
      if (!/^https?:\/\/[^/\s]+$/.test(base)) throw new Error(`not a service base URL: ${JSON.stringify(serviceUrl)}`);
      const record = lg.admin.app(app.id);
      record.webhook_url = `${base}/hook`;
      record.updated_at = lg.state.now();
      const number = openDemoPull(lg);
      const pr = lg.ctx.urls.web(`/${DEMO_REPO}/pull/${number}`);
      credentials.demo = { ...credentials.demo, service_url: base, pull_number: number, pr_url: pr };
      if (credentialsFile) writePrivateJson(credentialsFile, credentials);
      return { service: base, github: credentials.web_url, api: credentials.api_url, pr };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await lg.webhooks.idle();
      if (stateFile) {
        await lg.save(stateFile);
        chmodSync(stateFile, 0o600); // it holds every token and the app's private key
      }
      await lg.close();
    },
  };
}
