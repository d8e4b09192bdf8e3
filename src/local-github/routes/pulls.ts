/** Pull requests: list/create/get/update, merge, files, commits, update-branch, PRs for a commit, reviewers. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { PullRequest, Repo } from '../state/types.js';
import { editPull, mergePull, openPull, updateBranch, baseTip } from '../domain/pulls.js';
import { diffTrees } from '../domain/diff.js';
import { fullPull, simplePull } from '../serialize/pulls.js';
import { commitJson, fileJson } from '../serialize/git.js';
import { body, intParam, params, query } from './util.js';

export function registerPulls(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, git, errors } = ctx;
  const read = (req: FastifyRequest): Repo => ctx.repo(req, params(req).owner, params(req).repo, { app: ['pull_requests', 'read'] });
  const write = (req: FastifyRequest): Repo => ctx.repo(req, params(req).owner, params(req).repo, { user: 'read', app: ['pull_requests', 'write'] });
  const pullOf = (req: FastifyRequest, r: Repo): PullRequest => {
    const p = state.pull(r.id, intParam(params(req).number));
    if (!p) throw errors.notFound();
    return p;
  };

  api.get('/repos/:owner/:repo/pulls', async (req, reply) => {
    const r = read(req);
    const q = query(req);
    const st = q.state ?? 'open';
    if (!['open', 'closed', 'all'].includes(st)) throw errors.validation([{ resource: 'Search', field: 'state', code: 'invalid' }]);
    let list = state.pullsOf(r.id).filter((p) => st === 'all' || p.state === st);
    if (q.head) list = list.filter((p) => `${state.account(state.repo(p.head.repoId).ownerId).login}:${p.head.ref}`.toLowerCase() === q.head!.toLowerCase());
    if (q.base) list = list.filter((p) => p.base.ref === q.base);
    const sort = q.sort ?? 'created';
    const dir = q.direction ?? (sort === 'created' ? 'desc' : 'desc');
    const key = (p: PullRequest): number => (sort === 'updated' ? p.updated_at : p.created_at) * 1e6 + p.number;
    list.sort((a, b) => (dir === 'asc' ? key(a) - key(b) : key(b) - key(a)));
    return ctx.paginate(req, reply, list.map((p) => simplePull(ctx, r, p)), ctx.repoApiUrlById(r, '/pulls'));
  });

  api.post('/repos/:owner/:repo/pulls', async (req, reply) => {
    const r = write(req);
    const b = body(req);
    if (typeof b.head !== 'string') throw errors.invalidRequest('"head" wasn\'t supplied.');
    if (typeof b.base !== 'string') throw errors.invalidRequest('"base" wasn\'t supplied.');
    if (b.issue !== undefined) throw errors.unprocessable('Converting issues to pull requests is not supported by the local GitHub');
    const p = openPull(ctx, r, {
      user: ctx.actor(req), title: typeof b.title === 'string' ? b.title : '', body: typeof b.body === 'string' ? b.body : null,
      head: b.head, base: b.base, draft: b.draft === true, maintainer_can_modify: b.maintainer_can_modify === true,
    });
    reply.header('location', ctx.urls.api(`/repos/${state.fullName(r)}/pulls/${p.number}`));
    return reply.code(201).send(fullPull(ctx, r, p));
  });

  api.get('/repos/:owner/:repo/pulls/:number', async (req) => {
    const r = read(req);
    return fullPull(ctx, r, pullOf(req, r));
  });

  api.patch('/repos/:owner/:repo/pulls/:number', async (req) => {
    const r = write(req);
    const p = pullOf(req, r);
    const actor = ctx.actor(req);
    const perm = ctx.permission(ctx.caller(req), r);
    if (ctx.caller(req).kind === 'user' && actor.id !== p.userId && perm !== 'admin' && perm !== 'maintain' && perm !== 'write' && perm !== 'triage') {
      throw errors.forbidden('Must have write access to edit this pull request');
    }
    const b = body(req);
    editPull(ctx, r, p, actor, { title: b.title, body: b.body, state: b.state, base: b.base });
    return fullPull(ctx, r, p);
  });

  api.get('/repos/:owner/:repo/pulls/:number/merge', async (req, reply) => {
    const r = read(req);
    const p = pullOf(req, r);
    if (p.merged_at === null) throw errors.notFound();
    return reply.code(204).send();
  });

  api.put('/repos/:owner/:repo/pulls/:number/merge', async (req) => {
    const r = ctx.repo(req, params(req).owner, params(req).repo, { user: 'write', app: ['contents', 'write'] });
    const p = pullOf(req, r);
    const b = body(req);
    return mergePull(ctx, r, p, ctx.actor(req), b);
  });

  api.put('/repos/:owner/:repo/pulls/:number/update-branch', async (req, reply) => {
    const r = ctx.repo(req, params(req).owner, params(req).repo, { user: 'write', app: ['contents', 'write'] });
    const p = pullOf(req, r);
    if (p.state !== 'open') throw errors.unprocessable('Pull request is closed');
    updateBranch(ctx, r, p, ctx.actor(req), body(req).expected_head_sha);
    return reply.code(202).send({ message: 'Updating pull request branch.', url: ctx.urls.web(`/${state.fullName(r)}/pull/${p.number}`) });
  });

  api.get('/repos/:owner/:repo/pulls/:number/files', async (req, reply) => {
    const r = read(req);
    const p = pullOf(req, r);
    const base = baseTip(r, p);
    const mb = git.mergeBase(base, p.head.sha);
    const files = diffTrees(git, mb ? git.commit(mb)!.tree : null, git.commit(p.head.sha)!.tree).slice(0, 3000);
    return ctx.paginate(req, reply, files.map((f) => fileJson(ctx, r, p.head.sha, f)), ctx.repoApiUrlById(r, `/pulls/${p.number}/files`));
  });

  api.get('/repos/:owner/:repo/pulls/:number/commits', async (req, reply) => {
    const r = read(req);
    const p = pullOf(req, r);
    const base = p.merged_at !== null ? p.base.sha : baseTip(r, p);
    const commits = git.commitsBetween(base, p.head.sha).slice(0, 250);
    return ctx.paginate(req, reply, commits.map((c) => commitJson(ctx, r, c)), ctx.repoApiUrlById(r, `/pulls/${p.number}/commits`));
  });

  api.get('/repos/:owner/:repo/commits/:sha/pulls', async (req, reply) => {
    const r = read(req);
    const sha = git.resolve(r, params(req).sha);
    if (!sha) throw errors.unprocessable(`No commit found for SHA: ${params(req).sha}`);
    // PRs whose head contains the commit, or merged PRs whose merge commit it is.
    const list = state.pullsOf(r.id).filter((p) => p.merge_commit_sha === sha || (git.commit(p.head.sha) && git.isAncestor(sha, p.head.sha) && !git.isAncestor(sha, p.base.sha)))
      .sort((a, b) => b.number - a.number);
    return ctx.paginate(req, reply, list.map((p) => simplePull(ctx, r, p)), ctx.repoApiUrlById(r, `/commits/${sha}/pulls`));
  });

  api.get('/repos/:owner/:repo/pulls/:number/requested_reviewers', async (req) => {
    const r = read(req);
    const p = pullOf(req, r);
    return { users: p.requested_reviewers.map((id) => ctx.serialize.user(state.account(id))), teams: [] };
  });

  api.post('/repos/:owner/:repo/pulls/:number/requested_reviewers', async (req, reply) => {
    const r = write(req);
    const p = pullOf(req, r);
    const b = body(req);
    const logins = Array.isArray(b.reviewers) ? b.reviewers : [];
    for (const login of logins) {
      const u = typeof login === 'string' ? state.accountByLogin(login) : undefined;
      if (!u || ctx.userPermission(u.id, r) === null) throw errors.unprocessable('Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the repository.');
      if (u.id === p.userId) throw errors.unprocessable('Review cannot be requested from pull request author.');
      if (!p.requested_reviewers.includes(u.id)) p.requested_reviewers.push(u.id);
    }
    return reply.code(201).send(simplePull(ctx, r, p));
  });

  // The issue view of a pull request (checks-out reads PR comments through the issues API).
  api.get('/repos/:owner/:repo/issues/:number', async (req) => {
    const r = ctx.repo(req, params(req).owner, params(req).repo, { app: ['issues', 'read'] });
    const p = state.pull(r.id, intParam(params(req).number));
    if (!p) throw errors.notFound();
    const s = simplePull(ctx, r, p);
    return {
      id: p.id, node_id: p.node_id, url: s.issue_url, repository_url: ctx.urls.api(`/repos/${state.fullName(r)}`),
      labels_url: `${String(s.issue_url)}/labels{/name}`, comments_url: s.comments_url, events_url: `${String(s.issue_url)}/events`, html_url: s.html_url,
      number: p.number, state: p.state, title: p.title, body: p.body, user: s.user, labels: [], assignee: null, assignees: [], milestone: null,
      locked: p.locked, active_lock_reason: null, comments: state.commentCount(r.id, p.number),
      pull_request: { url: s.url, html_url: s.html_url, diff_url: s.diff_url, patch_url: s.patch_url, merged_at: s.merged_at },
      closed_at: s.closed_at, created_at: s.created_at, updated_at: s.updated_at, closed_by: null, author_association: s.author_association, state_reason: null,
    };
  });
}
