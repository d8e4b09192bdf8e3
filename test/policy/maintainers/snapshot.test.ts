import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError, PolicyErrors } from '../../../src/policy/errors.js';
import {
  buildSnapshot,
  expandTeamListings,
  membershipFromData,
  parseMaintainers,
  referencedGroups,
  requiredLookups,
  snapshotToJSON,
  type Membership,
  type MembershipData,
  type RepoContext,
} from '../../../src/policy/maintainers/index.js';
import type { Snapshot } from '../../../src/policy/types.js';
import { parseMatcher } from '../../../src/policy/dsl/index.js';
import { runKind } from './vector-helpers.js';

const ORG_REPO: RepoContext = { owner: 'acme', name: 'widget', isOrg: true, enablingUser: 'jdoe' };
const USER_REPO: RepoContext = { owner: 'bob', name: 'tool', isOrg: false, enablingUser: 'JDoe' };

function data(d: Record<string, Record<string, unknown>>): MembershipData {
  const m = (o: Record<string, unknown> | undefined) => new Map(Object.entries(o ?? {})) as Map<string, never>;
  return { orgMembers: m(d.orgs), orgTeams: m(d.teams), teamMembers: m(d.teamMembers), collaborators: m(d.collaborators), users: m(d.users) };
}

const MEMBERSHIP = membershipFromData(
  data({
    orgs: { acme: ['Alice', { login: 'Bob', name: 'Bob B', email: 'b@x' }], other: ['Zed'] },
    teams: { acme: ['core', 'ops'], other: ['web'] },
    teamMembers: { 'acme/core': ['Alice'], 'acme/ops': ['Carol'], 'other/web': ['Zed', 'Yan'] },
    collaborators: { 'acme/widget': ['Dave'], 'x/y': ['Erin'] },
    users: { jdoe: { name: 'J. Doe', email: 'j@x' } },
  }),
);

function snapshot(text: string, format = 'text', repo = ORG_REPO, membership: Membership = MEMBERSHIP, opts = {}): Snapshot {
  return buildSnapshot(parseMaintainers(text, format, { file: 'MAINTAINERS', repo }), repo, membership, opts);
}

function plain(s: Snapshot) {
  return {
    people: Object.fromEntries([...s.people].map(([k, p]) => [k, { ...p }])),
    orgs: Object.fromEntries([...s.orgs].map(([k, v]) => [k, [...v].sort()])),
    personToOrgs: Object.fromEntries([...s.personToOrgs].map(([k, v]) => [k, [...v].sort()])),
  };
}

function failure(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a PolicyError');
}

test('expansion adds GitHub members to people; explicit entries win; plain entries do not count', () => {
  const s = snapshot('Bob Explicit <bob@e> (@bob)\ngithub-org repo-self\ngithub-collab repo-self\ngithub-team core');
  const p = plain(s);
  assert.deepEqual(p.people, {
    bob: { name: 'Bob Explicit', email: 'bob@e', login: 'bob' },
    alice: { name: '', email: '', login: 'Alice' },
    dave: { name: '', email: '', login: 'Dave' },
  });
  assert.deepEqual(p.orgs, { acme: ['alice', 'bob'], 'acme/widget-collaborators': ['dave'], core: ['alice'] });
  assert.deepEqual(p.personToOrgs, { alice: ['acme', 'core'], bob: ['acme'], dave: ['acme/widget-collaborators'] });

  const h = plain(snapshot('{ people: {}, org: { G: { people: ["Frank", "github-org other"] } } }', 'hjson'));
  assert.deepEqual(h.orgs, { g: ['frank', 'zed'] });
  assert.deepEqual(Object.keys(h.people), ['zed']);
  assert.deepEqual(h.personToOrgs, { zed: ['g'] });
});

test('github-org repo-self on a user repository is the enabling user', () => {
  const s = plain(snapshot('{ people: {}, org: { me: { people: ["github-org repo-self"] } } }', 'hjson', USER_REPO));
  assert.deepEqual(s.people, { jdoe: { name: 'J. Doe', email: 'j@x', login: 'jdoe' } });
  assert.deepEqual(s.orgs, { me: ['jdoe'] });
});

test('team listings: groups per team, lazy groups expanded only when referenced, add nobody to people', () => {
  const text = 'github-team repo-self\ngithub-team repo-self other';
  const raw = parseMaintainers(text, 'text', { file: 'MAINTAINERS', repo: ORG_REPO });
  const listed = expandTeamListings(raw, ORG_REPO, MEMBERSHIP);
  assert.deepEqual(Object.fromEntries([...listed.orgs].map(([k, g]) => [k, g.members])), {
    _: ['github-org repo-self'],
    _other: ['github-org other'],
    core: ['github-team core'],
    ops: ['github-team ops'],
    'other-web': ['github-team web other'],
  });
  const all = plain(buildSnapshot(raw, ORG_REPO, MEMBERSHIP));
  assert.deepEqual(all.orgs, { _: ['alice', 'bob'], _other: ['zed'], core: ['alice'], ops: ['carol'], 'other-web': ['yan', 'zed'] });
  // Carol and Yan are only in lazily loaded teams: not people.
  assert.deepEqual(Object.keys(all.people).sort(), ['alice', 'bob', 'zed']);
  const some = plain(buildSnapshot(raw, ORG_REPO, MEMBERSHIP, { groups: new Set(['ops']) }));
  assert.deepEqual(Object.keys(some.orgs).sort(), ['_', '_other', 'ops']);
});

test('look-up planning: everything needed, then only what is missing, in rounds', () => {
  const text = 'github-team repo-self\ngithub-org other\ngithub-collab x/y\nalice';
  const raw = parseMaintainers(text, 'text', { file: 'MAINTAINERS', repo: ORG_REPO });
  assert.deepEqual(requiredLookups(raw, ORG_REPO), [
    { kind: 'org-teams', org: 'acme' },
    { kind: 'org-members', org: 'acme' },
    { kind: 'org-members', org: 'other' },
    { kind: 'collaborators', owner: 'x', name: 'y' },
  ]);
  // Round 2: teams are known, so their members are asked for (only the referenced lazy ones).
  const partial = membershipFromData(data({ teams: { acme: ['core', 'ops'] } }));
  assert.deepEqual(requiredLookups(raw, ORG_REPO, { membership: partial, groups: new Set(['core']) }), [
    { kind: 'org-members', org: 'acme' },
    { kind: 'org-members', org: 'other' },
    { kind: 'collaborators', owner: 'x', name: 'y' },
    { kind: 'team-members', org: 'acme', team: 'core' },
  ]);
  assert.deepEqual(requiredLookups(raw, ORG_REPO, { membership: MEMBERSHIP }), []);
  const user = parseMaintainers('github-org repo-self', 'text', { file: 'M', repo: USER_REPO });
  assert.deepEqual(requiredLookups(user, USER_REPO), [{ kind: 'user', login: 'JDoe' }]);
  const noCaps = parseMaintainers('github-team t\ngithub-org repo-self', 'text', { file: 'M', repo: ORG_REPO });
  assert.deepEqual(requiredLookups(noCaps, ORG_REPO, { capabilities: { Org: { Read: false } } }), []);
});

test('expansion errors are aggregated, wrapped and located', () => {
  const text = [
    'alice',
    'github-org Alice',
    'github-team nope',
    'github-collab a/b/c',
    'github-org missing',
  ].join('\n');
  const e = failure(() => snapshot(text));
  assert.ok(e instanceof PolicyErrors);
  assert.deepEqual(
    e.errors.map((x) => [x.message, x.location.line]),
    [
      ['alice cannot be both a team and a person', 2],
      ['Attempting to expand github-org Alice. No membership data for the members of organization Alice', 2],
      ['Attempting to expand github-team nope. Team nope not found for organization acme.', 3],
      ['Attempting to expand github-collab a/b/c. a/b/c is not a repository slug', 4],
      ['Attempting to expand github-org missing. No membership data for the members of organization missing', 5],
    ],
  );
  assert.equal(e.message.split('\n')[0], '5 error(s) occurred:');
  assert.ok(e.errors.every((x) => x.location.file === 'MAINTAINERS'));
});

test('capabilities and user repositories', () => {
  const noRead = { capabilities: { Org: { Read: false } } };
  assert.equal(
    failure(() => snapshot('github-org repo-self', 'text', ORG_REPO, MEMBERSHIP, noRead)).message,
    'Attempting to expand github-org repo-self. Cannot read GitHub organizations with provided OAuth scopes',
  );
  assert.equal(
    failure(() => snapshot('github-team core', 'text', ORG_REPO, MEMBERSHIP, noRead)).message,
    'Attempting to expand github-team core. Cannot read GitHub teams with provided OAuth scopes',
  );
  assert.equal(
    failure(() => snapshot('{ people: {}, org: { t: { people: ["github-team core"] } } }', 'hjson', USER_REPO)).message,
    'Attempting to expand github-team core. Cannot expand GitHub teams for user repository bob/tool',
  );
  const nobody = membershipFromData({});
  assert.equal(
    failure(() => snapshot('{ people: {}, org: { me: { people: ["github-org repo-self"] } } }', 'hjson', USER_REPO, nobody)).message,
    'Attempting to expand github-org repo-self. Cannot fetch information about repository owner. No membership data for user JDoe',
  );
  const e = failure(() => snapshot('github-team repo-self', 'text', ORG_REPO, nobody));
  assert.equal(e.message, 'No membership data for the teams of organization acme');
  assert.equal(e.location.line, 1);
});

test('listed team names that collide with other groups are duplicates', () => {
  const e = failure(() => snapshot('github-team core\ngithub-team repo-self'));
  assert.equal(e.message, 'Duplicate organization detected core');
  assert.equal(e.location.line, 2);
});

test('case-insensitive person/group keys and hostile names', () => {
  const s = plain(snapshot('{ people: { Foo: {}, __proto__: {} }, org: { Grp: { people: ["FOO", "__proto__"] } } }', 'hjson'));
  assert.deepEqual(Object.keys(s.people).sort(), ['__proto__', 'foo']);
  assert.deepEqual(s.orgs, { grp: ['__proto__', 'foo'] });
  const json = snapshotToJSON(snapshot('{ people: { __proto__: {} }, org: { g: { people: ["__proto__"] } } }', 'hjson'));
  assert.deepEqual(Object.keys(json.People), ['__proto__']);
  assert.deepEqual(json.Org.g, { people: ['__proto__'] });
});

test('referencedGroups collects entities and anonymous members', () => {
  const groups = referencedGroups([parseMatcher('Core[count=1] and (not {Alice, bob} or atleast(1, ops, all))'), parseMatcher('author(x)')]);
  assert.deepEqual([...groups].sort(), ['alice', 'bob', 'core', 'ops', 'x']);
});

test('conformance vectors of kind maintainers-snapshot all pass', async () => {
  const r = await runKind('maintainers-snapshot');
  assert.equal(r.failed, 0, r.report);
  assert.equal(r.skipped, 0, r.report);
  assert.ok(r.passed > 0);
});
