import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSlackTargets } from '../../../src/policy/actions/slack-targets.js';
import { PolicyError } from '../../../src/policy/errors.js';

const stored = [
  { host: 'floopy', user: '', url: 'http://admin' },
  { host: 'floopy', user: 'jon', url: 'http://jon' },
  { host: 'bloopy', user: 'ann', url: 'http://ann' },
];

test('github, slack, user-level before admin-level', () => {
  assert.deepEqual(resolveSlackTargets([{ target: 'github' }, { target: 'slack' }, { target: 'floopy' }], 'jon', 'http://std', stored), [
    { target: 'github', url: '' }, { target: 'slack', url: 'http://std' }, { target: 'slack', url: 'http://jon' },
  ]);
  assert.deepEqual(resolveSlackTargets([{ target: 'floopy' }], 'ann', 'http://std', stored), [{ target: 'slack', url: 'http://admin' }]);
});

test('another user\'s registration is private; unknown host fails', () => {
  assert.throws(() => resolveSlackTargets([{ target: 'bloopy' }], 'jon', '', stored), (e: unknown) => e instanceof PolicyError && e.message === 'No URL found for slack host bloopy');
  assert.throws(() => resolveSlackTargets([{ target: '__proto__' }], 'jon', '', stored), PolicyError);
});
