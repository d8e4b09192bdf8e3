import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  messagesForTarget, githubCommentBody, slackPosts, messages, joinMessages, isServiceMessage, servicePrefix,
  targetAcceptsType, authorAffirmComment, isMessageType, MESSAGE_TYPES, type Notification,
} from '../../../src/policy/actions/notifications.js';

const pending: Notification[] = [messages.opened({ name: '', position: 2 }), messages.approvalAdded('bob'), messages.error('bad')];

test('types absent, null or empty mean every type', () => {
  for (const types of [undefined, null, []]) {
    assert.deepEqual(messagesForTarget({ target: 'github', types }, pending, 't').map((m) => m.type), ['open', 'approve', 'error']);
  }
  assert.deepEqual(messagesForTarget({ target: 'github', types: ['error', 'open'] }, pending, 't').map((m) => m.type), ['open', 'error']);
  assert.equal(targetAcceptsType({ target: 'x', types: ['nope'] }, 'open'), false);
});

test('title pattern and disabled comments', () => {
  const target = { target: 'slack', pattern: /^WIP/ };
  assert.deepEqual(messagesForTarget(target, pending, 'Fix bug'), []);
  assert.equal(messagesForTarget(target, pending, 'WIP: x').length, 3);
  assert.deepEqual(messagesForTarget({ target: 'github' }, pending, 'x', false), []);
});

test('message texts', () => {
  assert.equal(pending[0].text, 'opened Applying approval policy # 2');
  assert.equal(messages.opened({ name: 'docs', position: 1 }).text, 'opened Applying approval policy docs');
  assert.equal(messages.deletionBlocked('b', 'It belongs to another owner').text, 'Deletion of the merged branch b has been blocked. It belongs to another owner');
  assert.equal(messages.tagged('1.0.0').type, 'tag');
  assert.equal(messages.blockedAuthor('eve').text, 'blocked because it was created by unapproved author eve.');
  assert.equal(joinMessages(pending), 'opened Applying approval policy # 2\napproval added by bob.\nbad');
  assert.ok(authorAffirmComment().startsWith('Message from checks-out -- Someone besides'));
  assert.ok(isMessageType('push-ignore'));
  assert.ok(!isMessageType('__proto__'));
  assert.equal(MESSAGE_TYPES.length, 13);
});

test('service prefix detection', () => {
  assert.equal(servicePrefix('acme'), 'Message from acme --');
  assert.ok(isServiceMessage('Message from checks-out -- hi'));
  assert.ok(!isServiceMessage(' Message from checks-out -- hi'));
  assert.ok(!isServiceMessage(undefined));
});

test('github body and slack posts', () => {
  assert.equal(githubCommentBody('Fix', 'o/r', 'merged'), 'Message from checks-out -- Pull Request Fix in repo o/r: merged');
  const posts = slackPosts({ githubUrl: 'https://github.com/', baseUrl: 'https://svc.example', prTitle: 'Fix', prNumber: 7, slug: 'o/r', messages: 'merged', names: ['#a', '@b'] });
  assert.equal(posts.length, 2);
  assert.deepEqual(posts[0], {
    channel: '#a',
    text: '<https://github.com/o/r/pull/7|Pull Request Fix> in <https://github.com/o/r|o/r>: merged',
    username: 'Meowser',
    icon_url: 'https://svc.example/static/images/meowser.png',
  });
  assert.equal(posts[1].text, posts[0].text);
  assert.deepEqual(slackPosts({ githubUrl: 'x', baseUrl: '', prTitle: '', prNumber: 1, slug: 's', messages: '', names: null }), []);
});

test('planning sends per target', async () => {
  const { planNotifications } = await import('../../../src/policy/actions/notifications.js');
  const base = { prTitle: 'T', prNumber: 4, slug: 'o/r', githubUrl: 'https://gh', baseUrl: 'https://svc', messages: pending };
  const targets = [
    { target: 'github', kind: 'github' as const, url: '', types: ['error'] },
    { target: 'slack', kind: 'slack' as const, url: 'https://hook', names: ['#a'], types: ['open'] },
    { target: 'slack', kind: 'slack' as const, url: '', names: ['#b'] },
    { target: 'slack', kind: 'slack' as const, url: 'https://hook2', names: [] },
  ];
  const plan = planNotifications({ ...base, enabled: true, targets });
  assert.deepEqual(plan.map((p) => p.sender), ['github', 'slack']);
  assert.equal(plan[0].sender === 'github' && plan[0].body, 'Message from checks-out -- Pull Request T in repo o/r: bad');
  assert.equal(plan[1].sender === 'slack' && plan[1].posts[0].text, '<https://gh/o/r/pull/4|Pull Request T> in <https://gh/o/r|o/r>: opened Applying approval policy # 2');
  assert.deepEqual(planNotifications({ ...base, enabled: false, targets }), []);
  assert.deepEqual(planNotifications({ ...base, prNumber: 0, enabled: true, targets: [targets[0]] }), []);
});
