/**
 * Per-response header values that are cheap to compute once and reuse: the HTTP `Date` (changes once a
 * second) and GitHub-style request ids (drawn from a pooled random buffer: one `randomBytes(8)` call per
 * request cost more than the rest of the response headers together).
 */
import { randomBytes } from 'node:crypto';

let dateSecond = Number.NaN;
let dateText = '';

/** `Date` header text for an instant in epoch ms (RFC 7231 IMF-fixdate), cached per second. */
export function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

const POOL_IDS = 512;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** A random 16-hex-digit uppercase id, like `x-github-request-id`. */
export function requestId(): string {
  if (poolAt >= pool.length) {
    pool = randomBytes(8 * POOL_IDS);
    poolAt = 0;
  }
  const id = pool.toString('hex', poolAt, poolAt + 8).toUpperCase();
  poolAt += 8;
  return id;
}
