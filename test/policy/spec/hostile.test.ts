/** Hostile inputs through evaluatePullRequest: huge lists, odd logins, empty strings, unicode, malformed items. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest, tagVersion, type EvaluateInput } from '../../../src/policy/index.js';
import type { CommitInfo, FeedbackItem } from '../../../src/policy/types.js';
import { cfg, snap, c, r, pr, commit } from './_helpers.js';

const ODD = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'ß', 'İ', 'ǅ', '😀', 'a\u0000b', '\u202e', 'Ω'];
const people = snap(ODD.map((l) => l.toLowerCase()), { ['__proto__']: ['__proto__', 'constructor'], constructor: ['toString'], '': [''] });

function noPollution() {
  const probe = {} as Record<string, unknown>;
  for (const k of ['approved', 'author', 'env', 'polluted', 'people', 'bob', 'constructor-x']) assert.equal(probe[k], undefined, k);
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
}

test('odd logins as approvers, authors and group names: no crash, logins are data', () => {
  for (const match of ['all[count=3]', 'universe[count=3]', '__proto__', 'constructor', 'us', 'them', '{__proto__, toString}[count=2]', 'author(__proto__)']) {
    for (const author of ['__proto__', '', 'İ', 'someone']) {
      const d = evaluatePullRequest({
        config: cfg(`approvals:[{match: ${JSON.stringify(match)}}]`),
        snapshot: people,
        pr: pr(author),
        lists: { approval: ODD.map((l) => c(l, 'I approve')) },
        commits: [commit(author), commit('__proto__')],
      });
      assert.equal(typeof d.approved, 'boolean');
      assert.ok(d.description.length > 0);
      assert.ok(d.approvers.every((a) => typeof a === 'string'));
    }
  }
  const d = evaluatePullRequest({ config: cfg('approvals:[{match: "__proto__[count=2]"}]'), snapshot: people, pr: pr('x'), lists: { approval: [c('__proto__', 'I approve'), c('CONSTRUCTOR', 'I approve')] } });
  assert.deepEqual([d.approved, d.approvers], [true, ['__proto__', 'constructor']]);
  noPollution();
});

test('an empty login is a login: "" approves for an entity that names it', () => {
  const d = evaluatePullRequest({ config: cfg('approvals:[{match: "all[count=1]"}]'), snapshot: snap(['']), pr: pr('x'), lists: { approval: [c('', 'I approve')] } });
  assert.equal(typeof d.approved, 'boolean');
});

test('a huge feedback list (60k items) is evaluated correctly', () => {
  const many: FeedbackItem[] = [];
  for (let i = 0; i < 60_000; i++) many.push(i % 3 === 0 ? r(`u${i % 500}`, 'APPROVED', i) : c(`u${i % 700}`, i % 2 ? 'I approve' : 'nope', i));
  const config = cfg('approvals:[{match: "universe[count=600] and not all"}], commit: {range: "all"}');
  const d = evaluatePullRequest({ config, snapshot: snap(['nobody']), pr: pr('u1'), feedback: many, commits: [commit('u1')] });
  assert.equal(d.approved, true);
  assert.ok(d.approvers.length >= 600);
  const quiet = evaluatePullRequest({ config, snapshot: snap(['nobody']), pr: pr('u1'), feedback: many, commits: [commit('u1')], explain: false });
  assert.deepEqual(quiet.approvers, d.approvers);
});

test('huge bodies and titles (1 MB) with the default pattern, an antipattern and an antititle', () => {
  const big = `${'I approve '.repeat(50_000)}${'a'.repeat(500_000)}`;
  const d = evaluatePullRequest({
    config: cfg('approvals:[{}], antipattern: "(?i)(no|nope)+$", antititle: "(a+)+b"'),
    snapshot: snap(['bob']),
    pr: pr('x', 'a'.repeat(1_000_000)),
    lists: { approval: [c('bob', big)] },
  });
  assert.equal(d.approved, true);
});

test('malformed feedback fields (wrong types) do not crash', () => {
  const junk = [
    { type: 'comment', author: undefined, body: 'I approve' },
    { type: 'comment', author: 42, body: 'I approve' },
    { type: 'comment', author: 'bob', body: null },
    { type: 'comment', author: 'bob', body: { toString: () => 'I approve' } },
    { type: 'review', author: 'carol', state: 7 },
    { type: 'review', author: 'carol', state: null, at: 'yesterday' },
    { type: 'comment', author: 'dan', body: 'I approve', at: NaN, updatedAt: Infinity },
    { type: 'weird', author: 'erin', body: 'I approve' },
    { type: '__proto__', author: '__proto__', body: 'I approve' },
  ] as unknown as FeedbackItem[];
  for (const range of ['head', 'all']) {
    const d = evaluatePullRequest({
      config: cfg(`approvals:[{match: "universe[count=1]"}], commit: {range: "${range}"}`),
      snapshot: snap(['bob']),
      pr: pr('x'),
      feedback: junk,
      commits: [commit('x', { sha: 's', committedAt: 0 })],
      pushTimes: new Map([['s', NaN]]),
    });
    assert.equal(typeof d.approved, 'boolean', range);
  }
  noPollution();
});

test('malformed PR title and commit fields do not crash', () => {
  const badPr = { author: 'x', title: 5, baseBranch: '', compareBranch: '', compareOwner: '' } as unknown as EvaluateInput['pr'];
  const badCommits = [
    { author: undefined, committer: undefined, parents: 'two' },
    { author: 'x', committer: 'GitHub', parents: 2, parentShas: 'nope' },
    { author: 'x', committer: 'GitHub', parents: 2, parentShas: [null, 5], sha: 5 },
  ] as unknown as CommitInfo[];
  const d = evaluatePullRequest({
    config: cfg('approvals:[{}], antititle: "x"'),
    snapshot: snap(['bob']),
    pr: badPr,
    feedback: [c('bob', 'I approve', 5)],
    commits: badCommits,
    baseShas: new Set(['5']),
    closingIssueAuthors: [null, 3, 'ivy'] as unknown as string[],
  });
  assert.equal(typeof d.approved, 'boolean');
});

test(
  'a PR without an author string does not crash (explained evaluation)',
  () => {
    const badPr = { author: undefined, title: 't', baseBranch: '', compareBranch: '', compareOwner: '' } as unknown as EvaluateInput['pr'];
    const d = evaluatePullRequest({ config: cfg('approvals:[{}]'), snapshot: snap(['bob']), pr: badPr, lists: { approval: [c('bob', 'I approve')] } });
    assert.equal(typeof d.approved, 'boolean');
  },
);

test(
  'null entries in the feedback and commit lists do not crash',
  () => {
    const d = evaluatePullRequest({
      config: cfg('approvals:[{}]'),
      snapshot: snap(['bob']),
      pr: pr('x'),
      feedback: [null, c('bob', 'I approve', 5)] as unknown as FeedbackItem[],
      commits: [null, commit('x')] as unknown as CommitInfo[],
    });
    assert.equal(typeof d.approved, 'boolean');
  },
);

test('unicode logins compare by toLowerCase (İ, ß) consistently between feedback and snapshot', () => {
  const s = snap(['i̇', 'ß']);
  const d = evaluatePullRequest({ config: cfg('approvals:[{match: "all[count=2]"}]'), snapshot: s, pr: pr('x'), lists: { approval: [c('İ', 'I approve'), c('ß', 'I approve')] } });
  assert.equal(d.approved, true);
});

test('tagVersion with hostile approvals and tags', () => {
  const res = tagVersion({
    config: cfg('approvals:[{match: "universe"}], tag: {enable: true}'),
    snapshot: snap([]),
    pr: pr('x'),
    files: [],
    approval: [c('__proto__', `I approve version: ${'9'.repeat(400)}`), c('b', 'I approve version: 1.2.3.4.5.6.7.8.9.10')],
    disapproval: [],
    existingTags: ['v', '.', '-', '1..2', `${'1.'.repeat(5000)}1`, '\u0000', '__proto__'],
    now: 0,
  });
  // Segments beyond int64 make a version unparseable (as in go-version); many segments are kept.
  assert.deepEqual([res.version, res.rule], ['1.2.3.4.5.6.7.8.9.10', 'semver-comment']);
});
