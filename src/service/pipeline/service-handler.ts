/**
 * The evaluation pipeline wired from the service configuration, ready for `startService(config,
 * { makeHandler: makePipelineHandler })`. The GitHub mode decides one thing only — how a repository is
 * reached (`RepoAccess`): an App installation, or the enabling user's token; the handler is the same.
 * It runs inside `createJobHandler`'s seam so the per-delivery bookkeeping (installations, push times)
 * happens as before.
 */
import { createJobHandler } from '../handle-job.js';
import { createGitHubClientClass, type GitHubClientSettings } from '../github/client.js';
import { EtagCache } from '../github/etag-cache.js';
import type { JobHandler } from '../queue/worker.js';
import type { ServiceConfig } from '../config/types.js';
import type { ServiceDeps } from '../server.js';
import { createAppAccess } from './app-access.js';
import { createPipelineHandler, type PipelineOptions, type RepoAccess } from './handler.js';
import { MembershipCache } from './membership-cache.js';
import { PolicyFileCache } from './policy-files.js';
import { targetOptionsFor } from './targets.js';
import { createTokenAccess } from './token-access.js';

export interface PipelineWiringOptions {
  /** Wakes idle workers after a follow-up is queued (default: they find it at their next poll). */
  wake?: () => void;
  /** Overrides for the GitHub client (e.g. `throttling: false` against the local GitHub). */
  client?: Partial<GitHubClientSettings>;
  now?: () => number;
  onEvaluated?: PipelineOptions['onEvaluated'];
}

export function repoAccessFor(deps: ServiceDeps, client: Partial<GitHubClientSettings> = {}): RepoAccess {
  const { config, logger } = deps;
  const Client = createGitHubClientClass({
    baseUrl: config.github.apiUrl,
    cache: new EtagCache(),
    metrics: deps.metrics,
    logger: logger.child({ component: 'github' }),
    writeIntervalMs: config.github.writeIntervalMs,
    ...client,
  });
  if (config.github.mode === 'app' && config.github.app) {
    return createAppAccess({ appId: config.github.app.id, privateKey: config.github.app.privateKey, Client });
  }
  if (config.github.mode === 'token') {
    const hookUrl = `${config.server.publicUrl}/hook`;
    return createTokenAccess({ accounts: deps.accounts, Client, enrol: { hookUrl: () => hookUrl, context: targetOptionsFor(config).statusContext } });
  }
  return {
    async forRepo() {
      return undefined; // no GitHub configured: nothing can be evaluated
    },
  };
}

/** Memberships for CACHE_TTL, people (user look-ups) for LONG_CACHE_TTL (spec §16.2). */
export function membershipCacheFor(cache: ServiceConfig['cache'], now?: () => number): MembershipCache {
  return new MembershipCache({ ttlMs: cache.ttlMs, longTtlMs: cache.longTtlMs, now });
}

export function makePipelineHandler(deps: ServiceDeps, o: PipelineWiringOptions = {}): JobHandler {
  const { config } = deps;
  const pipeline = createPipelineHandler({
    sdb: deps.sdb,
    access: repoAccessFor(deps, o.client),
    membership: membershipCacheFor(config.cache, o.now),
    policyFiles: new PolicyFileCache({ ttlMs: config.cache.policyTtlMs, now: o.now }),
    env: {
      brandingName: config.branding.name,
      defaultPattern: config.defaultPattern,
      legacy: { ...config.legacy, defaultPattern: config.defaultPattern },
    },
    ...targetOptionsFor(config),
    publicUrl: config.server.publicUrl,
    logger: deps.logger,
    maxAttempts: config.queue.maxAttempts,
    now: o.now,
    followUp: async (f) => {
      await deps.queue.enqueue(f);
      o.wake?.();
    },
    onEvaluated: o.onEvaluated,
  });
  return createJobHandler({ sdb: deps.sdb, evaluate: pipeline });
}
