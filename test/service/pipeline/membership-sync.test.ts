/**
 * The membership change log across "processes" (two connections to one database, each with its own
 * cache): a change recorded by one makes the other forget that organisation's answers (and only those)
 * at its next check. Against the local GitHub over real HTTP; SQLite and PostgreSQL.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createLocalGitHub } from '../../../src/local-github/server.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { GAP_GRACE_MS, announceCacheChanges, installationKey, installationOfKey, syncMembership } from '../../../src/service/pipeline/membership-sync.js';
import { PolicyFileCache, filesKey } from '../../../src/service/pipeline/policy-files.js';
import { octokitPort } from '../../../src/service/pipeline/octokit-port.js';
import { latestMembershipChange, membershipChangesSince, recordMembershipChanges } from '../../../src/service/store/membership-changes.js';
import type { Lookup } from '../../../src/policy/maintainers/index.js';
import { testDatabases } from '../helpers/databases.js';
import { traced } from '../queue/trace.js';

const LOOKUPS: Lookup[] = [
  { kind: 'team-members', org: 'acme', team: 'core' },
  { kind: 'org-members', org: 'acme' },
  { kind: 'collaborators', owner: 'acme', name: 'widgets' },
  { kind: 'team-members', org: 'other', team: 'ops' },
];

async function github() {
  const lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('owner');
  for (const u of ['bob', 'carol', 'olga']) lg.admin.createUser(u);
  lg.admin.createOrg('acme', { admins: ['owner'], members: ['bob', 'carol'] });
  lg.admin.createTeam('acme', 'core', { members: ['bob', 'carol'] });
  lg.admin.createOrg('other', { admins: ['owner'], members: ['olga'] });
  lg.admin.createTeam('other', 'ops', { members: ['olga'] });
  lg.admin.createRepo('acme/widgets', { files: { 'README.md': 'x\n' } });
  const gh = octokitPort(new Octokit({ baseUrl: api_url, auth: token }), { checks: false });
  return { lg, gh };
}

const logins = (v: readonly { login: string }[] | null | undefined) => v?.map((p) => p.login).sort();

for (const kind of testDatabases()) {
  describe(`membership change log (${kind.name})`, { skip: kind.skip }, () => {
    test('a change recorded by one process makes another re-read that organisation only', async () => {
      const db = await kind.create();
      const { lg, gh } = await github();
      try {
        const other = db.openAnother();
        const here = new MembershipCache({ ttlMs: 3_600_000 });
        const there = new MembershipCache({ ttlMs: 3_600_000 });
        for (const c of [here, there]) {
          await syncMembership(db.sdb, c);
          await c.fetch(gh, LOOKUPS);
        }
        lg.admin.removeTeamMember('acme', 'core', 'bob');
        lg.admin.removeTeamMember('other', 'ops', 'olga');
        // Nothing announced: both still trust their answers.
        await syncMembership(other, there);
        assert.deepEqual(logins(there.membership().teamMembers('acme', 'core')), ['bob', 'carol']);

        await announceCacheChanges(db.sdb, ['acme'], Date.now());
        const generation = there.generation();
        await syncMembership(other, there);
        assert.ok(there.generation() > generation, 'cached policies expanded before the change are not reused');
        assert.equal(there.membership().teamMembers('acme', 'core'), undefined, 'acme answers forgotten');
        assert.equal(there.membership().orgMembers('acme'), undefined);
        assert.equal(there.membership().collaborators('acme', 'widgets'), undefined);
        assert.deepEqual(logins(there.membership().teamMembers('other', 'ops')), ['olga'], 'other orgs kept until their own change (or TTL)');
        await there.fetch(gh, LOOKUPS);
        assert.deepEqual(logins(there.membership().teamMembers('acme', 'core')), ['carol']);
        // A second check with nothing new changes nothing.
        const settled = there.generation();
        await syncMembership(other, there);
        assert.equal(there.generation(), settled);
        // The first process catches up too.
        await syncMembership(db.sdb, here);
        assert.equal(here.membership().teamMembers('acme', 'core'), undefined);
        // A revoked installation travels through the same log: returned for the caller to forget its token.
        await announceCacheChanges(db.sdb, [installationKey(42)], Date.now());
        const keys = await syncMembership(other, there);
        assert.deepEqual([...keys].map(installationOfKey), [42]);
        assert.deepEqual(logins(there.membership().teamMembers('other', 'ops')), ['olga'], 'no membership forgotten for it');
        assert.equal(installationOfKey('installation:0'), undefined);
        assert.equal(installationOfKey('installation:99999999999999999999'), undefined);
        assert.equal(installationOfKey('acme'), undefined);

        // So do default-branch pushes: the other process's policy file cache forgets that repository only.
        const files = new PolicyFileCache({ ttlMs: 3_600_000 });
        await syncMembership(other, there, files);
        files.set('acme/widgets', '.checks-out', 'old', Date.now(), there.changesSeen!);
        files.set('acme/gadgets', '.checks-out', 'kept', Date.now(), there.changesSeen!);
        await announceCacheChanges(db.sdb, [filesKey('acme/widgets')], Date.now());
        await syncMembership(other, there, files);
        assert.equal(files.get('acme/widgets', '.checks-out'), undefined);
        assert.deepEqual(files.get('acme/gadgets', '.checks-out'), { text: 'kept' });
        assert.deepEqual(logins(there.membership().teamMembers('other', 'ops')), ['olga'], 'no organisation is named files:…');
      } finally {
        await lg.close();
        await db.cleanup();
      }
    });

    test('several keys are logged in one write: every insert, then one prune; nothing at all for none', async () => {
      const db = await kind.create();
      try {
        const tr = traced(db.sdb);
        await announceCacheChanges(tr.sdb, ['Acme', filesKey('acme/widgets'), installationKey(3)], 5_000);
        const stmts = tr.take();
        assert.deepEqual(stmts.filter((x) => !/^(begin|commit)/.test(x)).map((x) => x.split(' ')[0]), ['insert', 'insert', 'insert', 'delete'], stmts.join('\n'));
        const rows = await db.sdb.db.selectFrom('membership_changes').select(['id', 'org']).orderBy('id').execute();
        assert.deepEqual(rows.map((r) => r.org), ['acme', 'files:acme/widgets', 'installation:3']);
        await announceCacheChanges(tr.sdb, [], 6_000);
        assert.deepEqual(tr.take(), []);
      } finally {
        await db.cleanup();
      }
    });

    test('a change that becomes visible after a higher id was read (PostgreSQL commit order) is still applied, within the grace', async () => {
      const db = await kind.create();
      try {
        const cache = new MembershipCache({ ttlMs: 3_600_000 });
        const files = new PolicyFileCache({ ttlMs: 3_600_000 });
        const t0 = 1_000_000;
        await syncMembership(db.sdb, cache, files, t0);
        // Id 2 commits while id 1 is still in flight.
        const insert = (id: number, org: string) => db.sdb.db.insertInto('membership_changes').values({ id, org, changed_at: t0 }).execute();
        await insert(2, 'acme');
        assert.deepEqual([...(await syncMembership(db.sdb, cache, files, t0))], ['acme']);
        files.set('acme/widgets', '.checks-out', 'old', t0, cache.changesSeen!);
        // Id 1 shows up: the newest id has not moved, yet the change is found and applied.
        await insert(1, 'files:acme/widgets');
        assert.deepEqual([...(await syncMembership(db.sdb, cache, files, t0 + 1000))], ['files:acme/widgets']);
        assert.equal(files.get('acme/widgets', '.checks-out'), undefined);
        assert.deepEqual([...(await syncMembership(db.sdb, cache, files, t0 + 2000))], [], 'applied once');
        // An id that never shows up (a rolled-back insert) is given up after the grace.
        await insert(5, 'other');
        assert.deepEqual([...(await syncMembership(db.sdb, cache, files, t0 + 3000))], ['other']);
        assert.deepEqual([...(await syncMembership(db.sdb, cache, files, t0 + 3000 + GAP_GRACE_MS))], []);
        await insert(3, 'late');
        assert.deepEqual([...(await syncMembership(db.sdb, cache, files, t0 + 4000 + GAP_GRACE_MS))], [], 'past the grace: left to the TTLs');
        assert.equal(cache.changesSeen, 5);
      } finally {
        await db.cleanup();
      }
    });

    test('a cache whose first check finds answers, or that fell behind pruned rows, forgets everything', async () => {
      const db = await kind.create();
      const { lg, gh } = await github();
      try {
        const cache = new MembershipCache({ ttlMs: 3_600_000 });
        await cache.fetch(gh, LOOKUPS);
        await recordMembershipChanges(db.sdb, ['other'], 1_000);
        await syncMembership(db.sdb, cache);
        assert.equal(cache.size, 0, 'answers older than the first check cannot be placed in the log');
        await cache.fetch(gh, LOOKUPS);
        const seen = await latestMembershipChange(db.sdb);
        // Two changes a week apart: recording the second prunes the first, which this cache never saw.
        await recordMembershipChanges(db.sdb, ['acme'], 2_000);
        await recordMembershipChanges(db.sdb, ['nobody'], 2_000 + 8 * 24 * 3600_000);
        assert.equal(await membershipChangesSince(db.sdb, seen), undefined);
        await syncMembership(db.sdb, cache);
        assert.equal(cache.size, 0);
        assert.equal(cache.changesSeen, await latestMembershipChange(db.sdb));
        // The policy file cache following the same log is emptied with it.
        const files = new PolicyFileCache({ ttlMs: 3_600_000 });
        files.set('acme/widgets', '.checks-out', 'x', Date.now(), 0);
        await recordMembershipChanges(db.sdb, ['nobody'], 3_000 + 16 * 24 * 3600_000);
        await recordMembershipChanges(db.sdb, ['nobody'], 3_000 + 24 * 24 * 3600_000);
        await syncMembership(db.sdb, cache, files);
        assert.equal(files.size, 0);
      } finally {
        await lg.close();
        await db.cleanup();
      }
    });
  });
}
