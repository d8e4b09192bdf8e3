/** The pure parts of retries and rate limits: which answers are rate limits and for how long, which errors are retried, write lanes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWrite, rateLimitOf } from '../../../src/service/github/rate-limit.js';
import { DO_NOT_RETRY, isRetryable } from '../../../src/service/github/retry.js';
import { WriteLanes } from '../../../src/service/github/write-lanes.js';

const NOW = Date.UTC(2026, 10, 21, 6, 0, 0);
const nowS = NOW / 1000;

test('primary limit: remaining 0 waits until the reset, one second past it', () => {
  assert.deepEqual(rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowS + 30) }, 'API rate limit exceeded', NOW), { kind: 'primary', retryAfterSeconds: 31 });
  assert.deepEqual(rateLimitOf(429, { 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': nowS + 30 }, '', NOW), { kind: 'primary', retryAfterSeconds: 31 });
  assert.deepEqual(rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowS - 100) }, '', NOW), { kind: 'primary', retryAfterSeconds: 0 }, 'a reset in the past: go now');
  assert.deepEqual(rateLimitOf(403, { 'x-ratelimit-remaining': '0' }, '', NOW), { kind: 'primary', retryAfterSeconds: 60 }, 'no reset: a minute');
  assert.deepEqual(rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' }, '', NOW), { kind: 'primary', retryAfterSeconds: 60 });
  assert.deepEqual(rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowS + 3600), 'retry-after': '5' }, '', NOW), { kind: 'primary', retryAfterSeconds: 5 }, 'Retry-After wins');
});

test('secondary limit: Retry-After seconds or HTTP date, else a minute', () => {
  const msg = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  assert.deepEqual(rateLimitOf(403, { 'retry-after': '3' }, msg, NOW), { kind: 'secondary', retryAfterSeconds: 3 });
  assert.deepEqual(rateLimitOf(403, { 'retry-after': '3', 'x-ratelimit-remaining': '0' }, msg, NOW), { kind: 'secondary', retryAfterSeconds: 3 }, 'the message decides the kind');
  assert.deepEqual(rateLimitOf(403, {}, msg, NOW), { kind: 'secondary', retryAfterSeconds: 60 });
  assert.deepEqual(rateLimitOf(429, undefined, '', NOW), { kind: 'secondary', retryAfterSeconds: 60 });
  assert.deepEqual(rateLimitOf(429, { 'retry-after': new Date(NOW + 9_500).toUTCString() }, '', NOW), { kind: 'secondary', retryAfterSeconds: 9 }, 'HTTP dates have whole seconds');
  for (const bad of ['-5', '1e9', 'abc', '', '  ', '3.5'])
    assert.deepEqual(rateLimitOf(429, { 'retry-after': bad }, '', NOW), { kind: 'secondary', retryAfterSeconds: 60 }, `retry-after ${JSON.stringify(bad)}`);
  assert.equal(rateLimitOf(429, { 'retry-after': '99999999999999999999' }, '', NOW)?.retryAfterSeconds, 1e20, 'huge waits stay huge (and go to the queue)');
});

test('not rate limits: other statuses, and a 403 that only forbids', () => {
  assert.equal(rateLimitOf(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration', NOW), undefined);
  assert.equal(rateLimitOf(404, { 'x-ratelimit-remaining': '0' }, 'Not Found', NOW), undefined);
  assert.equal(rateLimitOf(500, { 'retry-after': '1' }, 'rate limit', NOW), undefined);
  assert.equal(rateLimitOf(200, { 'x-ratelimit-remaining': '0' }, '', NOW), undefined);
  const hostile = JSON.parse('{"__proto__": {"retry-after": "1"}, "constructor": 1}') as Record<string, unknown>;
  assert.equal(rateLimitOf(403, hostile, '', NOW), undefined, 'an inherited header is no header');
});

test('retryable errors: RequestErrors with a status ≥ 400 outside the list; never rate limits or plain errors', () => {
  const requestError = (status: number) => Object.assign(new Error('x'), { status, request: { method: 'GET', url: '/', headers: {} } });
  for (const status of [500, 502, 503, 504, 408, 409]) assert.equal(isRetryable(requestError(status)), true, String(status));
  for (const status of [400, 401, 403, 404, 410, 422, 429, 451, 304, 200]) assert.equal(isRetryable(requestError(status)), false, String(status));
  assert.deepEqual([...DO_NOT_RETRY].sort(), [400, 401, 403, 404, 410, 422, 429, 451]);
  assert.equal(isRetryable(Object.assign(new Error('no request'), { status: 500 })), false);
  assert.equal(isRetryable(new TypeError('bug')), false);
  assert.equal(isRetryable(undefined), false);
  assert.equal(isRetryable('500'), false);
});

test('writes: everything but GET/HEAD, except token exchanges', () => {
  assert.equal(isWrite('POST', '/repos/{owner}/{repo}/check-runs'), true);
  assert.equal(isWrite('PATCH', '/repos/o/r/check-runs/1'), true);
  assert.equal(isWrite('PUT', '/x'), true);
  assert.equal(isWrite('DELETE', '/x'), true);
  assert.equal(isWrite('GET', '/repos/o/r'), false);
  assert.equal(isWrite('HEAD', '/repos/o/r'), false);
  assert.equal(isWrite('POST', '/app/installations/{installation_id}/access_tokens'), false);
  assert.equal(isWrite('POST', 'https://ghe.example/api/v3/app/installations/12/access_tokens'), false);
  assert.equal(isWrite('PATCH', '/applications/{client_id}/token/scoped'), false);
  assert.equal(isWrite('POST', '/login/oauth/access_token'), false);
  assert.equal(isWrite('POST', '/repos/o/r/issues/1/comments?x=/app/installations/1/access_tokens/more'), true);
});

test('write lanes: one at a time per key, keys independent, failures do not block, idle lanes dropped', async () => {
  const lanes = new WriteLanes();
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const write = (name: string, fail = false) => () =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${name}`);
      gates.set(name, () => (fail ? reject(new Error(name)) : resolve(name)));
    });
  const a1 = lanes.run('a', 0, write('a1', true));
  const a2 = lanes.run('a', 0, write('a2'));
  const b1 = lanes.run('b', 0, write('b1'));
  assert.deepEqual(log, ['start a1', 'start b1'], 'an idle lane starts at once (synchronously); a busy one waits');
  assert.equal(lanes.size, 2);
  gates.get('a1')!();
  await assert.rejects(a1, /a1/);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['start a1', 'start b1', 'start a2'], 'a failed write lets the next one go');
  gates.get('a2')!();
  gates.get('b1')!();
  assert.deepEqual(await Promise.all([a2, b1]), ['a2', 'b1']);
  await new Promise((r) => setImmediate(r));
  assert.equal(lanes.size, 0);

  const sync = lanes.run('c', 0, () => {
    throw new Error('thrown synchronously');
  });
  await assert.rejects(sync, /thrown synchronously/);
  assert.equal(await lanes.run('c', 0, async () => 'after'), 'after');
});

test('write lanes with spacing: starts at least the spacing apart', async () => {
  const lanes = new WriteLanes();
  const starts: number[] = [];
  await Promise.all([1, 2, 3].map(() => lanes.run('s', 25, async () => void starts.push(performance.now()))));
  assert.equal(starts.length, 3);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 24, `gap ${starts[i] - starts[i - 1]} ms`);
});
