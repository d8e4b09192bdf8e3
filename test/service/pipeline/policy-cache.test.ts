/**
 * The policy cache, driven through the real port against the local GitHub (real HTTP, the service's GitHub
 * client with its ETag cache): an unchanged policy is parsed and expanded once, and a changed file, another
 * repository, a cleared or expired membership cache each load afresh.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { DEMO_CHECKS_OUT, DEMO_MAINTAINERS } from '../../../src/local-github/seed/demo.js';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { countGitHubCalls } from '../../../src/service/github/call-count.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import type { PrGitHub, RepoData } from '../../../src/service/pipeline/github-port.js';
import { loadPolicy, type LoadPolicyOptions } from '../../../src/service/pipeline/load-policy.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { octokitPort } from '../../../src/service/pipeline/octokit-port.js';
import { BoundedCache } from '../../../src/service/pipeline/policy-cache.js';

const REF = { owner: 'acme', repo: 'widgets' };
const REPO: RepoData = { defaultBranch: 'main', isOrg: true, private: false };
const CONTENTS = 'GET /repos/{owner}/{repo}/contents/{path}';
/** The demo's people plus a team, so that the expansion always reads membership from GitHub. */
const MAINTAINERS = `${DEMO_MAINTAINERS}github-team maintainers\n`;

interface Fixture {
  lg: LocalGitHub;
  gh: PrGitHub;
}

async function fixture(files: Record<string, string>): Promise<Fixture> {
  const lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('owner');
  for (const u of ['alice', 'bob', 'carol', 'dave']) lg.admin.createUser(u);
  lg.admin.createOrg('acme', { admins: ['owner'], members: ['alice', 'bob', 'carol', 'dave'] });
  lg.admin.createTeam('acme', 'maintainers', { members: ['alice', 'bob'] });
  lg.admin.createRepo('acme/widgets', { files });
  lg.admin.createRepo('acme/other', { files });
  const Client = createGitHubClientClass({ baseUrl: api_url, cache: new EtagCache(), retries: 0, throttling: false });
  return { lg, gh: octokitPort(new Client({ auth: token }) as unknown as Octokit, { checks: false }) };
}

function options(membership: MembershipCache): LoadPolicyOptions {
  return { env: { brandingName: 'checks-out' }, membership, enablingUser: 'checks-out[bot]' };
}

/** Loads, counting file reads and membership look-ups (every other request loadPolicy makes). */
async function load(gh: PrGitHub, o: LoadPolicyOptions, ref = REF) {
  const { result, calls } = await countGitHubCalls(() => loadPolicy(gh, ref, REPO, o));
  const files = calls.toJSON()[CONTENTS]?.requests ?? 0;
  return { policy: result, files, lookups: calls.total - files };
}

function push(lg: LocalGitHub, repo: string, files: Record<string, string | null>): void {
  lg.admin.push(repo, { branch: 'main', files, author: 'owner' });
}

describe('policy cache', () => {
  test('an unchanged policy is parsed once; a changed file or a moved membership generation loads afresh', async () => {
    const { lg, gh } = await fixture({ '.checks-out': DEMO_CHECKS_OUT, MAINTAINERS });
    try {
      let now = 1_000;
      const membership = new MembershipCache({ ttlMs: 60_000, now: () => now });
      const o = options(membership);
      const first = await load(gh, o);
      assert.equal(first.policy.ok, true, JSON.stringify(first.policy));
      assert.ok(first.lookups > 0, 'the expansion read the team from GitHub');
      const second = await load(gh, o);
      assert.equal(second.policy, first.policy, 'same inputs: the cached result');
      assert.equal(second.lookups, 0, 'no membership look-ups when warm');
      assert.equal(second.files, 2, 'the files are still read (conditional requests) every time');

      // Another repository with the same files gets its own expansion.
      const other = await load(gh, o, { owner: 'acme', repo: 'other' });
      assert.notEqual(other.policy, first.policy);

      push(lg, 'acme/widgets', { MAINTAINERS: 'alice\n' });
      const changed = (await load(gh, o)).policy;
      assert.notEqual(changed, first.policy);
      assert.ok(changed.ok && first.policy.ok);
      assert.notEqual(changed.hash, first.policy.hash);
      assert.notDeepEqual(changed.snapshot, first.policy.snapshot);

      push(lg, 'acme/widgets', { MAINTAINERS });
      const back = (await load(gh, o)).policy;
      membership.clear();
      const afterClear = await load(gh, o);
      assert.notEqual(afterClear.policy, back, 'a cleared membership cache invalidates the snapshot');
      assert.ok(afterClear.lookups > 0, 'and membership is read again');
      const cached = await load(gh, o);
      assert.equal(cached.policy, afterClear.policy);

      // Once the membership answers expire the snapshot is rebuilt from fresh ones.
      now += 120_000;
      const expired = await load(gh, o);
      assert.notEqual(expired.policy, afterClear.policy);
      assert.ok(expired.lookups > 0);
    } finally {
      await lg.close();
    }
  });

  test('a broken config is reported the same from the cache, and fixing it is seen at once', async () => {
    const { lg, gh } = await fixture({ '.checks-out': '{ approvals: [ { match: "nonsense[" } ] }', MAINTAINERS: DEMO_MAINTAINERS });
    try {
      const o = options(new MembershipCache({ ttlMs: 60_000 }));
      const bad = (await load(gh, o)).policy;
      assert.equal(bad.ok, false);
      assert.deepEqual((await load(gh, o)).policy, bad);
      push(lg, 'acme/widgets', { '.checks-out': DEMO_CHECKS_OUT });
      assert.equal((await load(gh, o)).policy.ok, true);
      push(lg, 'acme/widgets', { MAINTAINERS: null });
      const missing = (await load(gh, o)).policy;
      assert.ok(!missing.ok && missing.problems[0]?.absent === true);
    } finally {
      await lg.close();
    }
  });

  test('hostile keys are plain strings and the cache stays within its bound, dropping the least recently used', () => {
    const c = new BoundedCache<number>(2);
    c.set('__proto__', 1);
    c.set('constructor', 2);
    assert.equal(c.get('__proto__'), 1); // now most recently used
    c.set('toString', 3);
    assert.equal(c.size, 2);
    assert.equal(c.get('constructor'), undefined);
    assert.equal(c.get('__proto__'), 1);
    assert.equal(c.get('toString'), 3);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
