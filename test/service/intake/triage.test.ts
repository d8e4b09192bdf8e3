import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leadingAction, triageByAction, triageDelivery } from '../../../src/service/intake/triage.js';
import { classifyDelivery, jobTargets } from '../../../src/service/pipeline/targets.js';

const O = { brandingShort: 'checks-out', statusContext: 'approvals/checks-out', checkRunName: 'checks-out' };
const SHA = 'a'.repeat(40);
const repository = { full_name: 'acme/widgets', default_branch: 'main', private: false, owner: { login: 'acme', type: 'Organization' } };
const pr = (extra: Record<string, unknown> = {}) => ({ number: 4, state: 'open', head: { sha: SHA, ref: 'feature' }, ...extra });
const run = (extra: Record<string, unknown> = {}) => ({ name: 'checks-out', head_sha: SHA, pull_requests: [{ number: 4 }], ...extra });
const suite = (extra: Record<string, unknown> = {}) => ({ head_sha: SHA, pull_requests: [{ number: 4 }], ...extra });

/** Dropped (with a reason) or queued. */
function verdict(event: string, payload: unknown): 'drop' | 'queue' {
  const why = triageDelivery(event, payload as Record<string, unknown>, O);
  if (why !== undefined) assert.ok(typeof why === 'string' && why.length > 0);
  return why === undefined ? 'queue' : 'drop';
}

test('check_run: only a re-run or the Re-evaluate button of our own run is queued', () => {
  assert.equal(verdict('check_run', { action: 'rerequested', repository, check_run: run() }), 'queue');
  assert.equal(verdict('check_run', { action: 'requested_action', requested_action: { identifier: 'reevaluate' }, repository, check_run: run() }), 'queue');
  // With no PR listed, the head SHA is looked up: still work.
  assert.equal(verdict('check_run', { action: 'rerequested', repository, check_run: run({ pull_requests: [] }) }), 'queue');
  for (const action of ['created', 'completed', 'in_progress', undefined, 7]) {
    assert.equal(verdict('check_run', { action, repository, check_run: run() }), 'drop', String(action));
  }
  assert.equal(verdict('check_run', { action: 'rerequested', repository, check_run: run({ name: 'ci/build' }) }), 'drop');
  assert.equal(verdict('check_run', { action: 'requested_action', requested_action: { identifier: 'deploy' }, repository, check_run: run() }), 'drop');
  // Asked for, but about nothing: no PR and no head to look one up by.
  assert.equal(verdict('check_run', { action: 'rerequested', repository, check_run: run({ pull_requests: [], head_sha: 'nope' }) }), 'drop');
});

test('check_suite: requested and rerequested are queued; completed (our own echo) is not', () => {
  assert.equal(verdict('check_suite', { action: 'requested', repository, check_suite: suite() }), 'queue');
  assert.equal(verdict('check_suite', { action: 'rerequested', repository, check_suite: suite({ pull_requests: [] }) }), 'queue');
  assert.equal(verdict('check_suite', { action: 'completed', repository, check_suite: suite() }), 'drop');
  assert.equal(verdict('check_suite', { repository, check_suite: suite() }), 'drop');
});

test('status: ours is queued whatever it claims (intake cannot tell an echo from a forgery); other contexts are not', () => {
  assert.equal(verdict('status', { context: 'approvals/checks-out', sha: SHA, state: 'success', description: 'approved by bob', repository }), 'queue');
  assert.equal(verdict('status', { context: 'approvals/checks-out', sha: SHA, repository }), 'queue');
  assert.equal(verdict('status', { context: 'ci/build', sha: SHA, state: 'success', repository }), 'drop');
  assert.equal(verdict('status', { context: ['approvals/checks-out'], sha: SHA, repository }), 'drop');
  assert.equal(verdict('status', { context: 'approvals/checks-out', sha: 'short', repository }), 'drop');
});

test('issue_comment: PR comments are queued; issues, closed PRs and our own messages are not', () => {
  const issue = { number: 4, state: 'open', pull_request: { url: 'x' } };
  assert.equal(verdict('issue_comment', { action: 'created', repository, issue, comment: { body: 'I approve' } }), 'queue');
  assert.equal(verdict('issue_comment', { action: 'deleted', repository, issue, comment: { body: 'I approve' } }), 'queue');
  assert.equal(verdict('issue_comment', { action: 'created', repository, issue: { number: 4, state: 'open' }, comment: { body: 'I approve' } }), 'drop');
  assert.equal(verdict('issue_comment', { action: 'created', repository, issue: { ...issue, state: 'closed' }, comment: { body: 'x' } }), 'drop');
  assert.equal(verdict('issue_comment', { action: 'created', repository, issue, comment: { body: 'Message from checks-out -- approval added' } }), 'drop');
});

test('pull_request: actions that evaluate or record a push time are queued; the rest are not', () => {
  // `closed` too: the PR's own job learns the PR is closed, so nothing queued before is published on it.
  for (const action of ['opened', 'reopened', 'synchronize', 'edited', 'ready_for_review', 'converted_to_draft', 'closed']) {
    assert.equal(verdict('pull_request', { action, number: 4, repository, pull_request: pr() }), 'queue', action);
  }
  for (const action of ['labeled', 'assigned', 'review_requested', 'locked', undefined]) {
    assert.equal(verdict('pull_request', { action, number: 4, repository, pull_request: pr() }), 'drop', String(action));
  }
  // A synchronize on a closed PR evaluates nothing but records when its head was pushed: queued.
  assert.equal(verdict('pull_request', { action: 'synchronize', repository, pull_request: pr({ state: 'closed' }) }), 'queue');
  assert.equal(verdict('pull_request', { action: 'edited', repository, pull_request: pr({ state: 'closed' }) }), 'drop');
});

test('push, installation, installation_repositories and events the pipeline does not classify are never dropped', () => {
  for (const event of ['push', 'installation', 'installation_repositories', 'membership', 'ping']) {
    for (const payload of [{}, { action: 'deleted' }, { repository: 7 }, { ref: 'refs/tags/v1', repository }]) {
      assert.equal(verdict(event, payload), 'queue', `${event} ${JSON.stringify(payload)}`);
    }
  }
});

test('repository: a moved default branch is queued; created/deleted only in token mode (org auto-enrol)', () => {
  for (const action of ['edited', 'renamed', 'transferred']) assert.equal(verdict('repository', { action, repository }), 'queue', action);
  for (const action of ['created', 'deleted', 'archived', 'publicized', undefined]) assert.equal(verdict('repository', { action, repository }), 'drop', String(action));
  const token = { ...O, enrolRepositories: true };
  const organization = { login: 'ACME' };
  for (const action of ['created', 'deleted']) {
    assert.equal(triageDelivery('repository', { action, repository, organization }, token), undefined, action);
    assert.deepEqual(jobTargets([{ id: 'd', event: 'repository', payload: { action, repository, organization }, receivedAt: 0 }], token).enrolments, [{ action, owner: 'acme', name: 'widgets' }]);
    // Signed by one organisation, about another's repository (or no organisation at all): not enrolled.
    for (const org of [{ login: 'evil' }, undefined, { login: 7 }]) {
      assert.match(triageDelivery('repository', { action, repository, organization: org }, token) ?? '', /another owner/, JSON.stringify(org));
    }
  }
  assert.notEqual(triageDelivery('repository', { action: 'archived', repository, organization }, token), undefined);
  // Created then deleted in one job: the last word wins.
  const both = jobTargets(['created', 'deleted'].map((action, i) => ({ id: `d${i}`, event: 'repository', payload: { action, repository, organization }, receivedAt: 0 })), token);
  assert.deepEqual(both.enrolments, [{ action: 'deleted', owner: 'acme', name: 'widgets' }]);
  // A hostile name never becomes an enrolment.
  assert.equal(triageDelivery('repository', { action: 'created', repository: { full_name: '../../x' } }, token), 'no repository');
});

test('hostile payloads: wrong types, missing fields, prototype keys never crash and never queue work that is not there', () => {
  const junk: unknown[] = [
    {},
    { repository: null },
    { repository: 'acme/widgets' },
    { repository: { full_name: '../../etc/passwd' } },
    { repository: { full_name: 42 } },
    { action: { toString: 'rerequested' }, repository },
    { action: 'rerequested', repository, check_run: 'checks-out' },
    { action: 'rerequested', repository, check_run: [run()] },
    { action: 'created', repository, issue: [], comment: null },
    { context: null, repository },
    JSON.parse('{"__proto__":{"action":"rerequested","repository":{"full_name":"acme/widgets"}}}'),
    JSON.parse('{"action":"created","repository":{"full_name":"acme/widgets"},"issue":{"__proto__":{"pull_request":{}},"number":4,"state":"open"}}'),
    JSON.parse('{"action":"rerequested","repository":{"full_name":"acme/widgets"},"check_run":{"name":"checks-out","__proto__":{"pull_requests":[{"number":4}]}}}'),
  ];
  for (const event of ['check_run', 'check_suite', 'status', 'issue_comment', 'pull_request', 'pull_request_review']) {
    for (const payload of junk) assert.equal(verdict(event, payload), 'drop', `${event} ${JSON.stringify(payload)}`);
    // Not even an object (a caller that skipped validation): dropped, not thrown.
    for (const payload of [null, 'text', [1, 2], 3]) assert.equal(verdict(event, payload), 'drop', `${event} ${JSON.stringify(payload)}`);
  }
  assert.equal(({} as Record<string, unknown>).action, undefined, 'no prototype was polluted');
  assert.equal(({} as Record<string, unknown>).pull_requests, undefined);
});

test('one classification: whatever jobTargets would act on, triage queues (and what it drops, jobTargets ignores)', () => {
  const samples: [string, Record<string, unknown>][] = [
    ['pull_request', { action: 'opened', repository, pull_request: pr() }],
    ['pull_request', { action: 'labeled', repository, pull_request: pr() }],
    ['pull_request', { action: 'synchronize', repository, pull_request: pr({ state: 'closed' }) }],
    ['pull_request_review', { action: 'submitted', repository, pull_request: pr() }],
    ['pull_request_review', { action: 'submitted', repository, pull_request: pr({ state: 'closed' }) }],
    ['issue_comment', { action: 'created', repository, issue: { number: 4, pull_request: {} }, comment: { body: 'x' } }],
    ['status', { context: 'approvals/checks-out', sha: SHA, repository }],
    ['status', { context: 'other', sha: SHA, repository }],
    ['check_suite', { action: 'rerequested', repository, check_suite: suite() }],
    ['check_suite', { action: 'completed', repository, check_suite: suite() }],
    ['check_run', { action: 'completed', repository, check_run: run() }],
    ['check_run', { action: 'rerequested', repository, check_run: run() }],
  ];
  for (const [event, payload] of samples) {
    const t = jobTargets([{ id: 'd', event, payload, receivedAt: 1 }], O);
    const acts = t.prs.size > 0 || t.shas.length > 0 || t.pushes.length > 0;
    assert.equal(verdict(event, payload), acts ? 'queue' : 'drop', `${event} ${JSON.stringify(payload)}`);
    const ask = classifyDelivery(event, payload, 1, O);
    if (!acts) assert.equal(triageDelivery(event, payload, O), ask.why);
  }
});

test('judged by the action alone: agrees with the full classification for check runs and suites, whatever else the payload says', () => {
  const actions = ['created', 'completed', 'rerequested', 'requested_action', 'requested', 'in_progress', 'queued', 'x'];
  for (const action of actions) {
    const fast = triageByAction('check_run', action);
    if (fast !== undefined) {
      // Dropped by its action: dropped too with our run's name, a listed PR and a valid requested action.
      assert.equal(verdict('check_run', { action, requested_action: { identifier: 'reevaluate' }, repository, check_run: run() }), 'drop', action);
    } else {
      assert.equal(verdict('check_run', { action, requested_action: { identifier: 'reevaluate' }, repository, check_run: run() }), 'queue', action);
    }
    const fastSuite = triageByAction('check_suite', action);
    assert.equal(verdict('check_suite', { action, repository, check_suite: suite() }), fastSuite === undefined ? 'queue' : 'drop', action);
  }
  // Other events are never judged by their action alone.
  for (const event of ['status', 'issue_comment', 'pull_request', 'push']) assert.equal(triageByAction(event, 'completed'), undefined);
});

test('leadingAction reads GitHub-shaped bodies only, from their first bytes', () => {
  assert.equal(leadingAction('{"action":"completed","check_run":{"id":1}}'), 'completed');
  assert.equal(leadingAction('{\n  "action": "rerequested",\n  "check_suite": {}\n}'), 'rerequested');
  // Anything else is parsed as usual: another first key, a nested action, form encoding, an odd value.
  for (const raw of ['{"check_run":{"action":"completed"},"action":"rerequested"}', 'payload=%7B%22action%22', '{"action":"Completed",', '{"action":"completed"}', '{"action":1,', '', `{"action":"${'a'.repeat(60)}",`]) {
    assert.equal(leadingAction(raw), undefined, raw);
  }
});
