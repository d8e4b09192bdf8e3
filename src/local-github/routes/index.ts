/** Registers every core REST route module on the `/api/v3` scope. */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { RateLimiter } from '../http/conditional.js';
import { registerUsers } from './users.js';
import { registerRepos } from './repos.js';
import { registerGit } from './git.js';
import { registerPulls } from './pulls.js';
import { registerFeedback } from './feedback.js';
import { registerApps } from './apps.js';
import { registerHooks } from './hooks.js';

export interface CoreDeps {
  rateLimiter: RateLimiter;
}

export async function registerCoreRoutes(api: FastifyInstance, ctx: LocalGitHubContext, deps: CoreDeps): Promise<void> {
  registerUsers(api, ctx);
  registerRepos(api, ctx);
  registerGit(api, ctx);
  registerPulls(api, ctx);
  registerFeedback(api, ctx);
  registerApps(api, ctx);
  registerHooks(api, ctx);

  api.get('/', async () => ({
    current_user_url: ctx.urls.api('/user'),
    repository_url: ctx.urls.api('/repos/{owner}/{repo}'),
    organization_url: ctx.urls.api('/orgs/{org}'),
    rate_limit_url: ctx.urls.api('/rate_limit'),
  }));

  // GET /rate_limit does not count against the limit (GitHub's documented behaviour); the onSend hook still
  // writes headers, so it reads the window without counting.
  api.get('/rate_limit', async (req) => {
    const caller = ctx.caller(req);
    const s = deps.rateLimiter.status(deps.rateLimiter.key(caller, req.ip), deps.rateLimiter.limitFor(caller));
    (req as { rateKey?: string }).rateKey = undefined;
    const other = (limit: number) => ({ limit, used: 0, remaining: limit, reset: s.reset });
    return {
      resources: { core: { ...s }, search: { ...other(30) }, graphql: { ...other(5000) }, integration_manifest: { ...other(5000) } },
      rate: { ...s },
    };
  });
}
