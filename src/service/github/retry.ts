/**
 * Retries of failed GitHub requests as an Octokit plugin, replacing @octokit/plugin-retry, which runs every
 * request through a fresh Bottleneck limiter (timers and extra event-loop turns even when nothing fails:
 * ~6 ms of latency and about twice the client CPU per request, see bench/github-client).
 *
 * Same policy as plugin-retry: a RequestError with status ≥ 400 not in `DO_NOT_RETRY` is retried (5xx, and
 * network failures/timeouts, which Octokit's fetch wrapper reports as status 500), up to `retries` times
 * (or `request.retries` of that call), waiting `baseMs × n²` before retry n. Rate limits (403/429) are
 * rate-limit.ts's to handle, with the wait GitHub asks for. The hook re-enters the inner chain for each
 * attempt, so hooks registered before this one (the call counter) see every attempt. The first attempt
 * costs one promise and no timer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { OctokitPlugin } from './plugin.js';

/** Client errors a retry cannot fix, plus the rate-limit statuses (handled with GitHub's own wait). */
export const DO_NOT_RETRY: ReadonlySet<number> = new Set([400, 401, 403, 404, 410, 422, 429, 451]);

export interface RetrySettings {
  /** Retries after the first attempt (default 3); a call's `request.retries` overrides it. */
  retries: number;
  /** Milliseconds per unit of backoff: retry n waits `baseMs × n²`. */
  baseMs: number;
}

/** A RequestError (it carries the request) whose status says another attempt may succeed. */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { status?: unknown; request?: unknown };
  return e.request !== undefined && typeof e.status === 'number' && e.status >= 400 && !DO_NOT_RETRY.has(e.status);
}

export function retryPlugin(settings: RetrySettings): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap('request', (request, options) => {
      const override = (options.request as { retries?: unknown } | undefined)?.retries;
      const max = typeof override === 'number' && override >= 0 ? override : settings.retries;
      const attempt = (n: number): Promise<Awaited<ReturnType<typeof request>>> =>
        Promise.resolve(request(options)).catch((err: unknown) => {
          if (n >= max || !isRetryable(err)) throw err;
          return sleep(settings.baseMs * (n + 1) ** 2).then(() => attempt(n + 1));
        });
      return attempt(0);
    });
    return {};
  };
}
