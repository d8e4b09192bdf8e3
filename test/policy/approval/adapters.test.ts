// The conformance adapters of the approval kinds that have no vectors in the shared file yet
// (approval-status, notification-filter), run on vectors written in the README's shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adapter as approvalStatus } from '../../../src/conformance/kinds/approval-status.js';
import { adapter as notificationFilter } from '../../../src/conformance/kinds/notification-filter.js';
import { adapter as statusDescription } from '../../../src/conformance/kinds/status-description.js';
import { adapter as semverTag } from '../../../src/conformance/kinds/semver-tag.js';
import { SkipVector } from '../../../src/conformance/kind.js';

const maintainers = { people: ['alice', 'bob', 'carol'], orgs: { team: ['alice', 'bob'] } };
const pull = { author: 'alice', title: 'Fix', base_branch: 'master', compare_branch: 'f', compare_owner: 'o' };

test('approval-status: approved, with affirmation failing because of another committer', async () => {
  const ok = await approvalStatus.run({ config: 'approvals:[{}]', maintainers, pull_request: pull, approval_feedback: [{ type: 'comment', author: 'Bob', body: 'I approve' }] }, {});
  assert.deepEqual(ok, {
    state: 'success', description: 'approved by bob', approved: true, approvers: ['bob'], disapprovers: [],
    author_approved: true, title_approved: true, author_affirmed: true, audit_approved: true, cur_comment: { author: 'bob', status: 'approval' },
  });
  const affirm = await approvalStatus.run({
    config: 'approvals:[{}]', maintainers, pull_request: pull,
    approval_feedback: [{ type: 'comment', author: 'bob', body: 'I approve' }],
    commits: [{ author: 'bob', committer: 'Bob', parents: 1 }],
  }, {});
  assert.equal(affirm.state, 'error');
  assert.equal(affirm.description, 'non-committer or PR author must approve');
  assert.equal(affirm.author_affirmed, false);
  const audit = await approvalStatus.run({ config: 'approvals:[{}]', maintainers, pull_request: pull, audit_ok: false }, {});
  assert.deepEqual([audit.description, audit.cur_comment], ['audit chain must be manually approved', { author: '', status: 'pr_audit' }]);
});

test('notification-filter: delivered types, github body, slack posts', async () => {
  const r = await notificationFilter.run({ target: { target: 'github', types: [] }, message_types: ['open', 'block'] }, {});
  assert.deepEqual(r, { delivered_types: ['open', 'block'] });
  const some = await notificationFilter.run({ target: { target: 'github', types: ['block'], pattern: '^WIP' }, message_types: ['open', 'block'], pr_title: 'WIP x' }, {});
  assert.deepEqual(some, { delivered_types: ['block'] });
  const off = await notificationFilter.run({ target: { target: 'github' }, message_types: ['open'], comment_enable: false }, {});
  assert.deepEqual(off, { delivered_types: [] });
  const gh = await notificationFilter.run({ sender: 'github', pr_title: 'T', slug: 'o/r', messages: ['a', 'b'] }, {});
  assert.equal(gh.comment_body, 'Message from checks-out -- Pull Request T in repo o/r: a\nb');
  const slack = await notificationFilter.run({ sender: 'slack', github_url: 'https://gh', pr_title: 'T', pr_number: 3, slug: 'o/r', messages: ['m'], names: ['#c'] }, {});
  assert.deepEqual(slack.posts, [{ channel: '#c', text: '<https://gh/o/r/pull/3|Pull Request T> in <https://gh/o/r|o/r>: m', username: 'Meowser', icon_url: '<BASE_URL>/static/images/meowser.png' }]);
  await assert.rejects(async () => notificationFilter.run({}, {}), SkipVector);
});

test('status-description second shape and semver-tag behaviours', async () => {
  assert.deepEqual(await statusDescription.run({ description_length: 200 }, {}), { sent_description_length: 138 });
  assert.deepEqual(await statusDescription.run({ description_length: 135 }, {}), { sent_description_length: 135 });
  assert.deepEqual(await statusDescription.run({}, {}), { state: 'error', description: 'non-committer or PR author must approve' });
  assert.deepEqual(await semverTag.run({ algorithm: 'bogus', now_utc: '2017-06-21T10:56:00Z' }, { behaviour: 'treated as semver (warning logged)' }), { behaviour: 'treated as semver (warning logged)' });
  assert.deepEqual(await semverTag.run({ algorithm: 'explicit', now_utc: '2017-06-21T10:56:00Z' }, { behaviour: 'no tag created; tag step returns empty' }), { behaviour: 'no tag created; tag step returns empty' });
  await assert.rejects(async () => semverTag.run({ algorithm: 'semver' }, { behaviour: 'something else' }), SkipVector);
});
