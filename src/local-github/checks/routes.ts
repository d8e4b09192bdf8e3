/**
 * The eleven Checks API endpoints as Fastify routes on the `/api/v3` scope, with GitHub's auth rules:
 * create/update/rerequest need a GitHub App installation token (`checks:write`), reads follow repository
 * visibility (installations need `checks:read` on private repositories).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import { GitHubError } from '../http/errors.js';
import type { Repo } from '../state/types.js';
import { ChecksError, DOC_URLS, notFound, unprocessable, type ChecksOperation } from './errors.js';
import { listRunsForSha, listRunsForSuite, listSuitesForSha, parseRunFilters, parseSuiteFilters } from './queries.js';
import type { ChecksRenderer } from './render.js';
import type { ChecksService } from './service.js';
import { validateCreateSuiteBody, validatePreferencesBody, validateRunBody } from './validate.js';

type Params = Record<string, string>;
type Handler = (req: FastifyRequest, reply: FastifyReply, p: Params) => unknown;

/** Domain errors become the core's GitHubError so the server's error handler writes them. */
function toCoreError(e: unknown): unknown {
  if (e instanceof ChecksError) {
    const { message, errors, documentation_url } = e.body as { message: string; errors?: unknown[]; documentation_url?: string };
    return new GitHubError(e.status, message, { errors, documentation_url });
  }
  return e;
}

/**
 * A synchronous Fastify handler: Fastify sends a returned value, and an async wrapper cost a promise and a
 * thenable wrapper per request. A handler that already sent (returns `reply`) returns nothing more.
 */
function wrap(handler: Handler) {
  return (req: FastifyRequest, reply: FastifyReply): unknown => {
    let result: unknown;
    try {
      result = handler(req, reply, req.params as Params);
    } catch (e) {
      throw toCoreError(e);
    }
    if (result === reply) return undefined;
    if (result instanceof Promise) return result.catch((e: unknown) => Promise.reject(toCoreError(e)));
    return result;
  };
}

function parseId(raw: string | undefined, op: ChecksOperation): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) throw notFound(op);
  return Number(raw);
}

export function registerCheckRoutes(api: FastifyInstance, ctx: LocalGitHubContext, service: ChecksService, render: ChecksRenderer): void {
  const git = ctx.git;
  const base = '/repos/:owner/:repo';

  /** Only GitHub App installations may write checks. */
  const appCaller = (req: FastifyRequest, op: ChecksOperation): number => {
    const caller = ctx.caller(req);
    if (caller.kind === 'anonymous') throw ctx.errors.requiresAuth();
    if (caller.kind !== 'installation' || caller.appId === undefined) {
      throw new GitHubError(403, 'You must authenticate via a GitHub App.', { documentation_url: DOC_URLS[op] });
    }
    return caller.appId;
  };

  const writable = (req: FastifyRequest, p: Params): Repo => ctx.repo(req, p.owner, p.repo, { app: ['checks', 'write'] });

  /** Reads: visible repository; installations need checks:read on private ones. */
  const readable = (req: FastifyRequest, p: Params): Repo => {
    const repo = ctx.repo(req, p.owner, p.repo);
    const caller = ctx.caller(req);
    if (repo.private && caller.kind === 'installation' && !ctx.hasAppPermission(caller.permissions ?? {}, 'checks', 'read')) {
      throw ctx.errors.notAccessibleByIntegration();
    }
    return repo;
  };

  const resolveRef = (repo: Repo, ref: string, op: ChecksOperation): string => {
    const sha = git.resolve(repo, ref);
    if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`, op);
    return sha;
  };

  const latestCount = (suiteId: number) => service.store.latestRunsOfSuite(suiteId).length;
  const sender = (req: FastifyRequest) => ctx.actor(req).id;

  api.post(`${base}/check-runs`, wrap((req, reply, p) => {
    const appId = appCaller(req, 'createRun');
    const repo = writable(req, p);
    const input = validateRunBody(req.body, true);
    const run = service.createRun(repo.id, appId, input, sender(req));
    return reply.code(201).send(render.run(run));
  }));

  api.get(`${base}/check-runs/:check_run_id`, wrap((req, _reply, p) => {
    const repo = readable(req, p);
    return render.run(service.getRun(repo.id, parseId(p.check_run_id, 'getRun')));
  }));

  api.patch(`${base}/check-runs/:check_run_id`, wrap((req, _reply, p) => {
    const appId = appCaller(req, 'updateRun');
    const repo = writable(req, p);
    const id = parseId(p.check_run_id, 'updateRun');
    service.getRun(repo.id, id, 'updateRun');
    const input = validateRunBody(req.body, false);
    return render.run(service.updateRun(repo.id, id, appId, input, sender(req)));
  }));

  api.get(`${base}/check-runs/:check_run_id/annotations`, wrap((req, reply, p) => {
    const repo = readable(req, p);
    const run = service.getRun(repo.id, parseId(p.check_run_id, 'listAnnotations'), 'listAnnotations');
    const page = ctx.paginate(req, reply, run.annotations, ctx.repoApiUrlById(repo, `/check-runs/${run.id}/annotations`));
    return page.map((a) => render.annotation(run, a));
  }));

  api.post(`${base}/check-runs/:check_run_id/rerequest`, wrap((req, reply, p) => {
    const appId = appCaller(req, 'rerequestRun');
    const repo = writable(req, p);
    service.rerequestRun(repo.id, parseId(p.check_run_id, 'rerequestRun'), appId, sender(req));
    return reply.code(201).send({});
  }));

  api.post(`${base}/check-suites`, wrap((req, reply, p) => {
    const appId = appCaller(req, 'createSuite');
    const repo = writable(req, p);
    const { headSha } = validateCreateSuiteBody(req.body);
    const { suite, created } = service.createSuite(repo.id, appId, headSha);
    return reply.code(created ? 201 : 200).send(render.suite(suite, latestCount(suite.id)));
  }));

  api.patch(`${base}/check-suites/preferences`, wrap((req, _reply, p) => {
    // Users need admin on the repository; installations need checks:write.
    const repo = ctx.repo(req, p.owner, p.repo, { user: 'admin', app: ['checks', 'write'] });
    const settings = validatePreferencesBody(req.body);
    const list = service.setPreferences(repo.id, settings);
    return { preferences: { auto_trigger_checks: list }, repository: ctx.serialize.minimalRepo(repo) };
  }));

  api.get(`${base}/check-suites/:check_suite_id`, wrap((req, _reply, p) => {
    const repo = readable(req, p);
    const suite = service.getSuite(repo.id, parseId(p.check_suite_id, 'getSuite'));
    return render.suite(suite, latestCount(suite.id));
  }));

  api.get(`${base}/check-suites/:check_suite_id/check-runs`, wrap((req, reply, p) => {
    const repo = readable(req, p);
    const id = parseId(p.check_suite_id, 'listRunsForSuite');
    const filters = parseRunFilters(req.query as Record<string, unknown>, 'listRunsForSuite');
    const runs = listRunsForSuite(service, repo.id, id, filters);
    const page = ctx.paginate(req, reply, runs, ctx.repoApiUrlById(repo, `/check-suites/${id}/check-runs`));
    return { total_count: runs.length, check_runs: page.map((r) => render.run(r)) };
  }));

  api.post(`${base}/check-suites/:check_suite_id/rerequest`, wrap((req, reply, p) => {
    appCaller(req, 'rerequestSuite');
    const repo = ctx.repo(req, p.owner, p.repo, { app: ['checks', 'read'] });
    service.rerequestSuite(repo.id, parseId(p.check_suite_id, 'rerequestSuite'), sender(req));
    return reply.code(201).send({});
  }));

  api.get(`${base}/commits/:ref/check-runs`, wrap((req, reply, p) => {
    const repo = readable(req, p);
    const filters = parseRunFilters(req.query as Record<string, unknown>, 'listRunsForRef');
    const sha = resolveRef(repo, p.ref, 'listRunsForRef');
    const runs = listRunsForSha(service, repo.id, sha, filters);
    const page = ctx.paginate(req, reply, runs, ctx.repoApiUrlById(repo, `/commits/${encodeURIComponent(p.ref)}/check-runs`));
    return { total_count: runs.length, check_runs: page.map((r) => render.run(r)) };
  }));

  api.get(`${base}/commits/:ref/check-suites`, wrap((req, reply, p) => {
    const repo = readable(req, p);
    const filters = parseSuiteFilters(req.query as Record<string, unknown>);
    const sha = resolveRef(repo, p.ref, 'listSuitesForRef');
    const suites = listSuitesForSha(service, repo.id, sha, filters);
    const page = ctx.paginate(req, reply, suites, ctx.repoApiUrlById(repo, `/commits/${encodeURIComponent(p.ref)}/check-suites`));
    return { total_count: suites.length, check_suites: page.map((s) => render.suite(s, latestCount(s.id))) };
  }));
}
