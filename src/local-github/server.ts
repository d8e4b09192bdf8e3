/**
 * The local GitHub: a Fastify server holding emulator state. The REST API is served under `/api/v3`, the web
 * pages (PR view, OAuth authorize) at the root, and the control API under `/_emulator`.
 *
 * Route modules get `(api, ctx)`: a Fastify instance already scoped to `/api/v3` (auth, rate limits, ETags and
 * GitHub's error shapes applied) and the `LocalGitHubContext`. The Checks module (`./checks/index.ts`,
 * exporting `registerChecks(api, ctx)`) is loaded when present.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { AdjustableClock, type Clock } from './clock.js';
import { State } from './state/store.js';
import { MutableUrls, API_PREFIX } from './http/urls.js';
import { GitHubError, DOCS } from './http/errors.js';
import { Faults } from './http/faults.js';
import { RateLimiter, etagFor, ifNoneMatchHits, type RateLimitConfig } from './http/conditional.js';
import { httpDate, requestId } from './http/headers.js';
import { resolveCaller, ANONYMOUS, type Caller } from './auth/caller.js';
import { EventBus } from './events/bus.js';
import { WebhookService } from './events/webhooks.js';
import { threadSender } from './events/hookshot.js';
import { createContext, type LocalGitHubContext } from './context.js';
import { registerCoreRoutes } from './routes/index.js';
import { registerControl } from './control/index.js';
import { registerWeb } from './web/index.js';
import { wireCoreWebhooks } from './events/core-webhooks.js';
import { Admin } from './admin.js';

export interface LocalGitHubOptions {
  /** Time source (default: real time, adjustable through the control API). */
  clock?: Clock;
  /** Public origin used in URLs (default: `http://127.0.0.1:<bound port>`). */
  origin?: string;
  rateLimit?: Partial<RateLimitConfig>;
  /** Fastify request logging (default off). */
  logger?: boolean;
  /**
   * Send webhook deliveries from a dedicated thread (default off): deliveries are then neither delayed by a
   * busy API nor timed on its event loop, as GitHub's hookshot is apart from its API servers. Benchmarks
   * turn it on; tests, which start many emulators, keep the in-thread sender.
   */
  deliveryThread?: boolean;
}

export interface LocalGitHub {
  app: FastifyInstance;
  state: State;
  ctx: LocalGitHubContext;
  clock: Clock;
  urls: MutableUrls;
  bus: EventBus;
  webhooks: WebhookService;
  faults: Faults;
  rateLimiter: RateLimiter;
  /** In-process fixture operations (users, orgs, repos, apps, pushes, PRs...). */
  admin: Admin;
  /** Errors thrown by bus handlers (kept for tests and the control API). */
  busErrors: unknown[];
  /** Listens on loopback (port 0 = ephemeral) and returns where. */
  start(port?: number, host?: string): Promise<{ port: number; api_url: string; web_url: string }>;
  close(): Promise<void>;
  /** Writes the whole state (extensions included) as JSON, atomically. */
  save(file: string): Promise<void>;
  load(file: string): Promise<void>;
}

/** Signature the Checks module exports as `registerChecks`. */
export type RouteModule = (api: FastifyInstance, ctx: LocalGitHubContext) => void | Promise<void>;

type WithCaller = FastifyRequest & { caller?: Caller; rateKey?: string };

export function createLocalGitHub(options: LocalGitHubOptions = {}): LocalGitHub {
  const clock = options.clock ?? new AdjustableClock();
  const state = new State(clock);
  const urls = new MutableUrls(options.origin ?? 'http://127.0.0.1');
  const busErrors: unknown[] = [];
  const bus = new EventBus((err) => busErrors.push(err));
  const webhooks = new WebhookService(state, undefined, options.deliveryThread ? threadSender() : undefined);
  const ctx = createContext({ state, clock, urls, webhooks, bus });
  const faults = new Faults();
  const rateLimiter = new RateLimiter(clock, { authenticated: 5000, anonymous: 60, ...options.rateLimit });

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 8 * 1024 * 1024,
    // GitHub links to repository resources as /repositories/{id}/...; serve them by rewriting to the name form.
    rewriteUrl: (req) => rewriteRepositoryId(state, req.url ?? '/'),
  });

  // GitHub parses every request body as JSON whatever the content type (Octokit sends bodiless PUTs as text/plain).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new GitHubError(400, 'Problems parsing JSON'), undefined);
    }
  };
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof GitHubError) {
      if (err.extra.headers) reply.headers(err.extra.headers);
      return reply.code(err.status).send(err.body());
    }
    const e = err as { statusCode?: number; message?: string; code?: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      const message = e.statusCode === 400 ? 'Problems parsing JSON' : e.message ?? 'Bad Request';
      return reply.code(e.statusCode).send({ message, documentation_url: DOCS, status: String(e.statusCode) });
    }
    app.log.error(err);
    return reply.code(500).send({ message: 'Server Error', documentation_url: DOCS, status: '500' });
  });

  void app.register(async (api) => {
    /** Caller, API version and rate-limit check; throws GitHub's errors. */
    const admit = (req: WithCaller): void => {
      req.caller = ANONYMOUS;
      const version = req.headers['x-github-api-version'];
      if (version !== undefined && version !== '2022-11-28' && version !== '2026-03-10') {
        throw new GitHubError(400, `API version ${String(version)} is not supported.`);
      }
      req.caller = resolveCaller(state, req.headers.authorization);
      const key = rateLimiter.key(req.caller, req.ip);
      req.rateKey = key;
      if (rateLimiter.exhausted(key, rateLimiter.limitFor(req.caller))) {
        const who = req.caller.kind === 'anonymous' ? req.ip : `user ID ${req.caller.userId ?? req.caller.installationId ?? req.caller.appId}`;
        throw new GitHubError(403, `API rate limit exceeded for ${who}.`, { documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' });
      }
    };
    // Callback-style hooks: an async hook costs a promise and a thenable wrapper on every request, and the
    // common case (no fault rules) needs neither.
    api.addHook('onRequest', (req: WithCaller, reply, done) => {
      if (faults.empty) {
        try {
          admit(req);
        } catch (err) {
          return done(err as Error);
        }
        return done();
      }
      const path = req.url.slice(API_PREFIX.length).split('?')[0];
      faults.apply(req, reply, path).then((answered) => {
        // A fault that answered ends the request here: no `done`, as Fastify expects of a hook that replied.
        if (answered) return;
        admit(req);
        done();
      }).catch((err: unknown) => done(err as Error));
    });
    api.addHook('onSend', (req: WithCaller, reply, payload, done) => {
      let out = payload;
      // The emulator's clock, so clients that correct for skew (@octokit/auth-app reads `Date`) follow it.
      reply.header('date', httpDate(clock.now()));
      if (!reply.hasHeader('x-github-media-type')) reply.header('x-github-media-type', 'github.v3; format=json');
      const asked = req.headers['x-github-api-version'];
      reply.header('x-github-api-version-selected', asked === '2026-03-10' ? asked : '2022-11-28');
      reply.header('x-github-request-id', requestId());
      const caller = req.caller ?? ANONYMOUS;
      if (caller.kind === 'user') reply.header('x-oauth-scopes', (caller.scopes ?? []).join(', '));
      if (req.method === 'GET' && reply.statusCode === 200 && typeof payload === 'string') {
        const etag = etagFor(payload, caller.token ?? caller.kind);
        reply.header('etag', etag);
        reply.header('cache-control', caller.kind === 'anonymous' ? 'public, max-age=60, s-maxage=60' : 'private, max-age=60, s-maxage=60');
        reply.header('vary', 'Accept, Authorization, Cookie, X-GitHub-OTP');
        if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
          reply.code(304);
          reply.removeHeader('content-type');
          out = '';
        }
      }
      const key = req.rateKey ?? rateLimiter.key(caller, req.ip);
      reply.headers(rateLimiter.record(key, rateLimiter.limitFor(caller), reply.statusCode !== 304 && req.rateKey !== undefined));
      done(null, out);
    });
    api.setNotFoundHandler((_req, reply) => reply.code(404).send({ message: 'Not Found', documentation_url: DOCS, status: '404' }));
    await registerCoreRoutes(api, ctx, { rateLimiter });
    await loadChecksModule(api, ctx);
  }, { prefix: API_PREFIX });

  const lg: LocalGitHub = {
    app, state, ctx, clock, urls, bus, webhooks, faults, rateLimiter, busErrors, admin: new Admin(ctx),
    async start(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const addr = app.server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      // A wildcard bind is not an address clients can use: advertise loopback instead.
      const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      if (!options.origin) urls.setOrigin(`http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`);
      return { port: bound, api_url: urls.apiBase, web_url: urls.webBase };
    },
    async close() {
      faults.dispose();
      await webhooks.idle();
      await app.close();
      await webhooks.closeSender();
    },
    async save(file) {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(state.snapshot()));
      await rename(tmp, file);
    },
    async load(file) {
      state.restore(JSON.parse(await readFile(file, 'utf8')) as unknown);
    },
  };
  wireCoreWebhooks(ctx);
  void app.register(async (control) => registerControl(control, lg), { prefix: '/_emulator' });
  void app.register(async (web) => registerWeb(web, lg));
  return lg;
}

const ID_FORM_PREFIX = /^\/api\/v3\/(?:repositories|organizations|user)\//;

function rewriteRepositoryId(state: State, url: string): string {
  // Nearly every request uses the name form: one prefix test instead of three regular expressions.
  if (!ID_FORM_PREFIX.test(url)) return url;
  const m = /^\/api\/v3\/repositories\/(\d{1,15})(\/[^?]*)?(\?.*)?$/.exec(url);
  if (m) {
    const repo = state.repos.get(Number(m[1]));
    const owner = repo ? state.accounts.get(repo.ownerId) : undefined;
    return repo && owner ? `${API_PREFIX}/repos/${owner.login}/${repo.name}${m[2] ?? ''}${m[3] ?? ''}` : url;
  }
  // Team and account links GitHub writes with numeric ids.
  const t = /^\/api\/v3\/organizations\/(\d{1,15})\/team\/(\d{1,15})(\/[^?]*)?(\?.*)?$/.exec(url);
  if (t) {
    const team = state.teams.get(Number(t[2]));
    const org = state.accounts.get(Number(t[1]));
    return team && org && team.orgId === org.id ? `${API_PREFIX}/orgs/${org.login}/teams/${team.slug}${t[3] ?? ''}${t[4] ?? ''}` : url;
  }
  const o = /^\/api\/v3\/(organizations|user)\/(\d{1,15})(\/[^?]*)?(\?.*)?$/.exec(url);
  if (o) {
    const acct = state.accounts.get(Number(o[2]));
    return acct ? `${API_PREFIX}/${o[1] === 'user' ? 'users' : 'orgs'}/${acct.login}${o[3] ?? ''}${o[4] ?? ''}` : url;
  }
  return url;
}

/** Loads `./checks/index.ts` when the Checks module exists; any other import failure is a real error. */
async function loadChecksModule(api: FastifyInstance, ctx: LocalGitHubContext): Promise<void> {
  const specifier = './checks/index.js';
  let mod: { registerChecks?: RouteModule };
  try {
    mod = (await import(specifier)) as { registerChecks?: RouteModule };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if ((e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && /checks[\\/]index/.test(e.message ?? '')) return;
    throw err;
  }
  if (typeof mod.registerChecks === 'function') await mod.registerChecks(api, ctx);
}
