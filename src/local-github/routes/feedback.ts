/** Issue comments, pull request reviews, commit statuses and deployments. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { Repo } from '../state/types.js';
import { nodeId } from '../state/store.js';
import { createComment, createReview, createStatus, deleteComment, dismissReview, editComment, editReview, submitReview, latestStatuses, combinedState } from '../domain/feedback.js';
import { commentJson, deploymentJson, deploymentStatusJson, reviewJson, statusJson } from '../serialize/feedback.js';
import { body, intParam, params, query, sinceParam } from './util.js';

export function registerFeedback(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, git, errors } = ctx;
  const repoWith = (req: FastifyRequest, perm: string, level: 'read' | 'write', user?: 'read' | 'write'): Repo =>
    ctx.repo(req, params(req).owner, params(req).repo, { app: [perm, level], user });
  /** Comments on pull requests are allowed to apps holding either `issues` or `pull_requests` write, as on GitHub. */
  const commentRepo = (req: FastifyRequest, level: 'read' | 'write'): Repo => {
    try {
      return repoWith(req, 'issues', level, level === 'write' ? 'read' : undefined);
    } catch (err) {
      if ((err as { status?: number }).status !== 403 || ctx.caller(req).kind !== 'installation') throw err;
      return repoWith(req, 'pull_requests', level, level === 'write' ? 'read' : undefined);
    }
  };
  const viaApp = (req: FastifyRequest): number | null => (ctx.caller(req).kind === 'installation' ? ctx.caller(req).appId! : null);

  // ---- issue comments ----
  api.get('/repos/:owner/:repo/issues/:number/comments', async (req, reply) => {
    const r = commentRepo(req, 'read');
    const n = intParam(params(req).number);
    if (!state.pull(r.id, n)) throw errors.notFound();
    const since = sinceParam(query(req).since);
    const list = [...state.commentsOf(r.id, n)].filter((c) => since === null || c.updated_at >= since).sort((a, b) => a.id - b.id);
    return ctx.paginate(req, reply, list.map((c) => commentJson(ctx, r, c)), ctx.repoApiUrlById(r, `/issues/${n}/comments`));
  });

  api.get('/repos/:owner/:repo/issues/comments', async (req, reply) => {
    const r = commentRepo(req, 'read');
    const since = sinceParam(query(req).since);
    const list = [...state.comments.values()].filter((c) => c.repoId === r.id && (since === null || c.updated_at >= since)).sort((a, b) => a.id - b.id);
    return ctx.paginate(req, reply, list.map((c) => commentJson(ctx, r, c)), ctx.repoApiUrlById(r, '/issues/comments'));
  });

  api.post('/repos/:owner/:repo/issues/:number/comments', async (req, reply) => {
    const r = commentRepo(req, 'write');
    const n = intParam(params(req).number);
    if (!state.pull(r.id, n)) throw errors.notFound();
    const b = body(req);
    if (b.body === undefined) throw errors.invalidRequest('"body" wasn\'t supplied.');
    const c = createComment(ctx, r, n, ctx.actor(req), b.body, viaApp(req));
    const json = commentJson(ctx, r, c);
    reply.header('location', json.url as string);
    return reply.code(201).send(json);
  });

  const commentOf = (req: FastifyRequest, r: Repo) => {
    const c = state.comments.get(intParam(params(req).id));
    if (!c || c.repoId !== r.id) throw errors.notFound();
    return c;
  };

  api.get('/repos/:owner/:repo/issues/comments/:id', async (req) => {
    const r = commentRepo(req, 'read');
    return commentJson(ctx, r, commentOf(req, r));
  });

  const mayModify = (req: FastifyRequest, r: Repo, userId: number): void => {
    const actor = ctx.actor(req);
    if (actor.id === userId) return;
    const p = ctx.permission(ctx.caller(req), r);
    if (ctx.caller(req).kind === 'user' && p !== 'admin' && p !== 'maintain' && p !== 'write') throw errors.forbidden('Must have write access to modify this comment');
  };

  api.patch('/repos/:owner/:repo/issues/comments/:id', async (req) => {
    const r = commentRepo(req, 'write');
    const c = commentOf(req, r);
    mayModify(req, r, c.userId);
    const b = body(req);
    if (b.body === undefined) throw errors.invalidRequest('"body" wasn\'t supplied.');
    editComment(ctx, r, c, ctx.actor(req), b.body);
    return commentJson(ctx, r, c);
  });

  api.delete('/repos/:owner/:repo/issues/comments/:id', async (req, reply) => {
    const r = commentRepo(req, 'write');
    const c = commentOf(req, r);
    mayModify(req, r, c.userId);
    deleteComment(ctx, r, c, ctx.actor(req));
    return reply.code(204).send();
  });

  // ---- reviews ----
  const pullOf = (req: FastifyRequest, r: Repo) => {
    const p = state.pull(r.id, intParam(params(req).number));
    if (!p) throw errors.notFound();
    return p;
  };

  api.get('/repos/:owner/:repo/pulls/:number/reviews', async (req, reply) => {
    const r = repoWith(req, 'pull_requests', 'read');
    const p = pullOf(req, r);
    const me = ctx.caller(req).userId;
    // Pending reviews are visible to their author only.
    const list = [...state.reviews.values()].filter((v) => v.repoId === r.id && v.number === p.number && (v.state !== 'PENDING' || v.userId === me)).sort((a, b) => a.id - b.id);
    return ctx.paginate(req, reply, list.map((v) => reviewJson(ctx, r, v)), ctx.repoApiUrlById(r, `/pulls/${p.number}/reviews`));
  });

  api.post('/repos/:owner/:repo/pulls/:number/reviews', async (req) => {
    const r = repoWith(req, 'pull_requests', 'write', 'read');
    const p = pullOf(req, r);
    const b = body(req);
    return reviewJson(ctx, r, createReview(ctx, r, p, ctx.actor(req), { event: b.event, body: b.body, commit_id: b.commit_id }));
  });

  const reviewOf = (req: FastifyRequest, r: Repo, n: number) => {
    const v = state.reviews.get(intParam(params(req).review_id));
    if (!v || v.repoId !== r.id || v.number !== n) throw errors.notFound();
    return v;
  };

  api.get('/repos/:owner/:repo/pulls/:number/reviews/:review_id', async (req) => {
    const r = repoWith(req, 'pull_requests', 'read');
    const p = pullOf(req, r);
    return reviewJson(ctx, r, reviewOf(req, r, p.number));
  });

  const ownReview = (req: FastifyRequest, r: Repo, n: number) => {
    const v = reviewOf(req, r, n);
    if (v.userId !== ctx.actor(req).id) throw errors.notFound();
    return v;
  };

  api.put('/repos/:owner/:repo/pulls/:number/reviews/:review_id', async (req) => {
    const r = repoWith(req, 'pull_requests', 'write', 'read');
    const p = pullOf(req, r);
    const v = ownReview(req, r, p.number);
    editReview(ctx, r, v, ctx.actor(req), body(req).body);
    return reviewJson(ctx, r, v);
  });

  api.post('/repos/:owner/:repo/pulls/:number/reviews/:review_id/events', async (req) => {
    const r = repoWith(req, 'pull_requests', 'write', 'read');
    const p = pullOf(req, r);
    const v = ownReview(req, r, p.number);
    const b = body(req);
    submitReview(ctx, r, p, v, ctx.actor(req), { event: b.event, body: b.body });
    return reviewJson(ctx, r, v);
  });

  api.delete('/repos/:owner/:repo/pulls/:number/reviews/:review_id', async (req) => {
    const r = repoWith(req, 'pull_requests', 'write', 'read');
    const p = pullOf(req, r);
    const v = ownReview(req, r, p.number);
    if (v.state !== 'PENDING') throw errors.unprocessable('Unprocessable Entity: "Can not delete a non-pending pull request review"');
    state.reviews.delete(v.id);
    return reviewJson(ctx, r, v);
  });

  api.put('/repos/:owner/:repo/pulls/:number/reviews/:review_id/dismissals', async (req) => {
    const r = repoWith(req, 'pull_requests', 'write', 'write');
    const p = pullOf(req, r);
    const v = reviewOf(req, r, p.number);
    dismissReview(ctx, r, v, ctx.actor(req), body(req).message);
    return reviewJson(ctx, r, v);
  });

  // ---- commit statuses ----
  api.post('/repos/:owner/:repo/statuses/:sha', async (req, reply) => {
    const r = repoWith(req, 'statuses', 'write', 'write');
    const s = createStatus(ctx, r, params(req).sha, ctx.actor(req), body(req));
    return reply.code(201).send(statusJson(ctx, r, s));
  });

  const statusesFor = (req: FastifyRequest, r: Repo): string => {
    const sha = git.resolve(r, params(req).ref);
    if (!sha) throw errors.notFound();
    return sha;
  };

  api.get('/repos/:owner/:repo/commits/:ref/statuses', async (req, reply) => {
    const r = repoWith(req, 'statuses', 'read');
    const sha = statusesFor(req, r);
    const list = [...state.statusesOf(r.id, sha)].sort((a, b) => b.id - a.id);
    return ctx.paginate(req, reply, list.map((s) => statusJson(ctx, r, s)), ctx.repoApiUrlById(r, `/commits/${sha}/statuses`));
  });

  api.get('/repos/:owner/:repo/commits/:ref/status', async (req, reply) => {
    const r = repoWith(req, 'statuses', 'read');
    const sha = statusesFor(req, r);
    const latest = latestStatuses(ctx, r, sha);
    const page = ctx.paginate(req, reply, latest, ctx.repoApiUrlById(r, `/commits/${sha}/status`));
    return {
      state: combinedState(latest), statuses: page.map((s) => statusJson(ctx, r, s, false)), sha, total_count: latest.length,
      repository: ctx.serialize.minimalRepo(r), commit_url: ctx.urls.api(`/repos/${state.fullName(r)}/commits/${sha}`),
      url: ctx.urls.api(`/repos/${state.fullName(r)}/commits/${sha}/status`),
    };
  });

  // ---- deployments ----
  api.get('/repos/:owner/:repo/deployments', async (req, reply) => {
    const r = repoWith(req, 'deployments', 'read');
    const q = query(req);
    const list = [...state.deployments.values()].filter((d) => d.repoId === r.id && (!q.sha || d.sha === q.sha) && (!q.ref || d.ref === q.ref) && (!q.environment || d.environment === q.environment) && (!q.task || d.task === q.task)).sort((a, b) => b.id - a.id);
    return ctx.paginate(req, reply, list.map((d) => deploymentJson(ctx, r, d)), ctx.repoApiUrlById(r, '/deployments'));
  });

  api.post('/repos/:owner/:repo/deployments', async (req, reply) => {
    const r = repoWith(req, 'deployments', 'write', 'write');
    const b = body(req);
    if (typeof b.ref !== 'string') throw errors.invalidRequest('"ref" wasn\'t supplied.');
    const sha = git.resolve(r, b.ref);
    if (!sha) throw errors.unprocessable(`No ref found for: ${b.ref}`);
    const payload = typeof b.payload === 'string' ? (() => { try { return JSON.parse(b.payload as string) as unknown; } catch { return b.payload; } })() : b.payload ?? {};
    const id = state.nextId('deployment');
    const now = state.now();
    const d = {
      id, node_id: nodeId('Deployment', id), repoId: r.id, sha, ref: b.ref, task: typeof b.task === 'string' ? b.task : 'deploy',
      environment: typeof b.environment === 'string' ? b.environment : 'production', description: typeof b.description === 'string' ? b.description : null,
      payload, creatorId: ctx.actor(req).id, created_at: now, updated_at: now, statuses: [],
    };
    state.deployments.set(id, d);
    return reply.code(201).send(deploymentJson(ctx, r, d));
  });

  const deploymentOf = (req: FastifyRequest, r: Repo) => {
    const d = state.deployments.get(intParam(params(req).id));
    if (!d || d.repoId !== r.id) throw errors.notFound();
    return d;
  };

  api.get('/repos/:owner/:repo/deployments/:id', async (req) => {
    const r = repoWith(req, 'deployments', 'read');
    return deploymentJson(ctx, r, deploymentOf(req, r));
  });

  api.get('/repos/:owner/:repo/deployments/:id/statuses', async (req, reply) => {
    const r = repoWith(req, 'deployments', 'read');
    const d = deploymentOf(req, r);
    return ctx.paginate(req, reply, [...d.statuses].reverse().map((s) => deploymentStatusJson(ctx, r, d, s)), ctx.repoApiUrlById(r, `/deployments/${d.id}/statuses`));
  });

  api.post('/repos/:owner/:repo/deployments/:id/statuses', async (req, reply) => {
    const r = repoWith(req, 'deployments', 'write', 'write');
    const d = deploymentOf(req, r);
    const b = body(req);
    const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
    if (typeof b.state !== 'string' || !states.includes(b.state)) throw errors.invalidRequest(b.state === undefined ? '"state" wasn\'t supplied.' : `${JSON.stringify(b.state)} is not a member of enum "state".`);
    const id = state.nextId('deployment_status');
    const now = state.now();
    const s = {
      id, node_id: nodeId('DeploymentStatus', id), state: b.state as 'success', description: typeof b.description === 'string' ? b.description : '',
      environment: typeof b.environment === 'string' ? b.environment : d.environment, target_url: typeof b.target_url === 'string' ? b.target_url : '',
      log_url: typeof b.log_url === 'string' ? b.log_url : '', creatorId: ctx.actor(req).id, created_at: now, updated_at: now,
    };
    d.statuses.push(s);
    d.updated_at = now;
    return reply.code(201).send(deploymentStatusJson(ctx, r, d, s));
  });
}
