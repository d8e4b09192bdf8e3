/** JSON for issue comments, reviews, commit statuses, deployments, hooks and deliveries. */
import type { LocalGitHubContext } from '../context.js';
import type { CommitStatus, Delivery, Deployment, DeploymentStatus, Hook, IssueComment, Repo, Review } from '../state/types.js';
import { authorAssociation } from './pulls.js';

export function commentJson(ctx: LocalGitHubContext, repo: Repo, c: IssueComment): Record<string, unknown> {
  const full = ctx.state.fullName(repo);
  const user = ctx.state.account(c.userId);
  const app = c.viaAppId === null ? undefined : ctx.state.apps.get(c.viaAppId);
  return {
    id: c.id,
    node_id: c.node_id,
    url: ctx.urls.api(`/repos/${full}/issues/comments/${c.id}`),
    html_url: ctx.urls.web(`/${full}/pull/${c.number}#issuecomment-${c.id}`),
    body: c.body,
    user: ctx.serialize.user(user),
    created_at: ctx.serialize.time(c.created_at),
    updated_at: ctx.serialize.time(c.updated_at),
    issue_url: ctx.urls.api(`/repos/${full}/issues/${c.number}`),
    author_association: authorAssociation(ctx, repo, user),
    performed_via_github_app: app ? ctx.serialize.app(app) : null,
  };
}

/** REST review (state UPPERCASE); `webhook: true` gives the webhook form (state lowercase). */
export function reviewJson(ctx: LocalGitHubContext, repo: Repo, r: Review, webhook = false): Record<string, unknown> {
  const full = ctx.state.fullName(repo);
  const user = ctx.state.account(r.userId);
  const html = ctx.urls.web(`/${full}/pull/${r.number}#pullrequestreview-${r.id}`);
  const pr = ctx.urls.api(`/repos/${full}/pulls/${r.number}`);
  return {
    id: r.id,
    node_id: r.node_id,
    user: ctx.serialize.user(user),
    body: webhook && r.body === '' ? null : r.body,
    state: webhook ? r.state.toLowerCase() : r.state,
    html_url: html,
    pull_request_url: pr,
    _links: { html: { href: html }, pull_request: { href: pr } },
    submitted_at: r.state === 'PENDING' ? undefined : ctx.serialize.time(r.submitted_at),
    commit_id: r.commit_id,
    author_association: authorAssociation(ctx, repo, user),
  };
}

export function statusJson(ctx: LocalGitHubContext, repo: Repo, s: CommitStatus, withCreator = true): Record<string, unknown> {
  const creator = ctx.state.accounts.get(s.creatorId);
  const out: Record<string, unknown> = {
    url: ctx.urls.api(`/repos/${ctx.state.fullName(repo)}/statuses/${s.sha}`),
    avatar_url: creator ? ctx.urls.web(`/_emulator/avatars/${creator.id}`) : null,
    id: s.id,
    node_id: s.node_id,
    state: s.state,
    description: s.description,
    target_url: s.target_url,
    context: s.context,
    created_at: ctx.serialize.time(s.created_at),
    updated_at: ctx.serialize.time(s.updated_at),
  };
  if (withCreator) out.creator = creator ? ctx.serialize.user(creator) : null;
  return out;
}

export function deploymentJson(ctx: LocalGitHubContext, repo: Repo, d: Deployment): Record<string, unknown> {
  const u = ctx.urls.api(`/repos/${ctx.state.fullName(repo)}/deployments/${d.id}`);
  const creator = ctx.state.accounts.get(d.creatorId);
  return {
    url: u,
    id: d.id,
    node_id: d.node_id,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: creator ? ctx.serialize.user(creator) : null,
    created_at: ctx.serialize.time(d.created_at),
    updated_at: ctx.serialize.time(d.updated_at),
    statuses_url: `${u}/statuses`,
    repository_url: ctx.urls.api(`/repos/${ctx.state.fullName(repo)}`),
    transient_environment: false,
    production_environment: d.environment === 'production',
  };
}

export function deploymentStatusJson(ctx: LocalGitHubContext, repo: Repo, d: Deployment, s: DeploymentStatus): Record<string, unknown> {
  const u = ctx.urls.api(`/repos/${ctx.state.fullName(repo)}/deployments/${d.id}`);
  const creator = ctx.state.accounts.get(s.creatorId);
  // The schema types these URLs as `uri`: empty ones are omitted, and target_url (required) falls back to the status URL.
  const urlsOut: Record<string, string> = { target_url: s.target_url || `${u}/statuses/${s.id}` };
  if (s.log_url) urlsOut.log_url = s.log_url;
  return {
    url: `${u}/statuses/${s.id}`,
    id: s.id,
    node_id: s.node_id,
    state: s.state,
    creator: creator ? ctx.serialize.user(creator) : null,
    description: s.description,
    environment: s.environment,
    ...urlsOut,
    created_at: ctx.serialize.time(s.created_at),
    updated_at: ctx.serialize.time(s.updated_at),
    deployment_url: u,
    repository_url: ctx.urls.api(`/repos/${ctx.state.fullName(repo)}`),
  };
}

export function hookJson(ctx: LocalGitHubContext, h: Hook): Record<string, unknown> {
  const o = h.owner;
  const u = o.kind === 'repo'
    ? ctx.urls.api(`/repos/${ctx.state.fullName(ctx.state.repo(o.repoId))}/hooks/${h.id}`)
    : ctx.urls.api(`/orgs/${ctx.state.account(o.orgId).login}/hooks/${h.id}`);
  const last = [...ctx.state.deliveries.values()].filter((d) => d.target.kind === 'hook' && d.target.hookId === h.id).pop();
  const config: Record<string, unknown> = { content_type: h.config.content_type, insecure_ssl: h.config.insecure_ssl, url: h.config.url };
  if (h.config.secret) config.secret = '********';
  const out: Record<string, unknown> = {
    type: o.kind === 'repo' ? 'Repository' : 'Organization',
    id: h.id,
    name: 'web',
    active: h.active,
    events: [...h.events],
    config,
    updated_at: ctx.serialize.time(h.updated_at),
    created_at: ctx.serialize.time(h.created_at),
    url: u,
    ping_url: `${u}/pings`,
    deliveries_url: `${u}/deliveries`,
  };
  if (o.kind === 'repo') {
    out.test_url = `${u}/test`;
    out.last_response = last ? { code: last.status_code || null, status: last.status === 'OK' ? 'active' : 'failed', message: last.status } : { code: null, status: 'unused', message: null };
  }
  return out;
}

export function deliveryItemJson(ctx: LocalGitHubContext, d: Delivery): Record<string, unknown> {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: ctx.serialize.time(d.delivered_at),
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.status_code,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

export function deliveryJson(ctx: LocalGitHubContext, d: Delivery): Record<string, unknown> {
  let payload: unknown = d.request.payload;
  try {
    payload = JSON.parse(d.request.payload.startsWith('payload=') ? decodeURIComponent(d.request.payload.slice(8)) : d.request.payload);
  } catch {
    // keep the raw text
  }
  return {
    ...deliveryItemJson(ctx, d),
    url: d.url,
    request: { headers: { ...d.request.headers }, payload },
    response: d.response ? { headers: { ...d.response.headers }, payload: d.response.payload } : { headers: null, payload: null },
  };
}
