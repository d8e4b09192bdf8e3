/**
 * GitHub's rate limits as an Octokit plugin, replacing @octokit/plugin-throttling (Bottleneck groups and
 * timers on every request, ~16 ms each, and writes spaced a second apart per identity, which capped one
 * installation at ~0.5 evaluations/s).
 *
 * - A 403/429 that is a rate limit is slept through in-process when GitHub's wait is at most
 *   `maxInlineWaitSeconds` and fewer than `rateLimitRetries` such retries happened; otherwise the error
 *   goes to the job untouched, headers included, and the queue reschedules it (queue/retry-after.ts).
 * - Writes (anything but GET/HEAD, except token exchanges) of one identity go one at a time, optionally
 *   `writeIntervalMs` apart (write-lanes.ts). GitHub asks integrations to avoid concurrent requests and
 *   to space content-creating ones; a secondary-limit answer makes this plugin back off anyway.
 * Registered after retry.ts, so a rate-limited retry goes through the whole retry (and counting) chain again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { OctokitPlugin } from './plugin.js';
import { routeTemplate } from './route-template.js';
import { WriteLanes } from './write-lanes.js';

export type RateLimitKind = 'primary' | 'secondary';
export interface RateLimit {
  kind: RateLimitKind;
  /** How long GitHub asks to wait. */
  retryAfterSeconds: number;
}
export type RateLimitInfo = { kind: RateLimitKind; retryAfterSeconds: number; route: string; retryCount: number };

/** GitHub's advice when a secondary limit names no wait: at least a minute. */
const SECONDARY_FALLBACK_SECONDS = 60;

/**
 * A `Retry-After` value as RFC 9110 defines it: whole seconds or an HTTP date (then the seconds until it).
 * Anything else is undefined; V8's Date.parse would take "3.5" or "-5" for dates.
 */
export function retryAfterSeconds(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/**
 * Whether an answer is a rate limit, and how long to wait. Primary: `x-ratelimit-remaining: 0`, until
 * `x-ratelimit-reset` (+1 s, to land after it). Secondary: a 429, a `retry-after`, or a message saying
 * "rate limit", waiting `retry-after` or a minute. `retry-after` wins when both are present.
 */
export function rateLimitOf(status: number, headers: Record<string, unknown> | undefined, message: string, nowMs: number): RateLimit | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const after = retryAfterSeconds(headers?.['retry-after'], nowMs);
  if (String(headers?.['x-ratelimit-remaining']) === '0' && !/\bsecondary rate\b/i.test(message)) {
    const reset = Number(headers?.['x-ratelimit-reset']);
    const untilReset = Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - nowMs / 1000) + 1) : SECONDARY_FALLBACK_SECONDS;
    return { kind: 'primary', retryAfterSeconds: after ?? untilReset };
  }
  if (status === 429 || headers?.['retry-after'] !== undefined || /rate limit/i.test(message))
    return { kind: 'secondary', retryAfterSeconds: after ?? SECONDARY_FALLBACK_SECONDS };
  return undefined;
}

/** Token exchanges are not content writes (plugin-throttling exempts the same routes). */
const AUTH_ROUTE = /(?:\/app\/installations\/[^/]+\/access_tokens|\/applications\/[^/]+\/token(?:\/scoped)?|\/login\/oauth\/access_token)(?:\?.*)?$/;

export function isWrite(method: string, url: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !AUTH_ROUTE.test(url);
}

export interface RateLimitSettings {
  baseUrl: string;
  maxInlineWaitSeconds: number;
  rateLimitRetries: number;
  /** Milliseconds per second of wait GitHub asks for (1000; tests use 1). */
  baseMs: number;
  /** Minimum time between the starts of two writes of one identity (0: one at a time, back to back). */
  writeIntervalMs: number;
  logger?: Logger;
  onRateLimited?: (info: RateLimitInfo) => void;
}

/** One set of lanes per process (per thread): every client of an identity shares its lane, as it shares GitHub's limits. */
const lanes = new WriteLanes();

type Request = (options: Record<string, unknown>) => Promise<unknown>;
type ErrorLike = { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown> } };

function sendWithinLimits(settings: RateLimitSettings, request: Request, options: Record<string, unknown>, retryCount: number): Promise<unknown> {
  return Promise.resolve(request(options)).catch((err: unknown) => {
    const e = (err ?? {}) as ErrorLike;
    const limit = typeof e.status === 'number' ? rateLimitOf(e.status, e.response?.headers, String(e.message ?? ''), Date.now()) : undefined;
    if (!limit) throw err;
    const route = routeTemplate(String(options.method), String(options.url), settings.baseUrl);
    const retrying = retryCount < settings.rateLimitRetries && limit.retryAfterSeconds <= settings.maxInlineWaitSeconds;
    try {
      settings.onRateLimited?.({ kind: limit.kind, retryAfterSeconds: limit.retryAfterSeconds, route, retryCount });
    } catch (cbErr) {
      settings.logger?.warn({ err: cbErr }, 'onRateLimited callback failed');
    }
    settings.logger?.warn({ route, retryAfter: limit.retryAfterSeconds, retryCount, kind: limit.kind, retrying }, 'GitHub rate limit');
    if (!retrying) throw err;
    return sleep(limit.retryAfterSeconds * settings.baseMs).then(() => sendWithinLimits(settings, request, options, retryCount + 1));
  });
}

/** The plugin for clients of one identity (`scopeOf` the client's options, e.g. `installation:42`). */
export function rateLimitPlugin(settings: RateLimitSettings, scopeOf: (clientOptions: Record<string, unknown>) => string): OctokitPlugin {
  return (octokit, clientOptions) => {
    const lane = `${settings.baseUrl}\u0000${scopeOf(clientOptions as Record<string, unknown>)}`;
    octokit.hook.wrap('request', (request, options) => {
      const opts = options as unknown as Record<string, unknown>;
      const send = () => sendWithinLimits(settings, request as unknown as Request, opts, 0);
      return (isWrite(String(opts.method), String(opts.url)) ? lanes.run(lane, settings.writeIntervalMs, send) : send()) as ReturnType<typeof request>;
    });
    return {};
  };
}
