import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobTargets, type TargetDelivery } from '../../../src/service/pipeline/targets.js';

const O = { brandingShort: 'checks-out', statusContext: 'approvals/checks-out', checkRunName: 'checks-out' };
const SHA = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const repository = { full_name: 'acme/widgets' };
let seq = 0;

/** A parsed delivery; a string payload is parsed as JSON.parse does (a `__proto__` key stays an own key). */
function d(event: string, payload: unknown, receivedAt = 1000): TargetDelivery {
  return { id: `d${++seq}`, event, payload: (typeof payload === 'string' ? JSON.parse(payload) : payload) as Record<string, unknown>, receivedAt };
}

function prsOf(t: ReturnType<typeof jobTargets>): Record<string, number[]> {
  return Object.fromEntries([...t.prs].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
}

test('pull_request: opened/reopened/synchronize evaluate and record the head push time', () => {
  for (const action of ['opened', 'reopened', 'synchronize']) {
    const t = jobTargets([d('pull_request', { action, repository, pull_request: { number: 7, state: 'open', head: { sha: SHA } } }, 5000)], O);
    assert.deepEqual(prsOf(t), { 'acme/widgets': [7] });
    assert.deepEqual(t.pushes, [{ repo: 'acme/widgets', sha: SHA, at: 5000, source: `pull_request.${action}` }]);
    assert.equal(t.refresh, false);
  }
});

test('pull_request: edited, ready_for_review and converted_to_draft evaluate without a push', () => {
  for (const action of ['edited', 'ready_for_review', 'converted_to_draft']) {
    const t = jobTargets([d('pull_request', { action, repository, pull_request: { number: 3, head: { sha: SHA } } })], O);
    assert.deepEqual(prsOf(t), { 'acme/widgets': [3] });
    assert.deepEqual(t.pushes, []);
  }
});

test('pull_request: labeled and closed-state PRs ask for nothing; a close goes to the PR\'s job (which reports nothing)', () => {
  const t = jobTargets(
    [
      d('pull_request', { action: 'labeled', repository, pull_request: { number: 2 } }),
      d('pull_request', { action: 'edited', repository, pull_request: { number: 4, state: 'closed' } }),
      d('pull_request', { repository, pull_request: { number: 5 } }),
    ],
    O,
  );
  assert.equal(t.prs.size, 0);
  assert.equal(t.ignored.length, 3);
  assert.match(t.ignored[0].why, /labeled does not change/);
  assert.match(t.ignored[1].why, /closed/);
  // The close reaches the PR's own job: its pull cache learns the state, and a comment or review queued
  // before the close is then not published on the closed PR (the handler skips closed PRs).
  const closed = jobTargets([d('pull_request', { action: 'closed', repository, pull_request: { number: 1, state: 'closed', head: { sha: SHA } } })], O);
  assert.deepEqual(prsOf(closed), { 'acme/widgets': [1] });
  assert.deepEqual(closed.pushes, [], 'a close is no push');
  const nameless = jobTargets([d('pull_request', { action: 'closed', repository, pull_request: { state: 'closed' } })], O);
  assert.equal(nameless.prs.size, 0);
  assert.equal(nameless.ignored[0].why, 'no pull request number');
});

test('pull_request: the number falls back to the top-level number; bad numbers are refused', () => {
  const ok = jobTargets([d('pull_request', { action: 'edited', repository, number: 9, pull_request: {} })], O);
  assert.deepEqual(prsOf(ok), { 'acme/widgets': [9] });
  for (const number of [0, -1, 1.5, '7', 2 ** 60, null, { n: 1 }]) {
    const t = jobTargets([d('pull_request', { action: 'edited', repository, pull_request: { number } })], O);
    assert.equal(t.prs.size, 0, `number ${JSON.stringify(number)}`);
    assert.equal(t.ignored[0].why, 'no pull request number');
  }
});

test('pull_request: a head that is not a SHA records no push time', () => {
  for (const sha of ['HEAD', SHA.toUpperCase(), `${SHA}0`, 42, '../../etc']) {
    const t = jobTargets([d('pull_request', { action: 'synchronize', repository, pull_request: { number: 1, head: { sha } } })], O);
    assert.deepEqual(t.pushes, []);
    assert.deepEqual(prsOf(t), { 'acme/widgets': [1] });
  }
});

test('issue_comment: PR comments evaluate; issues, closed PRs and our own messages do not', () => {
  const pr = { number: 4, state: 'open', pull_request: { url: 'x' } };
  const t = jobTargets(
    [
      d('issue_comment', { action: 'created', repository, issue: pr, comment: { body: 'I approve' } }),
      d('issue_comment', { action: 'deleted', repository, issue: { ...pr, number: 5 }, comment: { body: 'x' } }),
      d('issue_comment', { action: 'created', repository, issue: { number: 6, state: 'open' }, comment: { body: 'I approve' } }),
      d('issue_comment', { action: 'created', repository, issue: { ...pr, number: 7, state: 'closed' }, comment: { body: 'I approve' } }),
      d('issue_comment', { action: 'created', repository, issue: { ...pr, number: 8 }, comment: { body: 'Message from checks-out -- approval added' } }),
    ],
    O,
  );
  assert.deepEqual(prsOf(t), { 'acme/widgets': [4, 5] });
  assert.deepEqual(
    t.ignored.map((i) => i.why),
    ['comment on an issue, not a pull request', 'pull request is closed', 'service message'],
  );
});

test('pull_request_review: any action on an open PR evaluates', () => {
  const t = jobTargets(
    [
      d('pull_request_review', { action: 'submitted', repository, pull_request: { number: 2, state: 'open' } }),
      d('pull_request_review', { action: 'dismissed', repository, pull_request: { number: 3, state: 'open' } }),
      d('pull_request_review', { action: 'edited', repository, pull_request: { number: 4, state: 'closed' } }),
      d('pull_request_review', { action: 'submitted', repository }),
    ],
    O,
  );
  assert.deepEqual(prsOf(t), { 'acme/widgets': [2, 3] });
  assert.equal(t.ignored.length, 2);
});

test('push: a branch push records its push time and evaluates nothing by itself', () => {
  const t = jobTargets([d('push', { ref: 'refs/heads/feature', after: SHA, repository }, 777)], O);
  assert.deepEqual(t.pushes, [{ repo: 'acme/widgets', sha: SHA, at: 777, source: 'push' }]);
  assert.equal(t.prs.size, 0);
  assert.deepEqual(t.ignored.map((i) => i.why), ['push recorded']);
});

test('push: deletions, tags, zero and malformed SHAs record nothing', () => {
  const t = jobTargets(
    [
      d('push', { ref: 'refs/heads/x', after: '0'.repeat(40), deleted: true, repository }),
      d('push', { ref: 'refs/heads/x', after: '0'.repeat(40), repository }),
      d('push', { ref: 'refs/tags/v1', after: SHA, repository }),
      d('push', { ref: 'refs/heads/x', after: 'nope', repository }),
      d('push', { after: SHA, repository }),
    ],
    O,
  );
  assert.deepEqual(t.pushes, []);
  assert.equal(t.ignored.length, 5);
});

test('status: ours is checked against the truth (with what it claims); other contexts are ignored', () => {
  const t = jobTargets(
    [
      d('status', { context: 'approvals/checks-out', sha: SHA, state: 'success', description: 'approved by me', repository }),
      d('status', { context: 'ci/build', sha: SHA2, state: 'success', repository }),
      d('status', { context: 'approvals/checks-out', sha: 'short', state: 'success', repository }),
      d('status', { context: 'approvals/checks-out', sha: SHA2, repository }),
    ],
    O,
  );
  assert.deepEqual(t.shas, [
    { repo: 'acme/widgets', sha: SHA, reason: 'status posted in our context', claimed: { state: 'success', description: 'approved by me' } },
    { repo: 'acme/widgets', sha: SHA2, reason: 'status posted in our context', claimed: { state: '', description: '' } },
  ]);
  assert.deepEqual(t.ignored.map((i) => i.why), ['status of another context', 'no commit SHA']);
});

test('check_suite: requested and rerequested evaluate its PRs, or its head SHA when it lists none', () => {
  const t = jobTargets(
    [
      d('check_suite', { action: 'requested', repository, check_suite: { head_sha: SHA, pull_requests: [{ number: 1 }, { number: 2 }] } }),
      d('check_suite', { action: 'requested', repository, check_suite: { head_sha: SHA2, pull_requests: [] } }),
      d('check_suite', { action: 'completed', repository, check_suite: { head_sha: SHA } }),
    ],
    O,
  );
  assert.deepEqual(prsOf(t), { 'acme/widgets': [1, 2] });
  assert.deepEqual(t.shas.map((s) => s.sha), [SHA2]);
  assert.equal(t.refresh, false);
  const re = jobTargets([d('check_suite', { action: 'rerequested', repository, check_suite: { head_sha: SHA, pull_requests: 'nope' } })], O);
  assert.deepEqual(re.shas.map((s) => s.reason), ['check_suite.rerequested']);
  assert.equal(re.refresh, true);
});

test('check_run: Re-evaluate and re-run of our run evaluate and refresh; anything else does not', () => {
  const run = { name: 'checks-out', head_sha: SHA, pull_requests: [{ number: 5 }] };
  const t = jobTargets([d('check_run', { action: 'requested_action', requested_action: { identifier: 'reevaluate' }, repository, check_run: run })], O);
  assert.deepEqual(prsOf(t), { 'acme/widgets': [5] });
  assert.equal(t.refresh, true);
  const r = jobTargets([d('check_run', { action: 'rerequested', repository, check_run: { ...run, pull_requests: [] } })], O);
  assert.deepEqual(r.shas.map((s) => s.sha), [SHA]);
  assert.equal(r.refresh, true);

  const none = jobTargets(
    [
      d('check_run', { action: 'requested_action', requested_action: { identifier: 'deploy' }, repository, check_run: run }),
      d('check_run', { action: 'requested_action', repository, check_run: run }),
      d('check_run', { action: 'rerequested', repository, check_run: { ...run, name: 'ci' } }),
      d('check_run', { action: 'created', repository, check_run: run }),
      d('check_run', { action: 'completed', repository, check_run: run }),
    ],
    O,
  );
  assert.equal(none.prs.size + none.shas.length, 0);
  assert.equal(none.refresh, false);
  assert.deepEqual(none.ignored.map((i) => i.why), [
    'unknown requested action deploy',
    'unknown requested action ?',
    'check run of another name',
    'check_run.created needs nothing',
    'check_run.completed needs nothing',
  ]);
});

test('installation ids are remembered per repository; other events ask for nothing', () => {
  const t = jobTargets(
    [
      d('pull_request_review', { action: 'submitted', repository, installation: { id: 42 }, pull_request: { number: 1 } }),
      d('installation_repositories', { action: 'added', repository: { full_name: 'acme/other' }, installation: { id: -3 } }),
      d('ping', { repository }),
    ],
    O,
  );
  assert.deepEqual([...t.installations], [['acme/widgets', 42]]);
  assert.match(t.ignored.at(-1)!.why, /ping needs no evaluation/);
});

test('hostile payloads: not JSON, not objects, bad repository names, prototype keys, deep junk', () => {
  const t = jobTargets(
    [
      d('pull_request', '[1,2]'),
      d('pull_request', 'null'),
      d('pull_request', '"a string"'),
      d('pull_request', { action: 'opened', repository: { full_name: '../../etc/passwd' }, pull_request: { number: 1 } }),
      d('pull_request', { action: 'opened', repository: { full_name: ['acme/widgets'] }, pull_request: { number: 1 } }),
      d('pull_request', { action: 'opened', repository: 'acme/widgets', pull_request: { number: 1 } }),
      d('issue_comment', '{"repository":{"full_name":"acme/widgets"},"issue":{"__proto__":{"pull_request":{}},"number":3}}'),
      d('check_suite', '{"action":"requested","repository":{"full_name":"acme/widgets"},"check_suite":{"pull_requests":[null,1,"x",{"number":"2"},{"__proto__":{"number":4}}]}}'),
    ],
    O,
  );
  assert.equal(t.prs.size, 0);
  assert.equal(t.shas.length, 0);
  assert.equal(t.ignored.length, 8);
  assert.equal(({} as Record<string, unknown>).pull_request, undefined);
  assert.equal(({} as Record<string, unknown>).number, undefined);
});

test('many deliveries for one PR coalesce into one target', () => {
  const many = Array.from({ length: 200 }, (_, i) =>
    d('issue_comment', { action: 'created', repository, issue: { number: 1, state: 'open', pull_request: {} }, comment: { body: `c${i}` } }),
  );
  const t = jobTargets(many, O);
  assert.deepEqual(prsOf(t), { 'acme/widgets': [1] });
});

test('the pipeline\'s own follow-up deliveries target their PR (and cannot be sent by GitHub: the name has a dot)', async () => {
  const { followUpDelivery } = await import('../../../src/service/pipeline/handler.js');
  const f = followUpDelivery('Acme/Widgets', 12, 99, 'status', 5);
  assert.equal(f.prKey, 'acme/widgets#12');
  assert.match(f.id, /^internal:/);
  const t = jobTargets([{ id: f.id, event: f.event, payload: JSON.parse(f.payload) as Record<string, unknown>, receivedAt: f.receivedAt }], O);
  assert.deepEqual(prsOf(t), { 'Acme/Widgets': [12] });
  assert.deepEqual([...t.installations], [['Acme/Widgets', 99]]);
  assert.doesNotMatch(f.event, /^[a-z_]{1,64}$/);
});

test('a suite listing thousands of PRs fans out to at most 100', () => {
  const pull_requests = Array.from({ length: 5000 }, (_, i) => ({ number: i + 1 }));
  const t = jobTargets([d('check_suite', { action: 'requested', repository, check_suite: { head_sha: SHA, pull_requests } })], O);
  assert.equal(t.prs.get('acme/widgets')?.size, 100);
});

test('push times come from GitHub\'s clock when the payload carries it (updated_at, pushed_at), else the receipt time', () => {
  const t = jobTargets(
    [
      d('pull_request', { action: 'synchronize', repository, pull_request: { number: 1, updated_at: '2024-01-01T00:00:10Z', head: { sha: SHA } } }, 99),
      d('push', { ref: 'refs/heads/f', after: SHA2, repository: { ...repository, pushed_at: 1704067220 } }, 99),
      d('pull_request', { action: 'opened', repository, pull_request: { number: 2, updated_at: 'yesterday', head: { sha: SHA } } }, 77),
      d('push', { ref: 'refs/heads/f', after: SHA, repository: { ...repository, pushed_at: 'NaN' } }, 66),
      d('push', { ref: 'refs/heads/f', after: SHA, repository: { ...repository, pushed_at: -5 } }, 55),
    ],
    O,
  );
  assert.deepEqual(t.pushes.map((p) => p.at), [Date.parse('2024-01-01T00:00:10Z'), 1704067220_000, 77, 66, 55]);
});

test('membership, team, organization and member deliveries announce a membership change of the organisation', async () => {
  const { triageDelivery } = await import('../../../src/service/intake/triage.js');
  const organization = { login: 'Acme' };
  const cases: [string, Record<string, unknown>][] = [
    ['membership', { action: 'removed', scope: 'team', organization, team: { slug: 'core' }, member: { login: 'bob' } }],
    ['team', { action: 'added_to_repository', organization, team: { slug: 'core' }, repository }],
    ['team', { action: 'deleted', organization, team: { slug: 'core' } }],
    ['organization', { action: 'member_removed', organization, membership: { user: { login: 'bob' } } }],
    ['member', { action: 'added', repository: { full_name: 'Acme/widgets' }, member: { login: 'erin' } }],
  ];
  for (const [event, payload] of cases) {
    const t = jobTargets([d(event, payload)], O);
    assert.deepEqual([...t.membershipOrgs], ['acme'], event);
    assert.equal(t.prs.size + t.shas.length + t.pushes.length, 0, 'nothing to evaluate');
    assert.equal(triageDelivery(event, payload, O), undefined, `${event} is queued`);
  }
  const nothing: [string, unknown][] = [
    ['organization', { action: 'member_invited', organization }],
    ['membership', { action: 'added', organization: { login: '../x' } }],
    ['team', { action: 'edited', team: { slug: 'core' } }],
    ['membership', { action: 'added', organization: { login: 42 } }],
    ['membership', '{"__proto__": {"login": "acme"}, "organization": null}'],
  ];
  for (const [event, payload] of nothing) {
    const t = jobTargets([d(event, payload)], O);
    assert.deepEqual([...t.membershipOrgs], [], JSON.stringify(payload));
    assert.equal(t.ignored.length, 1);
  }
});

test('push: only a push to the default branch (or one that does not say which it is) announces new policy files', () => {
  const withDefault = { ...repository, default_branch: 'main' };
  const t = jobTargets(
    [
      d('push', { ref: 'refs/heads/feature', after: SHA, repository: withDefault }),
      d('push', { ref: 'refs/heads/main', after: SHA2, repository: { full_name: 'acme/gadgets', default_branch: 'main' } }),
      d('push', { ref: 'refs/heads/trunk', after: SHA, repository: { full_name: 'acme/tools' } }),
      d('push', { ref: 'refs/tags/main', after: SHA, repository: { full_name: 'acme/tags', default_branch: 'main' } }),
    ],
    O,
  );
  assert.deepEqual([...t.policyRepos].sort(), ['acme/gadgets', 'acme/tools']);
  assert.equal(t.prs.size, 0);
});

test('repository: a new default branch or name announces new policy files; other actions do not', () => {
  const t = jobTargets(
    [
      d('repository', { action: 'edited', changes: { default_branch: { from: 'master' } }, repository }),
      d('repository', { action: 'renamed', repository: { full_name: 'acme/renamed' } }),
      d('repository', { action: 'created', repository: { full_name: 'acme/fresh' } }),
      d('repository', { action: 'publicized', repository: { full_name: 'acme/open' } }),
    ],
    O,
  );
  assert.deepEqual([...t.policyRepos].sort(), ['acme/renamed', 'acme/widgets']);
  assert.equal(t.prs.size, 0);
  assert.equal(t.ignored.length, 4);
});
