/** Spec §9 (tag version selection, injected clock) and §8 step 5 (merge commit message). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextVersion, tagVersion, mergeMessageFor, mergeCommitMessage, PolicyError, type TagInput } from '../../../src/policy/index.js';
import type { FeedbackItem, Person } from '../../../src/policy/types.js';
import { cfg, snap, c, r, pr } from './_helpers.js';

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const v = (algorithm: string, extra: Partial<Parameters<typeof nextVersion>[0]> = {}) =>
  nextVersion({ algorithm, increment: 'patch', now: NOW, existingTags: [], approvalVersions: [], ...extra }).version;

test('§9 timestamp-rfc3339 and any other timestamp* value: UTC, colons → dots, no fraction', () => {
  assert.equal(v('timestamp-rfc3339'), '2024-01-02T03.04.05Z');
  assert.equal(v('timestamp-anything'), '2024-01-02T03.04.05Z');
  assert.equal(v('timestamp'), '2024-01-02T03.04.05Z');
  assert.equal(v('timestamp-rfc3339', { now: 0 }), '1970-01-01T00.00.00Z');
});

test('§9/§19.5 timestamp-millis is real Unix milliseconds', () => {
  assert.equal(v('timestamp-millis'), '1704164645678');
  assert.equal(v('timestamp-millis', { now: 0 }), '0');
});

test('§9 a broken clock is a PolicyError, not a crash', () => {
  for (const now of [NaN, Infinity, 8.64e15 + 1]) {
    assert.throws(() => v('timestamp-rfc3339', { now }), PolicyError, String(now));
  }
  assert.throws(() => v('timestamp-millis', { now: NaN }), PolicyError);
});

test('§9 explicit: the last non-empty version, verbatim; none → no tag', () => {
  assert.equal(v('explicit', { approvalVersions: ['1.0', '', 'v2.0-RC1', ''] }), 'v2.0-RC1');
  assert.equal(v('explicit', { approvalVersions: ['', ''] }), null);
  assert.equal(v('explicit'), null);
});

test('§9 semver: increments of the greatest parseable tag; pre-release and extra segments dropped', () => {
  const tags = ['v1.2.3', 'junk', '1.4.0-beta', 'release-9', ''];
  assert.equal(v('semver', { existingTags: tags }), '1.4.1');
  assert.equal(v('semver', { existingTags: tags, increment: 'minor' }), '1.5.0');
  assert.equal(v('semver', { existingTags: tags, increment: 'major' }), '2.0.0');
  assert.equal(v('semver', { existingTags: tags, increment: 'none' }), '1.4.0');
  assert.equal(v('semver', { existingTags: ['1.2.3.4'] }), '1.2.4');
  assert.equal(v('semver', { existingTags: ['v3'] }), '3.0.1');
});

test('§9 semver: no tags, or listing failed → from 0.0.0', () => {
  assert.equal(v('semver', { existingTags: [] }), '0.0.1');
  assert.equal(v('semver', { existingTags: null }), '0.0.1');
});

test('§9 semver: a greater approval version wins, canonicalised', () => {
  assert.equal(v('semver', { existingTags: ['1.0.0'], approvalVersions: ['v2.0.0-rc1'] }), '2.0.0-rc1');
  assert.equal(v('semver', { existingTags: ['1.0.0'], approvalVersions: ['2.1'] }), '2.1.0');
  assert.equal(v('semver', { existingTags: ['1.0.0'], approvalVersions: ['1.5', 'nonsense', '1.7', '1.6'] }), '1.7.0');
});

test('§9 semver: an approval version not greater than the tag max → increment', () => {
  assert.equal(v('semver', { existingTags: ['1.0.0'], approvalVersions: ['1.0.0'] }), '1.0.1');
  assert.equal(v('semver', { existingTags: ['1.0.0'], approvalVersions: ['1.0.0-rc1'] }), '1.0.1');
  assert.equal(v('semver', { existingTags: ['2.0.0'], approvalVersions: ['1.9.9'] }), '2.0.1');
});

test('§9 semver: pre-release ordering (1.0.0-rc1 < 1.0.0; numbers beyond 2^53 kept exact)', () => {
  assert.equal(v('semver', { existingTags: ['1.0.0-rc1'], approvalVersions: ['1.0.0'] }), '1.0.0');
  assert.equal(v('semver', { existingTags: ['1.0.9007199254740993'] }), '1.0.9007199254740994');
});

test('§9 an unknown algorithm acts as semver', () => {
  assert.equal(v('fancy', { existingTags: ['1.2.3'] }), '1.2.4');
  assert.equal(v('', { existingTags: ['1.2.3'] }), '1.2.4');
});

// ---- through tagVersion: the selected policy, counted approvals, template ------------------------

const people = snap(['alice', 'bob', 'carol'], {}, {
  bob: { name: 'Bob Builder', email: 'bob@example.com', login: 'Bob' },
  carol: { name: 'Carol', email: '', login: 'carol' },
});
const tag = (config: string, approval: FeedbackItem[], extra: Partial<TagInput> = {}) =>
  tagVersion({ config: cfg(config), snapshot: people, pr: pr('alice'), files: [], approval, disapproval: approval, existingTags: ['1.0.0'], now: NOW, ...extra });

test('§9 semver through the policy: only counted approvals supply versions', () => {
  const res = tag('approvals:[{}], tag: {enable: true, template: "v{{.Version}}"}', [
    c('mallory', 'I approve version: 9.0.0'),
    c('bob', 'I approve version: 2.0.0'),
    c('carol', 'I object version: 8.0.0'),
  ]);
  assert.deepEqual([res.version, res.tagName], ['2.0.0', 'v2.0.0']);
});

test('§9 a policy tag section replaces the top-level one', () => {
  const res = tag('approvals:[{tag: {enable: true, increment: "minor"}}], tag: {enable: true, increment: "major", template: "x{{.Version}}"}', [c('bob', 'I approve')]);
  assert.deepEqual([res.version, res.tagName], ['1.1.0', '1.1.0']);
});

test('§9 explicit through the policy: last counted version; template applied', () => {
  const res = tag('approvals:[{match: "all[count=2]"}], tag: {enable: true, algorithm: "explicit", template: "rel-{{.Version}}"}', [
    c('bob', 'I approve version: 1.2'),
    c('carol', 'I approve version: 1.3-beta'),
  ]);
  assert.deepEqual([res.version, res.tagName], ['1.3-beta', 'rel-1.3-beta']);
  const none = tag('approvals:[{}], tag: {enable: true, algorithm: "explicit"}', [c('bob', 'I approve')]);
  assert.deepEqual([none.version, none.tagName], [null, null]);
});

test('§9/§2.5 an explicit version that makes an illegal ref name is a PolicyError', () => {
  for (const bad of ['1:0', '1]0', 'a~b', '1^2', 'x?', 'y*', 'a\\b']) {
    assert.throws(() => tag('approvals:[{}], tag: {enable: true, algorithm: "explicit"}', [c('bob', `I approve version: ${bad}`)]), PolicyError, bad);
  }
  // `[` is allowed (the original rejects `]`, not `[`).
  assert.equal(tag('approvals:[{}], tag: {enable: true, algorithm: "explicit"}', [c('bob', 'I approve version: 1[0')]).tagName, '1[0');
});

test('§9 docker validation applies to the rendered explicit version', () => {
  assert.throws(() => tag('approvals:[{}], tag: {enable: true, algorithm: "explicit", docker: true}', [c('bob', 'I approve version: 1+build')]), PolicyError);
});

test('§9 a blocked policy counts no approvals (match is not evaluated)', () => {
  const res = tag('approvals:[{}]', [c('bob', 'I approve version: 5.0.0'), r('carol', 'CHANGES_REQUESTED')]);
  assert.equal(res.version, '1.0.1');
});

// ---- §8 step 5: merge commit message ---------------------------------------------------------------

test('§8 merge message: last non-empty comment, branding, approver lines sorted by login', () => {
  const res = tag('approvals:[{match: "all[count=1]"}]', [
    c('carol', 'I approve comment: first'),
    c('bob', 'I approve comment: ship it'),
    c('alice', 'I approve'),
  ]);
  assert.equal(res.commitComment, 'ship it');
  const msg = mergeMessageFor(res, people);
  assert.ok(msg.startsWith('ship it\nMerged by checks-out\nApproved by:\n'), msg);
  assert.equal(mergeMessageFor(res, people, 'acme').split('\n')[1], 'Merged by acme');
});

test('§8 merge message without comment nor approvers', () => {
  assert.equal(mergeCommitMessage({ comment: '', approvers: [], people: new Map() }), 'Merged by checks-out\n');
});

test('§8 approver lines: Name <email> (@login), missing parts omitted, non-maintainers " (@login)"', () => {
  const map = new Map<string, Person>([['carol', { name: 'Carol', email: '', login: 'carol' }], ['dan', { name: 'Dan', email: 'd@x', login: 'dan' }]]);
  assert.equal(
    mergeCommitMessage({ comment: 'c', approvers: ['mallory', 'dan', 'carol'], people: map }),
    'c\nMerged by checks-out\nApproved by:\nCarol (@carol)\nDan <d@x> (@dan)\n (@mallory)\n',
  );
});

test(
  '§8 the approver line takes the login from the maintainer record (original case)',
  () => {
    const map = new Map<string, Person>([['bob', { name: 'Bob Builder', email: 'bob@example.com', login: 'Bob' }]]);
    assert.equal(
      mergeCommitMessage({ comment: '', approvers: ['bob'], people: map }),
      'Merged by checks-out\nApproved by:\nBob Builder <bob@example.com> (@Bob)\n',
    );
  },
);
