/** JSON for repositories: `repository` (full), `minimal-repository`, and the small webhook forms. */
import { isoSeconds } from '../clock.js';
import type { State } from '../state/store.js';
import type { Permission, Repo } from '../state/types.js';
import type { Urls } from '../http/urls.js';
import { simpleUser } from './accounts.js';

function urlFields(urls: Urls, state: State, repo: Repo): Record<string, unknown> {
  const full = state.fullName(repo);
  const u = urls.api(`/repos/${full}`);
  return {
    url: u,
    forks_url: `${u}/forks`,
    keys_url: `${u}/keys{/key_id}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    teams_url: `${u}/teams`,
    hooks_url: `${u}/hooks`,
    issue_events_url: `${u}/issues/events{/number}`,
    events_url: `${u}/events`,
    assignees_url: `${u}/assignees{/user}`,
    branches_url: `${u}/branches{/branch}`,
    tags_url: `${u}/tags`,
    blobs_url: `${u}/git/blobs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    trees_url: `${u}/git/trees{/sha}`,
    statuses_url: `${u}/statuses/{sha}`,
    languages_url: `${u}/languages`,
    stargazers_url: `${u}/stargazers`,
    contributors_url: `${u}/contributors`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    commits_url: `${u}/commits{/sha}`,
    git_commits_url: `${u}/git/commits{/sha}`,
    comments_url: `${u}/comments{/number}`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    contents_url: `${u}/contents/{+path}`,
    compare_url: `${u}/compare/{base}...{head}`,
    merges_url: `${u}/merges`,
    archive_url: `${u}/{archive_format}{/ref}`,
    downloads_url: `${u}/downloads`,
    issues_url: `${u}/issues{/number}`,
    pulls_url: `${u}/pulls{/number}`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    labels_url: `${u}/labels{/name}`,
    releases_url: `${u}/releases{/id}`,
    deployments_url: `${u}/deployments`,
  };
}

/** `minimal-repository` (check suites, installation repository lists, webhook `repository` in some events). */
export function minimalRepo(urls: Urls, state: State, repo: Repo): Record<string, unknown> {
  return { ...cachedRepo(urls, state, repo).minimal };
}

/** `repository` / `full-repository` (GET /repos/{owner}/{repo}, webhook `repository`). */
export function fullRepo(urls: Urls, state: State, repo: Repo, permission?: Permission | null): Record<string, unknown> {
  // A fresh top-level object every time: callers add keys (`permissions`, `organization`) to what they get.
  const entry = cachedRepo(urls, state, repo);
  const out: Record<string, unknown> = { ...entry.full };
  if (permission !== undefined && permission !== null) out.permissions = permissionFlags(permission);
  else copies.set(out, entry);
  return out;
}

/** Copies `fullRepo` handed out, and the cache entry each was copied from. */
const copies = new WeakMap<object, RepoJson>();

/**
 * The JSON text of `value` when it is a `fullRepo` copy nobody has changed since (same keys, same values as
 * the cached repository): webhook bodies embed it without stringifying the repository again.
 */
export function knownRepoJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = copies.get(value);
  if (!entry) return undefined;
  const copy = value as Record<string, unknown>;
  let i = 0;
  for (const key in copy) {
    if (key !== entry.keys[i++] || copy[key] !== entry.full[key]) return undefined;
  }
  if (i !== entry.keys.length) return undefined;
  return (entry.json ??= JSON.stringify(entry.full));
}

interface RepoJson {
  /** Everything the JSON is made of; the cached JSON is reused only while every entry is unchanged. */
  inputs: unknown[];
  minimal: Record<string, unknown>;
  full: Record<string, unknown>;
  /** The keys of `full` in order, and its JSON text once a webhook needed it. */
  keys: string[];
  json?: string;
}

/**
 * Every webhook payload and many responses embed the same repository: the serialised forms are kept per
 * repository and rebuilt when anything they are made of differs (compared on each use, so no mutation path
 * has to remember to invalidate them). The nested objects are shared between callers, who only ever add
 * top-level keys to their own copy.
 */
const repoJsonCache = new WeakMap<Repo, RepoJson>();

function repoInputs(urls: Urls, state: State, repo: Repo): unknown[] {
  const owner = state.account(repo.ownerId);
  let openPulls = 0;
  for (const p of state.pullsIn(repo.id)) if (p.state === 'open') openPulls++;
  return [
    urls.apiBase, urls.webBase, owner, owner.id, owner.login, owner.node_id, owner.type, owner.site_admin,
    repo.id, repo.node_id, repo.name, repo.private, repo.description, repo.fork, repo.created_at, repo.updated_at,
    repo.pushed_at, repo.archived, repo.default_branch, openPulls,
  ];
}

function sameInputs(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function cachedRepo(urls: Urls, state: State, repo: Repo): RepoJson {
  const inputs = repoInputs(urls, state, repo);
  const hit = repoJsonCache.get(repo);
  if (hit && sameInputs(hit.inputs, inputs)) return hit;
  const minimal = buildMinimalRepo(urls, state, repo);
  const full = buildFullRepo(urls, state, repo, minimal, inputs[inputs.length - 1] as number);
  const entry: RepoJson = { inputs, minimal, full, keys: Object.keys(full) };
  repoJsonCache.set(repo, entry);
  return entry;
}

function buildMinimalRepo(urls: Urls, state: State, repo: Repo): Record<string, unknown> {
  const full = state.fullName(repo);
  return {
    id: repo.id,
    node_id: repo.node_id,
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: simpleUser(urls, state.account(repo.ownerId)),
    html_url: urls.web(`/${full}`),
    description: repo.description,
    fork: repo.fork,
    ...urlFields(urls, state, repo),
  };
}

function buildFullRepo(urls: Urls, state: State, repo: Repo, minimal: Record<string, unknown>, openPulls: number): Record<string, unknown> {
  const full = state.fullName(repo);
  const host = new URL(urls.webBase).host;
  // One spread literal, not Object.assign: an object given this many keys by Object.assign goes to V8's slow
  // dictionary mode, which makes every later copy and JSON.stringify of it several times slower.
  return {
    ...minimal,
    created_at: isoSeconds(repo.created_at),
    updated_at: isoSeconds(repo.updated_at),
    pushed_at: repo.pushed_at === null ? null : isoSeconds(repo.pushed_at),
    git_url: `git://${host}/${full}.git`,
    ssh_url: `git@${host}:${full}.git`,
    clone_url: urls.web(`/${full}.git`),
    svn_url: urls.web(`/${full}`),
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: repo.archived,
    disabled: false,
    open_issues_count: openPulls,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: openPulls,
    watchers: 0,
    default_branch: repo.default_branch,
  };
}

/** `{admin, maintain, push, triage, pull}` for a permission level. */
export function permissionFlags(p: Permission): Record<string, boolean> {
  const rank = RANK[p];
  return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
}

export const RANK: Record<Permission, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };
