/** Spec §12.2 (dispatch, GitHub comment body, Slack posts), §12.3 (Slack targets) and the message texts of §7.3/§7.4/§8. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  messagesForTarget, joinMessages, githubCommentBody, slackPosts, planNotifications, messages, resolveSlackTargets,
  isServiceMessage, PolicyError, type Notification,
} from '../../../src/policy/index.js';
import { cfg } from './_helpers.js';

const batch: Notification[] = [messages.approvalAdded('bob'), messages.blockedBy('carol'), messages.merged()];
const types = (ns: Notification[]) => ns.map((n) => n.type);

test('§12.2 types omitted/null → all; a list selects, in message order', () => {
  assert.deepEqual(types(messagesForTarget({ target: 'github' }, batch, 't')), ['approve', 'block', 'merge']);
  assert.deepEqual(types(messagesForTarget({ target: 'github', types: null }, batch, 't')), ['approve', 'block', 'merge']);
  assert.deepEqual(types(messagesForTarget({ target: 'github', types: ['merge', 'approve'] }, batch, 't')), ['approve', 'merge']);
});

test('§12.2/§19.6 types: [] → every type (the documented behaviour, not the Go bug)', () => {
  assert.deepEqual(types(messagesForTarget({ target: 'github', types: [] }, batch, 't')), ['approve', 'block', 'merge']);
});

test('§12.2 the target pattern must match the PR title; comment.enable false sends nothing', () => {
  const t = cfg('approvals:[{}], comment: {enable: true, targets: [{target: "github", pattern: "^RELEASE"}]}').comment.targets![0];
  assert.deepEqual(messagesForTarget(t, batch, 'fix typo'), []);
  assert.equal(messagesForTarget(t, batch, 'RELEASE 1.0').length, 3);
  assert.deepEqual(messagesForTarget({ target: 'github' }, batch, 't', false), []);
});

test('§12.2 config-parsed targets work directly (types from the file)', () => {
  const t = cfg('approvals:[{}], comment: {enable: true, targets: [{target: "slack", types: ["block"], names: ["#dev"]}]}').comment.targets![0];
  assert.deepEqual(types(messagesForTarget(t, batch, 'x')), ['block']);
});

test('§12.2 GitHub comment body, exact', () => {
  const text = joinMessages([messages.approvalAdded('bob'), messages.blockedBy('carol')]);
  assert.equal(text, 'approval added by bob.\nblocked by carol.');
  assert.equal(
    githubCommentBody('Add feature', 'octo/repo', text),
    'Message from checks-out -- Pull Request Add feature in repo octo/repo: approval added by bob.\nblocked by carol.',
  );
  // The service ignores its own comments (§6.1).
  assert.ok(isServiceMessage(githubCommentBody('x', 'o/r', 'y')));
});

test('§12.2 Slack posts: one per name, exact text, Meowser, icon under the service base URL', () => {
  const posts = slackPosts({ githubUrl: 'https://github.com/', baseUrl: 'https://co.example/', prTitle: 'Add feature', prNumber: 7, slug: 'octo/repo', messages: 'merged', names: ['#dev', '@bob'] });
  assert.equal(posts.length, 2);
  assert.deepEqual(posts[0], {
    channel: '#dev',
    text: '<https://github.com/octo/repo/pull/7|Pull Request Add feature> in <https://github.com/octo/repo|octo/repo>: merged',
    username: 'Meowser',
    icon_url: 'https://co.example/static/images/meowser.png',
  });
  assert.equal(posts[1].channel, '@bob');
  assert.equal(posts[1].text, posts[0].text);
  assert.deepEqual(slackPosts({ githubUrl: 'https://github.com', baseUrl: '', prTitle: '', prNumber: 1, slug: 'o/r', messages: 'm', names: null }), []);
});

test('§12.2 planning: GitHub only with PR number > 0; Slack only with names and a URL; disabled → nothing', () => {
  const plan = (enabled: boolean, prNumber: number, url: string, names: string[] | null) =>
    planNotifications({
      enabled,
      targets: [{ target: 'github', kind: 'github', url: '' }, { target: 'slack', kind: 'slack', url, names }],
      messages: [messages.merged()],
      prTitle: 'T',
      prNumber,
      slug: 'o/r',
      githubUrl: 'https://github.com',
      baseUrl: 'https://svc',
    });
  assert.deepEqual(plan(false, 3, 'https://hook', ['#c']), []);
  assert.deepEqual(plan(true, 0, 'https://hook', ['#c']).map((p) => p.sender), ['slack']);
  assert.deepEqual(plan(true, 3, '', ['#c']).map((p) => p.sender), ['github']);
  assert.deepEqual(plan(true, 3, 'https://hook', null).map((p) => p.sender), ['github']);
  const both = plan(true, 3, 'https://hook', ['#c']);
  assert.deepEqual(both[0], { sender: 'github', body: 'Message from checks-out -- Pull Request T in repo o/r: merged' });
});

test('§7.3/§7.4/§8/§10 message texts and types, exact', () => {
  const all = [
    messages.opened({ name: 'docs', position: 1 }),
    messages.opened({ name: '', position: 2 }),
    messages.reopened(),
    messages.pushIgnored(),
    messages.reset(),
    messages.approvalAdded('bob'),
    messages.blockedBy('carol'),
    messages.blockedAuthor('mallory'),
    messages.blockedTitle(),
    messages.blockedAudit(),
    messages.merged(),
    messages.tagged('v1.0.1'),
    messages.branchDeleted('feature'),
    messages.deletionBlocked('feature', 'It belongs to another owner'),
    messages.deployed('master'),
    messages.error('boom'),
  ];
  assert.deepEqual(all.map((m) => [m.type, m.text]), [
    ['open', 'opened Applying approval policy docs'],
    ['open', 'opened Applying approval policy # 2'],
    ['open', 'reopened'],
    ['push-ignore', 'merged through the user interface. Merge commit ignored.'],
    ['reset', 'updated. No comments before this one will count for approval.'],
    ['approve', 'approval added by bob.'],
    ['block', 'blocked by carol.'],
    ['block', 'blocked because it was created by unapproved author mallory.'],
    ['block', 'blocked because its title indicates that it should not be merged'],
    ['block', 'blocked by gap in audit chain'],
    ['merge', 'merged'],
    ['tag', 'Tag v1.0.1 has been added'],
    ['delete', 'Branch feature has been deleted'],
    ['delete', 'Deletion of the merged branch feature has been blocked. It belongs to another owner'],
    ['deploy', 'Deployment has been triggered from branch master'],
    ['error', 'boom'],
  ]);
});

test('§12.3 Slack targets: github unchanged, slack → SLACK_TARGET_URL, hosts user-level first then admin-level', () => {
  const stored = [
    { host: 'team.slack.com', user: '', url: 'https://admin' },
    { host: 'team.slack.com', user: 'enabler', url: 'https://mine' },
    { host: 'other.slack.com', user: '', url: 'https://admin-other' },
    { host: 'other.slack.com', user: 'someone-else', url: 'https://not-mine' },
  ];
  const res = resolveSlackTargets(
    [{ target: 'github' }, { target: 'slack' }, { target: 'team.slack.com' }, { target: 'other.slack.com' }],
    'enabler',
    'https://env',
    stored,
  );
  assert.deepEqual(res, [
    { target: 'github', url: '' },
    { target: 'slack', url: 'https://env' },
    { target: 'slack', url: 'https://mine' },
    { target: 'slack', url: 'https://admin-other' },
  ]);
  assert.throws(() => resolveSlackTargets([{ target: 'nope.example' }], 'enabler', '', stored), (e: unknown) =>
    e instanceof PolicyError && e.message === 'No URL found for slack host nope.example');
  assert.throws(() => resolveSlackTargets([{ target: '__proto__' }], 'enabler', '', []), PolicyError);
});
