/**
 * Rate-limit accounting and headers, and ETag / If-None-Match handling: a 304 answer does not count against
 * the limit, as on GitHub.
 */
import { hash } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import type { Clock } from '../clock.js';

export interface RateLimitConfig {
  /** Requests per hour for authenticated callers (GitHub: 5000). */
  authenticated: number;
  /** Requests per hour for anonymous callers, per IP (GitHub: 60). */
  anonymous: number;
}

interface Window {
  used: number;
  reset: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly clock: Clock, readonly config: RateLimitConfig = { authenticated: 5000, anonymous: 60 }) {}

  key(caller: Caller, ip: string): string {
    if (caller.kind === 'user') return `user:${caller.userId}`;
    if (caller.kind === 'installation') return `inst:${caller.installationId}`;
    if (caller.kind === 'app') return `app:${caller.appId}`;
    return `ip:${ip}`;
  }

  limitFor(caller: Caller): number {
    return caller.kind === 'anonymous' ? this.config.anonymous : this.config.authenticated;
  }

  private window(key: string): Window {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || w.reset * 1000 <= now) {
      w = { used: 0, reset: Math.floor(now / 1000) + 3600 };
      this.windows.set(key, w);
    }
    return w;
  }

  exhausted(key: string, limit: number): boolean {
    return this.window(key).used >= limit;
  }

  /** Counts one request (unless `count` is false) and returns the headers to send. */
  record(key: string, limit: number, count: boolean): Record<string, string> {
    const w = this.window(key);
    if (count) w.used = Math.min(w.used + 1, limit);
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - w.used)),
      'x-ratelimit-reset': String(w.reset),
      'x-ratelimit-used': String(w.used),
      'x-ratelimit-resource': 'core',
    };
  }

  status(key: string, limit: number): { limit: number; used: number; remaining: number; reset: number } {
    const w = this.window(key);
    return { limit, used: w.used, remaining: Math.max(0, limit - w.used), reset: w.reset };
  }

  reset(): void {
    this.windows.clear();
  }
}

/** GitHub's weak ETag form over the response body (and the caller, since bodies can differ per caller). */
export function etagFor(body: string, varyKey: string): string {
  // One-shot `hash` (the same sha256 as hashing the parts in turn): no Hash object per conditional GET.
  return `W/"${hash('sha256', `${varyKey}\0${body}`, 'hex')}"`;
}

export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const wanted = stripWeak(etag);
  for (const t of header.split(',')) if (t.trim() === '*' || stripWeak(t) === wanted) return true;
  return false;
}

function stripWeak(tag: string): string {
  const t = tag.trim();
  return t.startsWith('W/') ? t.slice(2) : t;
}
