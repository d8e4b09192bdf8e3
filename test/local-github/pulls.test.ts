import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { failure, seedBasic, startWorld, type World } from './helpers.js';

let w: World;
before(async () => {
  w = await startWorld();
  await seedBasic(w);
});
after(() => w.close());

const repo = { owner: 'acme', repo: 'widgets' };

test('open, edit, close and reopen a pull request', async () => {
  w.lg.admin.push('acme/widgets', { branch: 'feat-1', files: { 'new.txt': 'a\nb\n' }, author: 'bob', from: 'main' });
  const bob = w.octo('bob');
  const { data: pr } = await bob.pulls.create({ ...repo, title: 'Add new', head: 'feat-1', base: 'main', body: 'please' });
  assert.equal(pr.state, 'open');
  assert.equal(pr.user.login, 'bob');
  assert.equal(pr.head.ref, 'feat-1');
  assert.equal(pr.base.ref, 'main');
  assert.equal(pr.mergeable, true);
  assert.equal(pr.author_association, 'MEMBER');
  assert.equal(pr.changed_files, 1);
  const edited = await bob.pulls.update({ ...repo, pull_number: pr.number, title: 'Add new file', body: 'updated' });
  assert.equal(edited.data.title, 'Add new file');
  assert.equal(edited.data.body, 'updated');
  assert.equal((await bob.pulls.update({ ...repo, pull_number: pr.number, state: 'closed' })).data.state, 'closed');
  assert.equal((await bob.pulls.update({ ...repo, pull_number: pr.number, state: 'open' })).data.state, 'open');
  const files = await bob.pulls.listFiles({ ...repo, pull_number: pr.number });
  assert.deepEqual(files.data.map((f) => [f.filename, f.status, f.additions, f.deletions]), [['new.txt', 'added', 2, 0]]);
  const commits = await bob.pulls.listCommits({ ...repo, pull_number: pr.number });
  assert.equal(commits.data.length, 1);
  const forCommit = await bob.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: pr.head.sha });
  assert.deepEqual(forCommit.data.map((p) => p.number), [pr.number]);
});

test('pull request validation errors have GitHub 422 shapes', async () => {
  const bob = w.octo('bob');
  const missing = await failure(bob.pulls.create({ ...repo, title: 'x', head: 'no-such-branch', base: 'main' }));
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.response?.data, {
    message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    documentation_url: 'https://docs.github.com/rest', status: '422',
  });
  const same = await failure(bob.pulls.create({ ...repo, title: 'x', head: 'main', base: 'main' }));
  assert.equal(same.status, 422);
  assert.match(JSON.stringify(same.response?.data), /No commits between main and main/);
  const noHead = await failure(bob.request('POST /repos/{owner}/{repo}/pulls', { ...repo, title: 'x', base: 'main' } as never));
  assert.equal((noHead.response?.data as { message: string }).message, 'Invalid request.\n\n"head" wasn\'t supplied.');
});

test('merge methods create commits and move the base ref', async () => {
  const a = w.lg.admin;
  const alice = w.octo('alice');
  for (const method of ['merge', 'squash', 'rebase'] as const) {
    a.push('acme/widgets', { branch: `m-${method}`, files: { [`${method}.txt`]: 'x\n' }, author: 'bob', from: 'main', message: `${method} 1` });
    a.push('acme/widgets', { branch: `m-${method}`, files: { [`${method}2.txt`]: 'y\n' }, author: 'bob', message: `${method} 2` });
    const pr = a.openPull('acme/widgets', { author: 'bob', title: `via ${method}`, head: `m-${method}` });
    const before = a.repo('acme/widgets').refs.get('refs/heads/main')!;
    const res = await alice.pulls.merge({ ...repo, pull_number: pr.number, merge_method: method });
    assert.equal(res.data.merged, true);
    const main = a.repo('acme/widgets').refs.get('refs/heads/main')!;
    assert.equal(main, res.data.sha);
    const c = await alice.git.getCommit({ ...repo, commit_sha: main });
    if (method === 'merge') {
      assert.deepEqual(c.data.parents.map((p) => p.sha), [before, pr.head.sha]);
      assert.equal(c.data.committer.name, 'GitHub');
      assert.match(c.data.message, new RegExp(`^Merge pull request #${pr.number} from acme/m-merge`));
    } else if (method === 'squash') {
      assert.deepEqual(c.data.parents.map((p) => p.sha), [before]);
      assert.match(c.data.message, new RegExp(`^via squash \\(#${pr.number}\\)`));
    } else {
      const parent = await alice.git.getCommit({ ...repo, commit_sha: c.data.parents[0].sha });
      assert.deepEqual(parent.data.parents.map((p) => p.sha), [before]);
      assert.equal(c.data.message, 'rebase 2');
    }
    const got = await alice.pulls.get({ ...repo, pull_number: pr.number });
    assert.equal(got.data.merged, true);
    assert.equal(got.data.state, 'closed');
    assert.equal(got.data.merge_commit_sha, main);
    assert.equal((await failure(alice.pulls.merge({ ...repo, pull_number: pr.number }))).status, 405);
  }
});

test('conflicting pull requests are not mergeable; stale sha gives 409', async () => {
  const a = w.lg.admin;
  a.push('acme/widgets', { branch: 'conflict', files: { 'src/a.txt': 'theirs\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'conflict', head: 'conflict' });
  a.push('acme/widgets', { branch: 'main', files: { 'src/a.txt': 'ours\n' }, author: 'alice' });
  const alice = w.octo('alice');
  const got = await alice.pulls.get({ ...repo, pull_number: pr.number });
  assert.equal(got.data.mergeable, false);
  assert.equal(got.data.mergeable_state, 'dirty');
  assert.equal((await failure(alice.pulls.merge({ ...repo, pull_number: pr.number }))).status, 405);
  a.push('acme/widgets', { branch: 'ok', files: { 'ok.txt': 'ok\n' }, author: 'bob', from: 'main' });
  const pr2 = a.openPull('acme/widgets', { author: 'bob', title: 'ok', head: 'ok' });
  const stale = await failure(alice.pulls.merge({ ...repo, pull_number: pr2.number, sha: '0'.repeat(40) }));
  assert.equal(stale.status, 409);
});

test('update-branch merges the base into the head with a commit by GitHub', async () => {
  const a = w.lg.admin;
  a.push('acme/widgets', { branch: 'behind', files: { 'behind.txt': '1\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'behind', head: 'behind' });
  a.push('acme/widgets', { branch: 'main', files: { 'main-moved.txt': '1\n' }, author: 'alice' });
  const alice = w.octo('alice');
  const res = await alice.pulls.updateBranch({ ...repo, pull_number: pr.number });
  assert.equal(res.status, 202);
  const got = await alice.pulls.get({ ...repo, pull_number: pr.number });
  const c = await alice.git.getCommit({ ...repo, commit_sha: got.data.head.sha });
  assert.equal(c.data.committer.name, 'GitHub');
  assert.equal(c.data.parents.length, 2);
  assert.equal(c.data.message, "Merge branch 'main' into behind");
  const again = await failure(alice.pulls.updateBranch({ ...repo, pull_number: pr.number }));
  assert.equal(again.status, 422);
});

test('issue comments: create, edit, delete, since filters on updated_at', async () => {
  const a = w.lg.admin;
  a.push('acme/widgets', { branch: 'talk', files: { 't.txt': '1\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'talk', head: 'talk' });
  const alice = w.octo('alice');
  const c1 = await alice.issues.createComment({ ...repo, issue_number: pr.number, body: 'first' });
  w.clock.advance(3600_000);
  const c2 = await alice.issues.createComment({ ...repo, issue_number: pr.number, body: 'second' });
  const since = new Date(w.lg.clock.now() - 60_000).toISOString();
  let list = await alice.issues.listComments({ ...repo, issue_number: pr.number, since });
  assert.deepEqual(list.data.map((c) => c.body), ['second']);
  w.clock.advance(60_000);
  await alice.issues.updateComment({ ...repo, comment_id: c1.data.id, body: 'first, edited' });
  list = await alice.issues.listComments({ ...repo, issue_number: pr.number, since: new Date(w.lg.clock.now() - 1000).toISOString() });
  assert.deepEqual(list.data.map((c) => c.body), ['first, edited']);
  await alice.issues.deleteComment({ ...repo, comment_id: c2.data.id });
  list = await alice.issues.listComments({ ...repo, issue_number: pr.number });
  assert.deepEqual(list.data.map((c) => c.body), ['first, edited']);
  // carol (read-only) cannot edit alice's comment
  assert.equal((await failure(w.octo('carol').issues.updateComment({ ...repo, comment_id: c1.data.id, body: 'x' }))).status, 403);
  const empty = await failure(alice.issues.createComment({ ...repo, issue_number: pr.number, body: '' }));
  assert.equal(empty.status, 422);
  assert.equal((await failure(alice.issues.createComment({ ...repo, issue_number: 9999, body: 'x' }))).status, 404);
});

test('reviews: UPPERCASE states in REST, dismiss, no self-approval', async () => {
  const a = w.lg.admin;
  a.push('acme/widgets', { branch: 'rev', files: { 'r.txt': '1\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'rev', head: 'rev' });
  const alice = w.octo('alice');
  const approved = await alice.pulls.createReview({ ...repo, pull_number: pr.number, event: 'APPROVE' });
  assert.equal(approved.data.state, 'APPROVED');
  assert.equal(approved.data.commit_id, pr.head.sha);
  const changes = await alice.pulls.createReview({ ...repo, pull_number: pr.number, event: 'REQUEST_CHANGES', body: 'fix it' });
  assert.equal(changes.data.state, 'CHANGES_REQUESTED');
  const dismissed = await alice.pulls.dismissReview({ ...repo, pull_number: pr.number, review_id: changes.data.id, message: 'ok now' });
  assert.equal(dismissed.data.state, 'DISMISSED');
  const list = await alice.pulls.listReviews({ ...repo, pull_number: pr.number });
  assert.deepEqual(list.data.map((r) => r.state), ['APPROVED', 'DISMISSED']);
  assert.equal((await failure(w.octo('bob').pulls.createReview({ ...repo, pull_number: pr.number, event: 'APPROVE' }))).status, 422);
});

test('commit statuses and the combined status', async () => {
  const alice = w.octo('alice');
  const sha = w.lg.admin.push('acme/widgets', { branch: 'st', files: { 's.txt': '1\n' }, author: 'bob', from: 'main' });
  await alice.repos.createCommitStatus({ ...repo, sha, state: 'pending', context: 'ci' });
  await alice.repos.createCommitStatus({ ...repo, sha, state: 'success', context: 'ci' });
  await alice.repos.createCommitStatus({ ...repo, sha, state: 'success', context: 'approvals/lgtm', description: 'approved' });
  let combined = await alice.repos.getCombinedStatusForRef({ ...repo, ref: 'st' });
  assert.equal(combined.data.state, 'success');
  assert.equal(combined.data.total_count, 2);
  await alice.repos.createCommitStatus({ ...repo, sha, state: 'failure', context: 'ci' });
  combined = await alice.repos.getCombinedStatusForRef({ ...repo, ref: sha });
  assert.equal(combined.data.state, 'failure');
  const all = await alice.repos.listCommitStatusesForRef({ ...repo, ref: sha });
  assert.equal(all.data.length, 4);
  const bad = await failure(alice.repos.createCommitStatus({ ...repo, sha: 'f'.repeat(40), state: 'success' }));
  assert.equal(bad.status, 422);
  assert.equal((bad.response?.data as { message: string }).message, `No commit found for SHA: ${'f'.repeat(40)}`);
  const badState = await failure(alice.request('POST /repos/{owner}/{repo}/statuses/{sha}', { ...repo, sha, state: 'great' } as never));
  assert.equal(badState.status, 422);
  // carol has only read access: GitHub hides the write endpoint behind a 404
  assert.equal((await failure(w.octo('carol').repos.createCommitStatus({ ...repo, sha, state: 'success' }))).status, 404);
});

test('deployments and deployment statuses', async () => {
  const alice = w.octo('alice');
  const d = await alice.repos.createDeployment({ ...repo, ref: 'main', environment: 'staging', auto_merge: false, required_contexts: [] });
  assert.equal(d.status, 201);
  const id = (d.data as { id: number }).id;
  await alice.repos.createDeploymentStatus({ ...repo, deployment_id: id, state: 'success' });
  const statuses = await alice.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
  assert.deepEqual(statuses.data.map((s) => s.state), ['success']);
  const list = await alice.repos.listDeployments({ ...repo, environment: 'staging' });
  assert.deepEqual(list.data.map((x) => x.id), [id]);
});

test('pending reviews: created without event, visible to their author only, submitted, edited, deleted', async () => {
  const a = w.lg.admin;
  a.push('acme/widgets', { branch: 'pending', files: { 'p.txt': '1\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'pending', head: 'pending' });
  const alice = w.octo('alice');
  const draft = await alice.pulls.createReview({ ...repo, pull_number: pr.number, body: 'thinking' });
  assert.equal(draft.data.state, 'PENDING');
  assert.deepEqual((await w.octo('bob').pulls.listReviews({ ...repo, pull_number: pr.number })).data, []);
  const submitted = await alice.pulls.submitReview({ ...repo, pull_number: pr.number, review_id: draft.data.id, event: 'APPROVE' });
  assert.equal(submitted.data.state, 'APPROVED');
  const edited = await alice.pulls.updateReview({ ...repo, pull_number: pr.number, review_id: draft.data.id, body: 'ship it' });
  assert.equal(edited.data.body, 'ship it');
  assert.equal((await failure(alice.pulls.deletePendingReview({ ...repo, pull_number: pr.number, review_id: draft.data.id }))).status, 422);
  const second = await alice.pulls.createReview({ ...repo, pull_number: pr.number });
  await alice.pulls.deletePendingReview({ ...repo, pull_number: pr.number, review_id: second.data.id });
  assert.equal((await failure(w.octo('bob').pulls.updateReview({ ...repo, pull_number: pr.number, review_id: draft.data.id, body: 'x' }))).status, 404);
});
