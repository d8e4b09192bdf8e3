/**
 * The membership cache's two lifetimes (spec §16.2), against the local GitHub through the real port with an
 * injected clock: org/team/collaborator answers live for CACHE_TTL, a person's record (user look-up) for
 * LONG_CACHE_TTL; and the wiring gives the service's cache both values from the configuration.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { countGitHubCalls } from '../../../src/service/github/call-count.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import type { PrGitHub } from '../../../src/service/pipeline/github-port.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { octokitPort } from '../../../src/service/pipeline/octokit-port.js';
import { membershipCacheFor } from '../../../src/service/pipeline/service-handler.js';
import type { Lookup } from '../../../src/policy/maintainers/index.js';

const SHORT = 15 * 60_000;
const LONG = 24 * 3_600_000;
const USER: Lookup = { kind: 'user', login: 'alice' };
const ORG: Lookup = { kind: 'org-members', org: 'acme' };
const TEAM: Lookup = { kind: 'team-members', org: 'acme', team: 'core' };

let lg: LocalGitHub;
let gh: PrGitHub;

before(async () => {
  lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('owner');
  lg.admin.createUser('alice', { name: 'Alice A', email: 'alice@example.com' });
  lg.admin.createUser('bob');
  lg.admin.createOrg('acme', { admins: ['owner'], members: ['alice', 'bob'] });
  lg.admin.createTeam('acme', 'core', { members: ['bob'] });
  const Client = createGitHubClientClass({ baseUrl: api_url, cache: new EtagCache(), retries: 0, throttling: false });
  gh = octokitPort(new Client({ auth: token }) as unknown as Octokit, { checks: false });
});

after(async () => {
  await lg.close();
});

/** A clock the test moves. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** How many GitHub requests fetching `lookups` made. */
async function fetched(cache: MembershipCache, lookups: Lookup[]): Promise<number> {
  const { calls } = await countGitHubCalls(() => cache.fetch(gh, lookups));
  return calls.total;
}

describe('membership cache lifetimes', () => {
  test('a person answer outlives the short TTL and is re-read after the long one; memberships expire at the short one', async () => {
    const c = clock();
    const cache = new MembershipCache({ ttlMs: SHORT, longTtlMs: LONG, now: c.now });
    assert.equal(await fetched(cache, [USER, ORG]), 2);
    assert.equal(cache.membership().user('alice')?.name, 'Alice A');
    assert.equal(await fetched(cache, [USER, ORG]), 0);

    c.advance(SHORT);
    assert.equal(cache.membership().orgMembers('acme'), undefined, 'membership expired at CACHE_TTL');
    assert.equal(cache.membership().user('alice')?.login, 'alice', 'the person is still known');
    assert.equal(await fetched(cache, [USER, ORG]), 1, 'only the membership is read again');

    c.advance(LONG - SHORT - 1);
    assert.equal(await fetched(cache, [USER]), 0, 'one millisecond before LONG_CACHE_TTL');
    c.advance(1);
    assert.equal(cache.membership().user('alice'), undefined);
    assert.equal(await fetched(cache, [USER]), 1, 're-read at LONG_CACHE_TTL');
  });

  test('expiry of either kind moves the generation (cached snapshots built on it are stale)', async () => {
    const c = clock();
    const cache = new MembershipCache({ ttlMs: SHORT, longTtlMs: LONG, now: c.now });
    await cache.fetch(gh, [USER, ORG, TEAM]);
    const g0 = cache.generation();
    assert.equal(cache.size, 3);
    c.advance(SHORT);
    const g1 = cache.generation();
    assert.ok(g1 > g0);
    assert.equal(cache.size, 1, 'only the person is left');
    assert.equal(cache.generation(), g1, 'nothing else expired');
    c.advance(LONG);
    assert.ok(cache.generation() > g1);
    assert.equal(cache.size, 0);
  });

  test('a person fetched after memberships still expires in order (separate lifetimes do not block each other)', async () => {
    const c = clock();
    const cache = new MembershipCache({ ttlMs: SHORT, longTtlMs: LONG, now: c.now });
    await cache.fetch(gh, [USER]);
    c.advance(1000);
    await cache.fetch(gh, [ORG]);
    // The membership, inserted after a longer-lived answer, must still be dropped at its own TTL.
    c.advance(SHORT);
    cache.generation();
    assert.equal(cache.size, 1);
    assert.equal(cache.membership().orgMembers('acme'), undefined);
    assert.ok(cache.membership().user('alice'));
  });

  test('forgetting an organisation keeps people; clear drops both', async () => {
    const cache = new MembershipCache({ ttlMs: SHORT, longTtlMs: LONG });
    await cache.fetch(gh, [USER, ORG, TEAM]);
    cache.forgetOrg('ACME');
    assert.equal(cache.size, 1);
    assert.ok(cache.membership().user('alice'));
    await cache.fetch(gh, [ORG]);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  test('without longTtlMs, people live as long as memberships', async () => {
    const c = clock();
    const cache = new MembershipCache({ ttlMs: SHORT, now: c.now });
    await cache.fetch(gh, [USER, ORG]);
    c.advance(SHORT);
    assert.equal(await fetched(cache, [USER, ORG]), 2);
  });

  test('maxEntries bounds both lifetimes together, dropping the oldest', async () => {
    const cache = new MembershipCache({ ttlMs: SHORT, longTtlMs: LONG, maxEntries: 2 });
    await cache.fetch(gh, [USER]);
    await cache.fetch(gh, [{ kind: 'user', login: 'bob' }]);
    await cache.fetch(gh, [ORG]);
    assert.equal(cache.size, 2);
    // Only people were cached, so one of them made room for the membership.
    assert.ok(cache.membership().orgMembers('acme'));
    await cache.fetch(gh, [{ kind: 'user', login: 'owner' }, TEAM]);
    assert.equal(cache.size, 2);
  });

  test('bad TTLs are refused', () => {
    assert.throws(() => new MembershipCache({ ttlMs: -1 }), RangeError);
    assert.throws(() => new MembershipCache({ ttlMs: 1, longTtlMs: Number.NaN }), RangeError);
    assert.throws(() => new MembershipCache({ ttlMs: Number.POSITIVE_INFINITY }), RangeError);
  });

  test('the service wiring takes CACHE_TTL for memberships and LONG_CACHE_TTL for people', async () => {
    const c = clock();
    const cache = membershipCacheFor({ ttlMs: SHORT, longTtlMs: LONG, policyTtlMs: 60_000 }, c.now);
    await cache.fetch(gh, [USER, ORG]);
    c.advance(SHORT);
    assert.equal(await fetched(cache, [USER, ORG]), 1);
    c.advance(LONG);
    assert.equal(await fetched(cache, [USER, ORG]), 2);
  });
});
