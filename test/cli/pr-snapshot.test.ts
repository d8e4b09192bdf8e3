import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrSnapshot, parsePrSnapshotText, PrSnapshotError } from '../../src/cli/pr-snapshot.js';

const PR = { author: 'Alice', title: 't', base_branch: 'main', compare_branch: 'f' };

function issues(data: unknown): string[] {
  try {
    parsePrSnapshot(data);
  } catch (e) {
    assert.ok(e instanceof PrSnapshotError);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected the snapshot to be rejected');
}

test('a minimal snapshot takes the documented defaults', () => {
  const s = parsePrSnapshot({ pull_request: PR });
  assert.deepEqual(s.files, []);
  assert.deepEqual(s.commits, []);
  assert.deepEqual(s.feedback, []);
  assert.deepEqual(s.closingIssueAuthors, []);
  assert.equal(s.auditOk, true);
  assert.equal(s.headPushedAt, undefined);
  assert.equal(s.pullRequest.compareOwner, '');
});

test('times become ms since epoch; comments and reviews become feedback; parents as SHAs or a count', () => {
  const s = parsePrSnapshot({
    pull_request: { ...PR, compare_owner: 'fork' },
    commits: [{ sha: 'a', author: 'Alice', committer: 'GitHub', parents: ['p', 'q'], committed_at: '2024-01-01T00:00:00+01:00' }, { parents: 0 }],
    comments: [{ id: 7, author: 'bob', body: 'x', created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-02T00:00:00.5Z' }],
    reviews: [{ author: 'carol', state: 'approved', submitted_at: '2024-01-03T00:00:00Z' }],
    head_pushed_at: '2024-01-01T00:00:00Z',
  });
  assert.deepEqual(s.commits[0], { sha: 'a', author: 'alice', committer: 'GitHub', parents: 2, parentShas: ['p', 'q'], committedAt: Date.parse('2023-12-31T23:00:00Z') });
  assert.equal(s.commits[1].parents, 0);
  assert.deepEqual(s.feedback.map((f) => [f.type, f.author, f.at, f.updatedAt]), [
    ['comment', 'bob', Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-02T00:00:00.500Z')],
    ['review', 'carol', Date.parse('2024-01-03T00:00:00Z'), undefined],
  ]);
  assert.equal(s.headPushedAt, Date.parse('2024-01-01T00:00:00Z'));
});

test('every problem is listed with its path', () => {
  assert.deepEqual(issues({}), ['pull_request: Invalid input: expected object, received undefined']);
  assert.deepEqual(issues({ pull_request: PR, reviews: [{ author: 'x' }], audit_ok: 'yes' }), [
    'reviews[0].state: Invalid input: expected string, received undefined',
    'audit_ok: Invalid input: expected boolean, received string',
  ]);
  assert.deepEqual(issues({ pull_request: PR, head_pushed_at: '2024-01-01 10:00' }), ['head_pushed_at: Invalid ISO datetime']);
  assert.deepEqual(issues({ pull_request: PR, head_pushed_at: '2024-01-01T10:00:00' }), ['head_pushed_at: Invalid ISO datetime'], 'a time zone is required');
  assert.deepEqual(issues([]), ['(top level): Invalid input: expected object, received array']);
  assert.deepEqual(issues(null), ['(top level): Invalid input: expected object, received null']);
});

test('hostile keys are data or errors, never prototypes', () => {
  const s = parsePrSnapshotText('{"pull_request": {"author":"a","title":"t","base_branch":"b","compare_branch":"c"}, "push_times": {"__proto__": "2024-01-01T00:00:00Z", "constructor": "2024-01-01T00:00:00Z"}}');
  assert.equal(s.pushTimes.get('__proto__'), Date.parse('2024-01-01T00:00:00Z'));
  assert.equal(s.pushTimes.size, 2);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => parsePrSnapshotText('{"__proto__": {"polluted": 1}, "pull_request": {"author":"a","title":"t","base_branch":"b","compare_branch":"c"}}'), PrSnapshotError);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('invalid JSON and absurd nesting are ordinary snapshot errors', () => {
  assert.throws(() => parsePrSnapshotText('{'), (e: unknown) => e instanceof PrSnapshotError && /not valid JSON/.test(e.message));
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.throws(() => parsePrSnapshotText(`{"files": ${deep}}`), PrSnapshotError);
});
