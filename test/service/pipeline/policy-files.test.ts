/** The default-branch policy file cache: TTL, change-log invalidation, answers fetched across a change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyFileCache, filesKey, repoOfFilesKey } from '../../../src/service/pipeline/policy-files.js';

function cache(ttlMs = 60_000, maxEntries?: number) {
  let now = 1_000_000;
  const c = new PolicyFileCache({ ttlMs, now: () => now, ...(maxEntries !== undefined ? { maxEntries } : {}) });
  return { c, advance: (ms: number) => (now += ms), now: () => now };
}

test('an answer is served until the TTL, then read again; a missing file is remembered as null', () => {
  const { c, advance, now } = cache(60_000);
  assert.equal(c.get('acme/widgets', '.checks-out'), undefined);
  c.set('acme/widgets', '.checks-out', '{}', now(), 3);
  c.set('acme/widgets', 'MAINTAINERS', null, now(), 3);
  assert.deepEqual(c.get('Acme/Widgets', '.checks-out'), { text: '{}' });
  assert.deepEqual(c.get('acme/widgets', 'MAINTAINERS'), { text: null });
  advance(59_999);
  assert.deepEqual(c.get('acme/widgets', '.checks-out'), { text: '{}' });
  advance(1);
  assert.equal(c.get('acme/widgets', '.checks-out'), undefined);
  assert.equal(c.get('acme/widgets', 'MAINTAINERS'), undefined);
  assert.equal(c.size, 0);
});

test('a change of one repository forgets its files only', () => {
  const { c, now } = cache();
  c.set('acme/widgets', '.checks-out', 'a', now(), 1);
  c.set('acme/gadgets', '.checks-out', 'b', now(), 1);
  c.changed('ACME/widgets', 2);
  assert.equal(c.get('acme/widgets', '.checks-out'), undefined);
  assert.deepEqual(c.get('acme/gadgets', '.checks-out'), { text: 'b' });
});

test('an answer fetched before a change was caught up with is not served after it, even if stored later', () => {
  const { c, now } = cache();
  // A fetch starts having seen log id 4; meanwhile a push is logged as 5 and another evaluation catches up.
  c.changed('acme/widgets', 5);
  c.set('acme/widgets', '.checks-out', 'old', now(), 4);
  assert.equal(c.get('acme/widgets', '.checks-out'), undefined);
  // A fetch that started after catching up with 5 is current.
  c.set('acme/widgets', '.checks-out', 'new', now(), 5);
  assert.deepEqual(c.get('acme/widgets', '.checks-out'), { text: 'new' });
});

test('clock going backwards, clear, bounds and a zero TTL (off)', () => {
  const { c, advance, now } = cache(60_000, 2);
  c.set('a/x', 'f', '1', now(), 0);
  advance(-1);
  assert.equal(c.get('a/x', 'f'), undefined, 'an answer from the future is not trusted');
  c.set('a/x', 'f', '1', now(), 0);
  c.set('a/y', 'f', '2', now(), 0);
  c.set('a/z', 'f', '3', now(), 0);
  assert.equal(c.size, 2);
  assert.equal(c.get('a/x', 'f'), undefined, 'the oldest entry made room');
  c.clear();
  assert.equal(c.size, 0);

  const off = cache(0).c;
  assert.equal(off.enabled, false);
  off.set('a/x', 'f', '1', 0, 0);
  assert.equal(off.get('a/x', 'f'), undefined);
  assert.throws(() => new PolicyFileCache({ ttlMs: -1 }), /non-negative/);
  assert.throws(() => new PolicyFileCache({ ttlMs: Number.NaN }), /non-negative/);
});

test('change-log keys: files:<repo> round-trips, organisations and installations are not repositories', () => {
  assert.equal(filesKey('Acme/Widgets'), 'files:acme/widgets');
  assert.equal(repoOfFilesKey(filesKey('acme/widgets')), 'acme/widgets');
  assert.equal(repoOfFilesKey('acme'), undefined);
  assert.equal(repoOfFilesKey('installation:5'), undefined);
  assert.equal(repoOfFilesKey('files:'), undefined);
});

test('a read in flight while the cache is cleared is not kept, and one reader\'s answer is not served to another', () => {
  const { c, now } = cache();
  c.set('acme/widgets', '.checks-out', 'old', now(), 4, 'alice');
  // The change log could not say what changed (or this was the first look): everything goes, up to id 5.
  c.clear(5);
  assert.equal(c.get('acme/widgets', '.checks-out', 'alice'), undefined);
  // A read that started before the clear (it had caught up with id 4 only) stores nothing.
  c.set('acme/widgets', '.checks-out', 'old', now(), 4, 'alice');
  assert.equal(c.get('acme/widgets', '.checks-out', 'alice'), undefined);
  c.set('acme/widgets', '.checks-out', 'new', now(), 5, 'alice');
  assert.deepEqual(c.get('acme/widgets', '.checks-out', 'ALICE'), { text: 'new' });
  // Token mode: bob's token may not see what alice's saw (a private org template), so he reads it himself.
  assert.equal(c.get('acme/widgets', '.checks-out', 'bob'), undefined);
  c.set('acme/checks-out-configuration', 'template.checks-out', null, now(), 5, 'bob');
  assert.deepEqual(c.get('acme/checks-out-configuration', 'template.checks-out', 'bob'), { text: null });
  assert.equal(c.get('acme/checks-out-configuration', 'template.checks-out', 'alice'), undefined);
});
