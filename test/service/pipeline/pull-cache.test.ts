import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionToken, PullCache, pullFromPayload } from '../../../src/service/pipeline/pull-cache.js';

const HEAD = 'a'.repeat(40);
const NEW_HEAD = 'b'.repeat(40);

function pr(extra: Record<string, unknown> = {}) {
  return {
    number: 4,
    state: 'open',
    title: 'Add a feature',
    body: null,
    user: { login: 'alice' },
    created_at: '2026-01-02T03:04:05Z',
    head: { sha: HEAD, ref: 'feature', repo: { owner: { login: 'fork-owner' } } },
    base: { sha: 'c'.repeat(40), ref: 'main' },
    ...extra,
  };
}
const delivery = (event: string, payload: Record<string, unknown>) => ({ event, payload });

test('pullFromPayload: the fields the evaluation needs, or nothing', () => {
  assert.deepEqual(pullFromPayload(pr()), {
    number: 4, state: 'open', merged: false, draft: false, title: 'Add a feature', body: '', author: 'alice', headSha: HEAD, headRef: 'feature',
    headOwner: 'fork-owner', baseRef: 'main', baseSha: 'c'.repeat(40), createdAt: Date.parse('2026-01-02T03:04:05Z'), mergeable: null,
  });
  assert.equal(pullFromPayload(pr({ head: { sha: 'nope', ref: 'x' } })), undefined);
  assert.equal(pullFromPayload(pr({ created_at: 'yesterday' })), undefined);
  assert.equal(pullFromPayload(pr({ number: -1 })), undefined);
  assert.equal(pullFromPayload(pr({ user: null })), undefined);
  for (const bad of [null, 'x', [], 7, { __proto__: { number: 4 } }]) assert.equal(pullFromPayload(bad), undefined);
  assert.equal(pullFromPayload(pr({ head: { sha: HEAD, ref: 'f', repo: null } }))?.headOwner, '', 'a deleted fork');
});

test('the record: refreshed by pull_request payloads, dropped on synchronize and edited, overlaid by comment payloads', () => {
  const c = new PullCache();
  const comment = (issue: Record<string, unknown>) => delivery('issue_comment', { action: 'created', issue: { number: 4, pull_request: {}, ...issue } });
  assert.equal(c.apply('acme/w', 4, [comment({ title: 't' })]), undefined, 'nothing known yet');
  assert.equal(c.apply('Acme/W', 4, [delivery('pull_request', { action: 'opened', pull_request: pr() })])?.headSha, HEAD);
  const seen = c.apply('acme/w', 4, [comment({ title: 'WIP: now', user: { login: 'alice' }, body: 'b', state: 'open' })]);
  assert.equal(seen?.title, 'WIP: now');
  assert.equal(seen?.body, 'b');
  assert.equal(seen?.headSha, HEAD);
  assert.equal(c.known('acme/w', 4)?.title, 'WIP: now', 'the overlay is kept');
  // A comment after a synchronize in the same job: the record is gone, the PR must be fetched.
  assert.equal(c.apply('acme/w', 4, [delivery('pull_request', { action: 'synchronize', pull_request: pr({ head: { sha: NEW_HEAD, ref: 'feature' } }) }), comment({})]), undefined);
  assert.equal(c.known('acme/w', 4), undefined);
  c.remember('acme/w', pullFromPayload(pr())!);
  assert.equal(c.apply('acme/w', 4, [comment({}), delivery('pull_request', { action: 'edited', pull_request: pr() })]), undefined, 'edited drops it too');
  c.remember('acme/w', pullFromPayload(pr())!);
  // A review payload carries the PR too (its action is the review's: `edited` drops nothing).
  assert.equal(c.apply('acme/w', 4, [delivery('pull_request_review', { action: 'edited', pull_request: pr({ title: 'Reviewed' }) })])?.title, 'Reviewed');
  assert.equal(c.apply('acme/w', 4, [delivery('pull_request_review', { action: 'submitted', pull_request: { number: 4 } })]), undefined, 'an incomplete PR object');
  // Deliveries the cache cannot stand on (statuses, re-run requests, corrupt rows) mean a fetch.
  assert.equal(c.apply('acme/w', 4, [delivery('status', { sha: HEAD })]), undefined);
  c.remember('acme/w', pullFromPayload(pr())!);
  for (const junk of [null, 'not json', [1], 7]) {
    assert.equal(c.apply('acme/w', 4, [{ event: 'issue_comment', payload: junk as unknown as Record<string, unknown> }]), undefined, JSON.stringify(junk));
  }
  assert.equal(c.apply('acme/w', 4, []), undefined);
  assert.equal(c.apply('acme/w', 4, [delivery('pull_request', { action: 'labeled', pull_request: pr({ number: 5 }) })]), undefined, 'another PR\'s payload');
  // A comment on another issue number does not touch this record.
  assert.equal(c.apply('acme/w', 4, [delivery('issue_comment', { issue: { number: 5, title: 'other' } })])?.title, 'Add a feature');
  // Closed by a payload: known closed.
  assert.equal(c.apply('acme/w', 4, [delivery('pull_request', { action: 'closed', pull_request: pr({ state: 'closed' }) })])?.state, 'closed');
});

test('check runs per head, and the least recently used entries go first', () => {
  const c = new PullCache(2);
  const token = decisionToken({ decidedAt: 5, deliveries: ['d1', 'd2'] });
  assert.equal(token, '5:d1,d2');
  c.rememberCheckRun('acme/w', HEAD, { id: 1, decision: token });
  c.rememberCheckRun('acme/w', NEW_HEAD, { id: 2, decision: token });
  assert.equal(c.checkRun('ACME/w', HEAD)?.id, 1); // touched: NEW_HEAD is now the oldest
  c.rememberCheckRun('acme/x', HEAD, { id: 3, decision: token });
  assert.equal(c.checkRun('acme/w', NEW_HEAD), undefined);
  assert.equal(c.checkRun('acme/w', HEAD)?.id, 1);
  c.forgetCheckRun('acme/w', HEAD);
  assert.equal(c.checkRun('acme/w', HEAD), undefined);
  for (let n = 1; n <= 5; n++) c.remember('acme/w', { ...pullFromPayload(pr())!, number: n });
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => c.known('acme/w', n) !== undefined), [false, false, false, true, true]);
});
