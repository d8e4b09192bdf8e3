/** When a failed job runs again after a GitHub rate limit: the client's rules, seen from the queue. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryAfterFromError } from '../../src/service/queue/retry-after.js';

const NOW = 1_700_000_000_000;

test('a secondary rate limit that names no time waits GitHub\'s advised minute', () => {
  const err = { status: 403, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', response: { headers: {} } };
  assert.equal(retryAfterFromError(err, NOW), 60_000);
  assert.equal(retryAfterFromError({ status: 429, message: 'Too Many Requests', response: { headers: {} } }, NOW), 60_000);
});

test('rate limits with times: retry-after wins, else the primary reset (+1 s); capped at an hour', () => {
  assert.equal(retryAfterFromError({ status: 403, message: 'x', response: { headers: { 'retry-after': '30' } } }, NOW), 30_000);
  const reset = String((NOW + 120_000) / 1000);
  assert.equal(retryAfterFromError({ status: 403, message: 'API rate limit exceeded', response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } } }, NOW), 121_000);
  assert.equal(retryAfterFromError({ status: 429, message: 'x', response: { headers: { 'retry-after': '86400' } } }, NOW), 3_600_000);
});

test('other errors: a 503 Retry-After is honoured; a plain 403 or 500 says nothing', () => {
  assert.equal(retryAfterFromError({ status: 503, message: 'unavailable', response: { headers: { 'retry-after': '5' } } }, NOW), 5000);
  assert.equal(retryAfterFromError({ status: 403, message: 'Resource not accessible by integration', response: { headers: {} } }, NOW), undefined);
  assert.equal(retryAfterFromError({ status: 500, message: 'boom', response: { headers: {} } }, NOW), undefined);
  assert.equal(retryAfterFromError({ status: 'x', response: { headers: 'nope' } }, NOW), undefined);
});

test('a 503 Retry-After is read as RFC 9110 says, like the client reads a rate limit\'s', () => {
  const after = (v: unknown) => retryAfterFromError({ status: 503, message: 'unavailable', response: { headers: { 'retry-after': v } } }, NOW);
  assert.equal(after(new Date(NOW + 90_000).toUTCString()), 90_000);
  assert.equal(after(new Date(NOW - 5_000).toUTCString()), 0, 'a date in the past means now');
  assert.equal(after(' 7 '), 7000);
  // Not whole seconds nor an HTTP date: the queue's own backoff applies instead.
  for (const odd of ['3.5', '-5', '1e3', '2026-11-21', 'soon', '', null]) assert.equal(after(odd), undefined, String(odd));
});
