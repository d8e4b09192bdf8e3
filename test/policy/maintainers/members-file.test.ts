import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError } from '../../../src/policy/errors.js';
import { buildSnapshot, parseMaintainers, parseMembersFile, type RepoContext } from '../../../src/policy/maintainers/index.js';

const REPO: RepoContext = { owner: 'acme', name: 'widget', isOrg: true, enablingUser: 'jdoe' };

const FILE = JSON.stringify({
  org_members: { ACME: ['alice', { login: 'Bob', name: 'Bob B', email: 'b@x' }] },
  teams_by_org: { acme: ['core', 'ops'] },
  team_members: { 'acme/Core': ['alice'] },
  'collaborators (key owner/name)': { 'acme/widget': ['carol'] },
  users: { JDoe: { name: 'J. Doe' } },
});

test('members file answers every look-up kind, case-insensitively', () => {
  const m = parseMembersFile(FILE, 'members.json');
  assert.deepEqual(m.orgMembers('acme'), [
    { login: 'alice', name: '', email: '' },
    { login: 'Bob', name: 'Bob B', email: 'b@x' },
  ]);
  assert.deepEqual(m.orgTeams('Acme'), ['core', 'ops']);
  assert.deepEqual(m.teamMembers('acme', 'CORE'), [{ login: 'alice', name: '', email: '' }]);
  // Listed team without members data: not fetched; unlisted team: does not exist.
  assert.equal(m.teamMembers('acme', 'ops'), undefined);
  assert.equal(m.teamMembers('acme', 'nope'), null);
  assert.equal(m.teamMembers('other', 'x'), undefined);
  assert.deepEqual(m.collaborators('acme', 'widget'), [{ login: 'carol', name: '', email: '' }]);
  assert.deepEqual(m.user('jdoe'), { login: 'JDoe', name: 'J. Doe', email: '' });
  assert.deepEqual(m.user('someone'), { login: 'someone', name: '', email: '' });
  assert.equal(m.orgMembers('unknown'), undefined);
});

test('stub mode: teams without members data do not exist', () => {
  const m = parseMembersFile('{"team_members": {}}', 'stub', { teamsNotListedAreMissing: false });
  assert.equal(m.teamMembers('acme', 'x'), null);
});

test('members file drives a snapshot end to end', () => {
  const raw = parseMaintainers('github-org repo-self\ngithub-team core', 'text', { file: 'MAINTAINERS', repo: REPO });
  const s = buildSnapshot(raw, REPO, parseMembersFile(FILE));
  assert.deepEqual([...s.people.keys()], ['alice', 'bob']);
  assert.deepEqual(s.orgs.get('core'), ['alice']);
});

test('bad members files are PolicyErrors naming the problem', () => {
  const bad: Array<[string, RegExp]> = [
    ['{', /^Invalid members file: /],
    ['[]', /^Invalid members file: /],
    ['{"org_members": {"a": "alice"}}', /^Invalid members file: org_members\.a: /],
    ['{"org_members": {"a": [1]}}', /^Invalid members file: org_members\.a\.0: /],
    ['{"users": {"a": {"name": 1}}}', /^Invalid members file: users\.a\.name: /],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => parseMembersFile(text, 'm.json'),
      (e: unknown) => e instanceof PolicyError && re.test(e.message) && e.location.file === 'm.json',
      text,
    );
  }
});

test('hostile keys stay data', () => {
  const m = parseMembersFile('{"org_members": {"__proto__": ["x"], "constructor": ["y"]}}');
  assert.deepEqual(m.orgMembers('__proto__'), [{ login: 'x', name: '', email: '' }]);
  assert.deepEqual(m.orgMembers('constructor'), [{ login: 'y', name: '', email: '' }]);
  assert.equal(m.orgMembers('toString'), undefined);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});
