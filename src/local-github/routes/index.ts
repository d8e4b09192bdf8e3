/** Registers every core REST route module on the `/api/v3` scope. */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { RateLimiter } from '../http/conditional.js';

export interface CoreDeps {
  rateLimiter: RateLimiter;
}

export async function registerCoreRoutes(_api: FastifyInstance, _ctx: LocalGitHubContext, _deps: CoreDeps): Promise<void> {
  // Filled in by the route modules (users, repos, git, pulls, ...).
}
