/**
 * Counts GitHub requests per evaluation, by route. The pipeline wraps one evaluation in `countGitHubCalls`;
 * every request made inside it (through any client from `createGitHubClient`, retries included) is recorded
 * in that evaluation's counter through AsyncLocalStorage, so no counter has to be threaded through calls.
 * Scopes nest: the worker counts each whole job too (for the per-job metric), whatever the handler does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RouteCount {
  /** HTTP requests sent (each retry is one more). */
  requests: number;
  /** Answered 304 from a conditional request: free of rate limit. */
  notModified: number;
  /** Refused by a primary or secondary rate limit (403/429). */
  rateLimited: number;
  /** Other failures (4xx/5xx/network). */
  errors: number;
}

export class CallCounter {
  readonly routes = new Map<string, RouteCount>();

  /** Counters nest: a request counted for an evaluation also counts for the job around it. */
  constructor(private readonly parent?: CallCounter) {}

  record(route: string, status: number, rateLimited: boolean): void {
    this.parent?.record(route, status, rateLimited);
    let r = this.routes.get(route);
    if (!r) {
      r = { requests: 0, notModified: 0, rateLimited: 0, errors: 0 };
      this.routes.set(route, r);
    }
    r.requests++;
    if (status === 304) r.notModified++;
    else if (rateLimited) r.rateLimited++;
    else if (status >= 400 || status === 0) r.errors++;
  }

  /** Requests that counted against the rate limit (everything but 304s). */
  get rateLimitCost(): number {
    let n = 0;
    for (const r of this.routes.values()) n += r.requests - r.notModified;
    return n;
  }

  get total(): number {
    let n = 0;
    for (const r of this.routes.values()) n += r.requests;
    return n;
  }

  toJSON(): Record<string, RouteCount> {
    return Object.fromEntries([...this.routes].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

const current = new AsyncLocalStorage<CallCounter>();

export async function countGitHubCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallCounter }> {
  const calls = new CallCounter(current.getStore());
  const result = await current.run(calls, fn);
  return { result, calls };
}

export function currentCallCounter(): CallCounter | undefined {
  return current.getStore();
}
