import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoVersion, formatGoVersion, compareGoVersions, maxGoVersion } from '../../../src/policy/tags/go-version.js';
import {
  nextVersion, rfc3339Dots, semverChoice, lastVersionComment, commitComment, approvalGroups, mergeCommitMessage, canonicalVersion,
} from '../../../src/policy/tags/version.js';
import { compileRegex } from '../../../src/policy/regex.js';
import { PolicyError } from '../../../src/policy/errors.js';

const cmp = (a: string, b: string) => compareGoVersions(parseGoVersion(a)!, parseGoVersion(b)!);

test('go-version parsing and canonical form', () => {
  assert.equal(canonicalVersion('v2.0.0-rc1'), '2.0.0-rc1');
  assert.equal(canonicalVersion('2.1'), '2.1.0');
  assert.equal(canonicalVersion('1'), '1.0.0');
  assert.equal(canonicalVersion('1.2.3.4'), '1.2.3.4');
  assert.equal(canonicalVersion('1.0beta'), '1.0.0-beta');
  assert.equal(canonicalVersion('1.0.0+build.5'), '1.0.0+build.5');
  for (const bad of ['a', '', 'v', '1.', '.1', ' 1.0', '1.0 ', '1..2', '99999999999999999999']) assert.equal(parseGoVersion(bad), null, bad);
});

test('go-version ordering', () => {
  assert.equal(cmp('1.0.0', '1.0.0-beta'), 1);
  assert.equal(cmp('1.0.0-alpha', '1.0.0-beta'), -1);
  assert.equal(cmp('1.0.0-2', '1.0.0-10'), -1);
  assert.equal(cmp('1.0.0-1', '1.0.0-a'), -1);
  assert.equal(cmp('1.0.0-a', '1.0.0-a.1'), -1);
  assert.equal(cmp('1.2', '1.2.0'), 0);
  assert.equal(cmp('1.2.0.1', '1.2'), 1);
  assert.equal(cmp('1.0.0+x', '1.0.0+y'), 0);
  assert.equal(formatGoVersion(maxGoVersion(['a', '0.1.0', '0.0.1'])), '0.1.0');
  assert.equal(formatGoVersion(maxGoVersion([])), '0.0.0');
});

test('semver increments', () => {
  assert.equal(semverChoice(['1.4.0-beta'], [], 'patch').version, '1.4.1');
  assert.equal(semverChoice(['1.2.3.4'], [], 'patch').version, '1.2.4');
  assert.equal(semverChoice(['v1.2.3'], [], 'minor').version, '1.3.0');
  assert.equal(semverChoice(['v1.2.3'], [], 'major').version, '2.0.0');
  assert.equal(semverChoice(['v1.2.3'], [], 'none').version, '1.2.3');
  assert.equal(semverChoice([], [], 'patch').version, '0.0.1');
  assert.equal(semverChoice(['0.0.2'], ['0.1.0', '0.0.1'], 'patch').version, '0.1.0');
  assert.equal(semverChoice(['0.1.0'], ['v0.1.0'], 'patch').version, '0.1.1');
  assert.equal(semverChoice([], ['v2.0.0-rc1', 'junk'], 'patch').version, '2.0.0-rc1');
  assert.equal(semverChoice(['9223372036854775807.0.0'], [], 'major').version, '9223372036854775808.0.0');
});

test('algorithms', () => {
  const now = Date.UTC(2017, 5, 21, 10, 56, 7);
  assert.deepEqual(nextVersion({ algorithm: 'timestamp-millis', increment: 'patch', now, existingTags: [], approvalVersions: [] }).version, String(now));
  assert.equal(nextVersion({ algorithm: 'timestamp-rfc3339', increment: 'patch', now, existingTags: [], approvalVersions: [] }).version, '2017-06-21T10.56.07Z');
  assert.equal(nextVersion({ algorithm: 'timestampish', increment: 'patch', now, existingTags: [], approvalVersions: [] }).version, '2017-06-21T10.56.07Z');
  assert.equal(nextVersion({ algorithm: 'explicit', increment: 'patch', now, existingTags: [], approvalVersions: ['x1', '', 'v9 '] }).version, 'v9 ');
  assert.equal(nextVersion({ algorithm: 'explicit', increment: 'patch', now, existingTags: [], approvalVersions: ['', ''] }).version, null);
  assert.equal(nextVersion({ algorithm: 'bogus', increment: 'patch', now, existingTags: null, approvalVersions: [] }).version, '0.0.1');
  assert.equal(nextVersion({ algorithm: '', increment: 'minor', now, existingTags: ['1.0.0'], approvalVersions: [] }).version, '1.1.0');
  assert.throws(() => rfc3339Dots(Number.NaN), PolicyError);
  assert.throws(() => rfc3339Dots(1e20), PolicyError);
});

test('approval groups, last version, commit comment', () => {
  const p = compileRegex('(?i)^I approve\\s*(version:\\s*(?P<version>\\S+))?\\s*(comment:\\s*(?P<comment>.*\\S))?\\s*');
  const g = approvalGroups(p, ['I approve comment:Hello', 'I approve version:0.1.0', undefined, 'I approve version:0.0.1 comment:Hi there']);
  assert.deepEqual(g.versions, ['', '0.1.0', '', '0.0.1']);
  assert.deepEqual(g.comments, ['Hello', '', '', 'Hi there']);
  assert.equal(lastVersionComment(g.versions), '0.0.1');
  assert.equal(commitComment(g.comments), 'Hi there');
  const noGroups = approvalGroups(compileRegex('(?i)^I approve'), ['I approve version:1.0']);
  assert.deepEqual(noGroups, { versions: [''], comments: [''] });
});

test('merge commit message', () => {
  const people = new Map([['bob', { name: 'Bob B', email: 'b@x', login: 'Bob' }], ['al', { name: 'Al', email: '', login: 'al' }]]);
  assert.equal(
    mergeCommitMessage({ comment: 'Ship it', approvers: ['zed', 'bob', 'al'], people }),
    'Ship it\nMerged by checks-out\nApproved by:\nAl (@al)\nBob B <b@x> (@Bob)\n (@zed)\n',
  );
  assert.equal(mergeCommitMessage({ comment: '', approvers: [], people, brandingShort: 'acme' }), 'Merged by acme\n');
});

test('long and pathological version strings', () => {
  assert.equal(parseGoVersion(`1${'-a'.repeat(500)}!`), null);
  assert.equal(canonicalVersion('1--a'), '1.0.0--a');
  assert.equal(parseGoVersion(`1.${'0.'.repeat(600)}0`), null); // over the length cap
  assert.equal(canonicalVersion(`1${'~'.repeat(10)}`), '1.0.0-~~~~~~~~~~');
});
