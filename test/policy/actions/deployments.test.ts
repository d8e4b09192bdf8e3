import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannedDeployments } from '../../../src/policy/actions/deployments.js';

const map = new Map([
  ['master', { env: 'prod', tasks: ['t1', 't2'] }],
  ['preprod', { env: 'preprod', tasks: null }],
  ['p2', { env: null, tasks: ['t5'] }],
  ['none', { env: null, tasks: null }],
]);

test('one deployment per task', () => {
  assert.deepEqual(plannedDeployments(map, 'master'), [
    { ref: 'master', task: 't1', environment: 'prod' }, { ref: 'master', task: 't2', environment: 'prod' },
  ]);
  assert.deepEqual(plannedDeployments(map, 'p2'), [{ ref: 'p2', task: 't5', environment: '' }]);
});

test('env without tasks is one deployment with the default task', () => {
  assert.deepEqual(plannedDeployments(map, 'preprod'), [{ ref: 'preprod', environment: 'preprod' }]);
});

test('missing entries and hostile keys', () => {
  assert.deepEqual(plannedDeployments(map, 'dev'), []);
  assert.deepEqual(plannedDeployments(map, 'none'), []);
  assert.deepEqual(plannedDeployments({}, '__proto__'), []);
  assert.deepEqual(plannedDeployments({ x: { env: 'e', tasks: [] } }, 'x'), [{ ref: 'x', environment: 'e' }]);
});
