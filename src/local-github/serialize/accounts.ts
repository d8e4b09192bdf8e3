/** JSON for users, organizations, apps and installations, with GitHub's field sets. */
import { isoSeconds } from '../clock.js';
import type { State } from '../state/store.js';
import type { Account, App, Installation } from '../state/types.js';
import type { Urls } from '../http/urls.js';

/** `simple-user`: how GitHub embeds any account (owner, user, sender...). */
export function simpleUser(urls: Urls, a: Account): Record<string, unknown> {
  // Bot logins (`checker[bot]`) must be percent-encoded to be URIs, as GitHub writes them.
  const u = urls.api(`/users/${encodeURIComponent(a.login)}`);
  return {
    login: a.login,
    id: a.id,
    node_id: a.node_id,
    avatar_url: urls.web(`/_emulator/avatars/${a.id}`),
    gravatar_id: '',
    url: u,
    html_url: urls.web(`/${encodeURIComponent(a.login)}`),
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: a.site_admin,
  };
}

/** `public-user` (GET /users/{login}, GET /user). */
export function fullUser(urls: Urls, state: State, a: Account): Record<string, unknown> {
  const publicRepos = [...state.repos.values()].filter((r) => r.ownerId === a.id && !r.private).length;
  return Object.assign(simpleUser(urls, a), {
    name: a.name,
    company: null,
    blog: '',
    location: null,
    email: a.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: isoSeconds(a.created_at),
    updated_at: isoSeconds(a.updated_at),
  });
}

/** `organization-simple`. */
export function simpleOrg(urls: Urls, a: Account): Record<string, unknown> {
  const u = urls.api(`/orgs/${a.login}`);
  return {
    login: a.login,
    id: a.id,
    node_id: a.node_id,
    url: u,
    repos_url: `${u}/repos`,
    events_url: `${u}/events`,
    hooks_url: `${u}/hooks`,
    issues_url: `${u}/issues`,
    members_url: `${u}/members{/member}`,
    public_members_url: `${u}/public_members{/member}`,
    avatar_url: urls.web(`/_emulator/avatars/${a.id}`),
    description: a.description ?? null,
  };
}

/** `organization-full`. */
export function fullOrg(urls: Urls, state: State, a: Account): Record<string, unknown> {
  const repos = [...state.repos.values()].filter((r) => r.ownerId === a.id);
  // GitHub's schema types these as plain strings: absent values are left out rather than null.
  const optional: Record<string, unknown> = {};
  if (a.name !== null) optional.name = a.name;
  if (a.email !== null) optional.email = a.email;
  return Object.assign(simpleOrg(urls, a), {
    ...optional,
    twitter_username: null,
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: repos.filter((r) => !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: urls.web(`/${a.login}`),
    created_at: isoSeconds(a.created_at),
    updated_at: isoSeconds(a.updated_at),
    archived_at: null,
    type: 'Organization',
  });
}

/** `integration`: a GitHub App as embedded in check runs, installations and GET /app. */
export function appJson(urls: Urls, state: State, app: App): Record<string, unknown> {
  const owner = state.accounts.get(app.ownerId);
  return {
    id: app.id,
    slug: app.slug,
    node_id: app.node_id,
    client_id: app.client_id,
    owner: owner ? simpleUser(urls, owner) : null,
    name: app.name,
    description: app.description,
    external_url: app.external_url,
    html_url: urls.web(`/apps/${app.slug}`),
    created_at: isoSeconds(app.created_at),
    updated_at: isoSeconds(app.updated_at),
    permissions: { ...app.permissions },
    events: [...app.events],
    installations_count: [...state.installations.values()].filter((i) => i.appId === app.id).length,
  };
}

/** `installation`. */
export function installationJson(urls: Urls, state: State, inst: Installation): Record<string, unknown> {
  const app = state.apps.get(inst.appId);
  const account = state.account(inst.accountId);
  return {
    id: inst.id,
    account: simpleUser(urls, account),
    repository_selection: inst.repository_selection,
    access_tokens_url: urls.api(`/app/installations/${inst.id}/access_tokens`),
    repositories_url: urls.api('/installation/repositories'),
    html_url: urls.web(`/${account.type === 'Organization' ? `organizations/${account.login}/` : ''}settings/installations/${inst.id}`),
    app_id: inst.appId,
    app_slug: app?.slug ?? '',
    target_id: account.id,
    target_type: account.type,
    permissions: { ...inst.permissions },
    events: [...inst.events],
    created_at: isoSeconds(inst.created_at),
    updated_at: isoSeconds(inst.updated_at),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: inst.suspended_at === null ? null : simpleUser(urls, account),
    suspended_at: inst.suspended_at === null ? null : isoSeconds(inst.suspended_at),
  };
}
