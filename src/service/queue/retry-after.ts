/**
 * How long a failed job should wait, when the failure says so: a handler may throw `RetryLater`, and an
 * Octokit error from a GitHub rate limit carries `retry-after` (seconds) or `x-ratelimit-reset` (epoch s).
 */
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
  response?: { headers?: Record<string, unknown> };
}

export function retryAfterFromError(err: unknown, now: number): number | undefined {
  if (err instanceof RetryLater) return Math.max(0, err.retryAfterMs);
  if (typeof err !== 'object' || err === null) return undefined;
  const headers = (err as ErrorWithResponse).response?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string' || typeof retryAfter === 'number') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
    const date = Date.parse(String(retryAfter));
    if (!Number.isNaN(date)) return Math.min(Math.max(0, date - now), 3_600_000);
  }
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) return Math.min(Math.max(0, reset * 1000 - now) + 1000, 3_600_000);
  }
  return undefined;
}
