/**
 * The Octokit every part of the service uses: @octokit/rest + three request hooks of our own, innermost first:
 * ETag revalidation of GETs and counting of every request by route template (metrics and the per-evaluation
 * counter; see route-template.ts), retries of 5xx/network failures (retry.ts), and rate limits plus one
 * write at a time per identity (rate-limit.ts). The counting hook is innermost, so it sees each retry.
 * Octokit's plugin-retry/plugin-throttling are not used: their Bottleneck limiters cost ~6 ms and ~16 ms of
 * timers per request (bench/github-client).
 * A rate-limit wait longer than `maxInlineWaitSeconds` is not slept through: the error reaches the job,
 * and the queue reschedules it for when GitHub allows (see queue/retry-after.ts).
 * Requests go out through `createHttpFetch` (node:http, keep-alive, one socket pool per class), which hands
 * Octokit bodies already decoded; a revalidated GET answered 304 becomes the remembered 200 inside the fetch
 * (revalidation.ts), so Octokit never throws for it.
 */
import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../metrics.js';
import { currentCallCounter } from './call-count.js';
import type { EtagCache } from './etag-cache.js';
import { createHttpFetch, decodesBody } from './http-fetch.js';
import type { OctokitPlugin } from './plugin.js';
import { rateLimitOf, rateLimitPlugin, type RateLimitInfo } from './rate-limit.js';
import { retryPlugin } from './retry.js';
import { Revalidation } from './revalidation.js';
import { routeTemplate } from './route-template.js';

export interface GitHubClientSettings {
  /** API base, e.g. https://api.github.com or <GHE>/api/v3 or the local emulator's api_url. */
  baseUrl: string;
  cache?: EtagCache;
  metrics?: ServiceMetrics;
  logger?: Logger;
  /** Retries of 5xx/network failures (default 3; a call's `request.retries` overrides it). */
  retries?: number;
  /** Milliseconds per unit of backoff/Retry-After second (default 1000; tests use 1). */
  retryAfterBaseMs?: number;
  /** Rate-limit retries slept through in-process (default 2). */
  rateLimitRetries?: number;
  /** Longest rate-limit wait slept through in-process (default 60 s); longer ones go to the queue. */
  maxInlineWaitSeconds?: number;
  /**
   * Minimum milliseconds between the starts of two writes of one identity (default 0: one at a time, back
   * to back). GitHub recommends spacing content-creating requests (about a second); a secondary-limit
   * answer makes the client wait as told whatever this is.
   */
  writeIntervalMs?: number;
  /** Per-request timeout of the default fetch (default 30 s). */
  timeoutMs?: number;
  /**
   * Replaces the default fetch (`createHttpFetch`, node:http with keep-alive). A fetch marked by
   * `decodesBody` has Octokit skip body parsing; any other is used as Octokit uses `fetch` (its own timeout).
   */
  fetch?: (input: string, init?: Record<string, unknown>) => Promise<unknown>;
  userAgent?: string;
  /**
   * In-process throttling (default true): writes one at a time per identity (`writeIntervalMs` apart), and
   * short rate-limit waits slept through. Off (e.g. against the local emulator in benchmarks), writes are not
   * serialised and rate-limit errors go straight to the job, which the queue reschedules after Retry-After.
   */
  throttling?: boolean;
  /** Notified of each rate-limit response (observability and tests). */
  onRateLimited?: (info: RateLimitInfo) => void;
}

interface ChecksOutOptions {
  /** Identity the ETag cache is partitioned by; derived from `auth` when absent. */
  cacheScope?: string;
}

type RequestOptions = {
  method: string;
  url: string;
  headers: Record<string, string | number | undefined>;
  request?: Record<string, unknown>;
  [k: string]: unknown;
};
type ResponseLike = { status: number; url: string; headers: Record<string, string | number | undefined>; data: unknown };
type ErrorLike = { status?: number; response?: ResponseLike };

function isRateLimited(status: number, headers: Record<string, unknown> | undefined, message: string): boolean {
  return rateLimitOf(status, headers, message, 0) !== undefined;
}

function deriveScope(options: { auth?: unknown; checksOut?: ChecksOutOptions }): string {
  if (options.checksOut?.cacheScope) return options.checksOut.cacheScope;
  const auth = options.auth as { installationId?: unknown } | string | undefined;
  if (typeof auth === 'string') return `token:${createHash('sha256').update(auth).digest('hex').slice(0, 16)}`;
  if (auth && typeof auth === 'object' && auth.installationId !== undefined) return `installation:${String(auth.installationId)}`;
  if (auth && typeof auth === 'object') return `app`;
  return 'anonymous';
}

/** Our request hook as an Octokit plugin (cache + counting). */
function countingCachePlugin(settings: GitHubClientSettings): OctokitPlugin {
  return (octokit, options) => {
    const scope = deriveScope(options as { auth?: unknown; checksOut?: ChecksOutOptions });
    octokit.hook.wrap('request', async (request, raw) => {
      const opts = raw as unknown as RequestOptions;
      const route = routeTemplate(opts.method, opts.url, settings.baseUrl);
      const counter = currentCallCounter();
      const record = (status: number, headers: Record<string, unknown> | undefined, message = '') => {
        const limited = isRateLimited(status, headers, message);
        counter?.record(route, status, limited);
        const cls = status === 304 ? '304' : status === 0 ? 'error' : `${Math.floor(status / 100)}xx`;
        settings.metrics?.githubCalls.inc({ route, status: limited ? 'rate_limited' : cls });
        const remaining = Number(headers?.['x-ratelimit-remaining']);
        if (headers?.['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining))
          settings.metrics?.rateLimitRemaining.set({ resource: String(headers['x-ratelimit-resource'] ?? 'core') }, remaining);
      };
      // A GET is revalidated at the fetch, where Octokit hands over the final URL and Accept: no second
      // endpoint parse here. Every hook shares this options object (before-after-hook binds it), so the
      // per-request fetch goes in by replacing `request` (it may be the shared defaults object) until the
      // call is over: a retry re-enters with the original.
      const original = opts.request;
      let revalidation: Revalidation | undefined;
      if (settings.cache && opts.method === 'GET') {
        revalidation = new Revalidation(settings.cache, scope, original);
        opts.request = { ...original, fetch: revalidation.fetch };
      }
      try {
        const res = (await request(raw)) as unknown as ResponseLike;
        if (revalidation?.served) {
          record(304, res.headers);
          settings.cache!.hits++;
          return res as never;
        }
        record(res.status, res.headers);
        if (revalidation?.key !== undefined) revalidation.remember(res);
        return res as never;
      } catch (err) {
        const e = err as ErrorLike & Error;
        const status = typeof e.status === 'number' ? e.status : 0;
        record(status, e.response?.headers, e.message ?? '');
        // A fetch that does not decode bodies (a `fetch` setting) lets Octokit throw on the 304.
        if (status === 304 && revalidation?.cached) {
          settings.cache!.hits++;
          return revalidation.rememberedResult(e.response?.headers) as never;
        }
        throw err;
      } finally {
        if (revalidation) opts.request = original;
      }
    });
    return {};
  };
}

/**
 * An Octokit class with every plugin and setting baked in. Use it as `new Client({ auth })`, or hand it to
 * `@octokit/app` (`new App({ ..., Octokit: Client })`) so installation clients get the same behaviour.
 */
export function createGitHubClientClass(settings: GitHubClientSettings) {
  const baseMs = settings.retryAfterBaseMs ?? 1000;
  // Our adapter decodes bodies itself, so Octokit is told not to parse them again.
  const fetchFn = settings.fetch ?? createHttpFetch({ timeoutMs: settings.timeoutMs ?? 30_000 });
  const defaults = {
    baseUrl: settings.baseUrl.replace(/\/+$/, ''),
    userAgent: settings.userAgent ?? 'checks-out',
    request: decodesBody(fetchFn) ? { fetch: fetchFn, parseSuccessResponseBody: false } : { fetch: fetchFn },
    log: {
      debug: () => {},
      info: () => {},
      warn: (msg: string) => settings.logger?.warn(msg),
      error: (msg: string) => settings.logger?.error(msg),
    },
  };
  const plugins = [countingCachePlugin(settings), retryPlugin({ retries: settings.retries ?? 3, baseMs })];
  if (settings.throttling !== false)
    plugins.push(
      // One write lane per identity: GitHub's secondary limits apply per user or installation, so two
      // installations must not slow each other down.
      rateLimitPlugin(
        {
          baseUrl: defaults.baseUrl,
          maxInlineWaitSeconds: settings.maxInlineWaitSeconds ?? 60,
          rateLimitRetries: settings.rateLimitRetries ?? 2,
          baseMs,
          writeIntervalMs: settings.writeIntervalMs ?? 0,
          logger: settings.logger,
          onRateLimited: settings.onRateLimited,
        },
        (options) => deriveScope(options as { auth?: unknown; checksOut?: ChecksOutOptions }),
      ),
    );
  const Base = Octokit.plugin(...plugins);
  type Options = NonNullable<ConstructorParameters<typeof Base>[0]>;
  return class GitHubClient extends Base {
    constructor(options: Options & { checksOut?: ChecksOutOptions } = {}) {
      super({ ...defaults, ...options } as Options);
    }
  };
}

export type GitHubClientClass = ReturnType<typeof createGitHubClientClass>;
export type GitHubClient = InstanceType<GitHubClientClass>;

/**
 * A client authenticated with a token (token mode: the enabling user's OAuth token). Each call makes a new
 * class, hence a new socket pool: code that needs many clients should make the class once.
 */
export function createGitHubClient(settings: GitHubClientSettings, auth?: string, cacheScope?: string): GitHubClient {
  const Client = createGitHubClientClass(settings);
  return new Client({ auth, checksOut: { cacheScope } });
}
