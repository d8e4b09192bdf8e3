import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appReceivers, audienceOf, type InstalledApp } from '../../../src/local-github/checks/audience.js';

const installed: InstalledApp[] = [
  { appId: 1, installationId: 11, checks: 'write' },
  { appId: 2, installationId: 22, checks: 'read' },
  { appId: 3, installationId: 33, checks: undefined },
  { appId: 4, installationId: 44, checks: 'write' },
];
const ids = (event: string, action: string, owner: number) =>
  appReceivers({ event, action } as never, owner, installed).map((i) => i.appId);

test('requested / rerequested / requested_action go only to the app concerned, which needs checks:write', () => {
  assert.deepEqual(ids('check_suite', 'requested', 1), [1]);
  assert.deepEqual(ids('check_suite', 'rerequested', 4), [4]);
  assert.deepEqual(ids('check_run', 'rerequested', 1), [1]);
  assert.deepEqual(ids('check_run', 'requested_action', 4), [4]);
  assert.deepEqual(ids('check_run', 'rerequested', 2), [], 'a read-only app is never requested');
  assert.deepEqual(ids('check_suite', 'requested', 3), []);
});

test('created / completed go to every app with checks read or write', () => {
  for (const [event, action] of [['check_run', 'created'], ['check_run', 'completed'], ['check_suite', 'completed']]) {
    assert.deepEqual(ids(event, action, 1), [1, 2, 4], `${event}.${action}`);
  }
});

test('repository and organisation hooks never get requested/rerequested/requested_action', () => {
  assert.equal(audienceOf({ event: 'check_suite', action: 'completed' }).repoHooks, true);
  assert.equal(audienceOf({ event: 'check_run', action: 'created' }).repoHooks, true);
  assert.equal(audienceOf({ event: 'check_run', action: 'completed' }).repoHooks, true);
  for (const [event, action] of [['check_suite', 'requested'], ['check_suite', 'rerequested'], ['check_run', 'rerequested'], ['check_run', 'requested_action']]) {
    assert.equal(audienceOf({ event, action } as never).repoHooks, false, `${event}.${action}`);
  }
  assert.throws(() => audienceOf({ event: 'check_run', action: 'deleted' } as never));
});
