/** What a client needs to connect, as printed by the CLI and served at `GET /_emulator/credentials`. */
import type { LocalGitHub } from './server.js';

export interface Credentials {
  api_url: string;
  web_url: string;
  app: { id: number; slug: string; private_key: string; webhook_secret: string | null; client_id: string; client_secret: string } | null;
  installations: { id: number; account: string }[];
  users: { login: string; token: string }[];
}

/** The first (or named) app, its installations, and every user's first personal token. */
export function credentialsOf(lg: LocalGitHub, appSlug?: string): Credentials {
  const { state } = lg;
  const apps = [...state.apps.values()].sort((a, b) => a.id - b.id);
  const app = appSlug ? apps.find((a) => a.slug === appSlug) : apps[0];
  const users: Credentials['users'] = [];
  for (const acct of [...state.accounts.values()].sort((a, b) => a.id - b.id)) {
    if (acct.type !== 'User' || acct.login === 'app-owner') continue;
    const token = [...state.tokens].find(([, t]) => t.kind === 'pat' && t.userId === acct.id && (t.expires_at === null || t.expires_at > state.now()))?.[0];
    if (token) users.push({ login: acct.login, token });
  }
  return {
    api_url: lg.urls.apiBase,
    web_url: lg.urls.webBase,
    app: app ? { id: app.id, slug: app.slug, private_key: app.private_key, webhook_secret: app.webhook_secret, client_id: app.client_id, client_secret: app.client_secret } : null,
    installations: app ? [...state.installations.values()].filter((i) => i.appId === app.id).map((i) => ({ id: i.id, account: state.account(i.accountId).login })) : [],
    users,
  };
}
