/**
 * How long a failed job should wait, when the failure says so: a handler may throw `RetryLater`, and an
 * Octokit error from a GitHub rate limit is read by the client's own rules (`rateLimitOf`: `retry-after`,
 * `x-ratelimit-reset`, or GitHub's advice of a minute for a secondary limit that names no time); any other
 * error's `retry-after` (e.g. a 503) is honoured too, read by the same rules as the client's.
 */
import { rateLimitOf, retryAfterSeconds } from '../github/rate-limit.js';

export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

interface ErrorWithResponse {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown> };
}

export function retryAfterFromError(err: unknown, now: number): number | undefined {
  if (err instanceof RetryLater) return Math.max(0, err.retryAfterMs);
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrorWithResponse;
  const headers = e.response?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const limit = typeof e.status === 'number' ? rateLimitOf(e.status, headers, String(e.message ?? ''), now) : undefined;
  if (limit) return Math.min(limit.retryAfterSeconds, 3600) * 1000;
  // One reading of the header for both: whole seconds or an HTTP date (RFC 9110); anything else is ignored.
  const seconds = retryAfterSeconds(headers['retry-after'], now);
  if (seconds !== undefined) return Math.min(seconds, 3600) * 1000;
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) return Math.min(Math.max(0, reset * 1000 - now) + 1000, 3_600_000);
  }
  return undefined;
}
