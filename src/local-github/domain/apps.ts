/** GitHub Apps: registration, installation, installation access tokens. */
import { randomBytes } from 'node:crypto';
import { nodeId, type State } from '../state/store.js';
import type { Account, App, AppPermissionLevel, Installation, Repo } from '../state/types.js';
import { generateAppKeys } from '../auth/jwt.js';
import { slugify } from './accounts.js';

export const DEFAULT_APP_PERMISSIONS: Record<string, AppPermissionLevel> = {
  checks: 'write', statuses: 'write', contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read',
  members: 'read', administration: 'read', deployments: 'write',
};
export const DEFAULT_APP_EVENTS = ['check_run', 'check_suite', 'issue_comment', 'pull_request', 'pull_request_review', 'push', 'status', 'repository'];

export function createApp(state: State, owner: Account, name: string, opts: {
  permissions?: Record<string, AppPermissionLevel>; events?: string[]; webhook_url?: string | null; webhook_secret?: string | null; description?: string | null;
  private_key?: string; public_key?: string;
} = {}): App {
  const slug = slugify(name);
  for (const a of state.apps.values()) if (a.slug === slug) throw new Error(`app ${slug} already exists`);
  const id = state.nextId('app');
  const now = state.now();
  const keys = opts.private_key && opts.public_key ? { private_key: opts.private_key, public_key: opts.public_key } : generateAppKeys();
  const app: App = {
    id, node_id: nodeId('Integration', id), slug, name, ownerId: owner.id, description: opts.description ?? null,
    external_url: `https://example.invalid/${slug}`, client_id: `Iv1.${randomBytes(8).toString('hex')}`,
    client_secret: randomBytes(20).toString('hex'), permissions: { ...(opts.permissions ?? DEFAULT_APP_PERMISSIONS) },
    events: [...(opts.events ?? DEFAULT_APP_EVENTS)], ...keys,
    webhook_secret: opts.webhook_secret === undefined ? randomBytes(16).toString('hex') : opts.webhook_secret,
    webhook_url: opts.webhook_url ?? null, created_at: now, updated_at: now,
  };
  state.apps.set(id, app);
  return app;
}

export function installApp(state: State, app: App, account: Account, repos: Repo[] | 'all' = 'all'): Installation {
  for (const i of state.installations.values()) {
    if (i.appId === app.id && i.accountId === account.id) throw new Error(`${app.slug} is already installed on ${account.login}`);
  }
  const id = state.nextId('installation');
  const now = state.now();
  const inst: Installation = {
    id, appId: app.id, accountId: account.id, repository_selection: repos === 'all' ? 'all' : 'selected',
    repoIds: new Set(repos === 'all' ? [] : repos.map((r) => r.id)), permissions: { ...app.permissions }, events: [...app.events],
    suspended_at: null, created_at: now, updated_at: now,
  };
  state.installations.set(id, inst);
  return inst;
}

/** Issues an installation access token (1 hour, like GitHub), optionally narrowed to repos and permissions. */
export function issueInstallationToken(state: State, inst: Installation, narrow: { repoIds?: number[]; permissions?: Record<string, AppPermissionLevel> } = {}): { token: string; expires_at: number } {
  const token = `ghs_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
  const expires_at = state.now() + 3600_000;
  state.tokens.set(token, {
    kind: 'installation', installationId: inst.id, expires_at,
    permissions: { ...(narrow.permissions ?? inst.permissions) }, repoIds: narrow.repoIds ?? null,
  });
  return { token, expires_at };
}

/** Repositories an installation can see. */
export function installationRepos(state: State, inst: Installation): Repo[] {
  return [...state.repos.values()].filter((r) =>
    inst.repository_selection === 'all' ? r.ownerId === inst.accountId : inst.repoIds.has(r.id));
}
