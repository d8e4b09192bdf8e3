import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_CHECKS_OUT, DEMO_MAINTAINERS } from '../../../src/local-github/seed/demo.js';
import type { PrGitHub, RepoData } from '../../../src/service/pipeline/github-port.js';
import { loadPolicy, type LoadPolicyOptions } from '../../../src/service/pipeline/load-policy.js';
import { MembershipCache } from '../../../src/service/pipeline/membership-cache.js';
import { BoundedCache } from '../../../src/service/pipeline/policy-cache.js';

const REF = { owner: 'acme', repo: 'widgets' };
const REPO = { isOrg: true } as RepoData;

/** A port serving files from a map and counting membership look-ups; nothing else is reached by loadPolicy. */
function filesPort(files: Map<string, string>) {
  const calls = { files: 0, lookups: 0 };
  const person = (login: string) => ({ login });
  const gh = {
    file: async (_ref: unknown, path: string) => {
      calls.files++;
      return files.get(path) ?? null;
    },
    orgMembers: async () => (calls.lookups++, ['alice', 'bob', 'carol', 'dave'].map(person)),
    orgTeams: async () => (calls.lookups++, []),
    teamMembers: async () => (calls.lookups++, null),
    collaborators: async () => (calls.lookups++, []),
    user: async (login: string) => (calls.lookups++, person(login)),
  } as unknown as PrGitHub;
  return { gh, calls };
}

function options(membership: MembershipCache): LoadPolicyOptions {
  return { env: { brandingName: 'checks-out' }, membership, enablingUser: 'checks-out[bot]' };
}

describe('policy cache', () => {
  test('an unchanged policy is parsed once; a changed file or a moved membership generation loads afresh', async () => {
    const files = new Map([['.checks-out', DEMO_CHECKS_OUT], ['MAINTAINERS', DEMO_MAINTAINERS]]);
    const { gh, calls } = filesPort(files);
    let now = 1_000;
    const membership = new MembershipCache({ ttlMs: 60_000, now: () => now });
    const o = options(membership);
    const first = await loadPolicy(gh, REF, REPO, o);
    assert.equal(first.ok, true, JSON.stringify(first));
    const lookups = calls.lookups;
    const second = await loadPolicy(gh, REF, REPO, o);
    assert.equal(second, first, 'same inputs: the cached result');
    assert.equal(calls.lookups, lookups, 'no membership look-ups when warm');
    assert.equal(calls.files, 4, 'the files are still read (conditional requests) every time');

    // Another repository with the same files gets its own expansion.
    const other = await loadPolicy(gh, { owner: 'acme', repo: 'other' }, REPO, o);
    assert.notEqual(other, first);

    files.set('MAINTAINERS', 'alice\n');
    const changed = await loadPolicy(gh, REF, REPO, o);
    assert.notEqual(changed, first);
    assert.ok(changed.ok && first.ok);
    assert.notEqual(changed.hash, first.hash);
    assert.notDeepEqual(changed.snapshot, first.snapshot);

    membership.clear();
    const afterClear = await loadPolicy(gh, REF, REPO, o);
    assert.notEqual(afterClear, changed, 'a cleared membership cache invalidates the snapshot');
    const cached = await loadPolicy(gh, REF, REPO, o);
    assert.equal(cached, afterClear);

    if (calls.lookups > lookups) {
      // The expansion read membership answers: once they expire the snapshot is rebuilt from fresh ones.
      now += 120_000;
      const expired = await loadPolicy(gh, REF, REPO, o);
      assert.notEqual(expired, afterClear);
    }
  });

  test('a broken config is reported the same from the cache, and fixing it is seen at once', async () => {
    const files = new Map([['.checks-out', '{ approvals: [ { match: "nonsense[" } ] }'], ['MAINTAINERS', DEMO_MAINTAINERS]]);
    const { gh } = filesPort(files);
    const o = options(new MembershipCache({ ttlMs: 60_000 }));
    const bad = await loadPolicy(gh, REF, REPO, o);
    assert.equal(bad.ok, false);
    assert.deepEqual(await loadPolicy(gh, REF, REPO, o), bad);
    files.set('.checks-out', DEMO_CHECKS_OUT);
    assert.equal((await loadPolicy(gh, REF, REPO, o)).ok, true);
    files.delete('MAINTAINERS');
    const missing = await loadPolicy(gh, REF, REPO, o);
    assert.ok(!missing.ok && missing.problems[0]?.absent === true);
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
