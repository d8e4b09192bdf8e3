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

/** `repository` / `full-repository` (GET /repos/{owner}/{repo}, webhook `repository`). */
export function fullRepo(urls: Urls, state: State, repo: Repo, permission?: Permission | null): Record<string, unknown> {
  const full = state.fullName(repo);
  const host = new URL(urls.webBase).host;
  const openPulls = state.pullsOf(repo.id).filter((p) => p.state === 'open').length;
  // Object.assign, not `{...minimal, ...}`: V8 builds a spread of a large object plus many keys very slowly.
  const out: Record<string, unknown> = Object.assign(minimalRepo(urls, state, repo), {
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
  });
  if (permission !== undefined && permission !== null) out.permissions = permissionFlags(permission);
  return out;
}

/** `{admin, maintain, push, triage, pull}` for a permission level. */
export function permissionFlags(p: Permission): Record<string, boolean> {
  const rank = RANK[p];
  return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
}

export const RANK: Record<Permission, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };
