import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../../src/policy/types.js';
import { parseMatcher, validateMatcher, type Matcher } from '../../../src/policy/dsl/index.js';

const SNAP: Snapshot = {
  people: new Map([['alice', { name: 'Alice', email: '', login: 'Alice' }]]),
  orgs: new Map([['security', ['alice']]]),
  personToOrgs: new Map([['alice', new Set(['security'])]]),
};

const check = (text: string): [string, number | undefined][] =>
  validateMatcher(parseMatcher(text), SNAP).map((e) => [e.message, e.location.column]);

test('known groups and people, keywords and constants are valid', () => {
  assert.deepEqual(check('security and Alice and {alice, SECURITY} and all and us and them and universe'), []);
  assert.deepEqual(check('true or false or off or issue-author[count=0]'), []);
});

test('unknown entities and anonymous members', () => {
  assert.deepEqual(check('foobar'), [['foobar must be either org or person', 1]]);
  assert.deepEqual(check('alice and {bob, security, carol}'), [
    ['bob must be either org or person', 11],
    ['carol must be either org or person', 11],
  ]);
});

test('counts must be positive, for leaves and atleast', () => {
  assert.deepEqual(check('all[count=0]'), [['approval count must be positive', 1]]);
  assert.deepEqual(check('us[count=-1] or them[count=0]'), [
    ['approval count must be positive', 1],
    ['approval count must be positive', 17],
  ]);
  assert.deepEqual(check('atleast(0, alice)'), [['approval count must be positive', 1]]);
  assert.deepEqual(check('{alice}[count=0]'), [['approval count must be positive', 1]]);
});

test('every error is reported, through not, author and atleast', () => {
  assert.deepEqual(check('not x and author(y[count=0]) and atleast(1, z)').map(([m]) => m), [
    'x must be either org or person',
    'approval count must be positive',
    'y must be either org or person',
    'z must be either org or person',
  ]);
});

test('matchers built in code (no spans) get errors without a column', () => {
  const m: Matcher = { type: 'entity', name: 'ghost', count: 1, self: true };
  const [err] = validateMatcher(m, SNAP);
  assert.equal(err.message, 'ghost must be either org or person');
  assert.equal(err.location.column, undefined);
});
