import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, seedBasic, type World } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';
import { validatingOctokit, webhookProblems } from './schemas.js';
import { signAppJwt } from '../../src/local-github/auth/jwt.js';

let w: World;
let rx: Receiver;
const problems: string[] = [];

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  rx = await startReceiver('sec');
  w.lg.admin.createApp('auditor', { webhook_url: rx.url, webhook_secret: 'sec', events: ['push', 'pull_request', 'issue_comment', 'pull_request_review', 'status', 'repository'] });
  w.lg.admin.install('auditor', 'acme', 'all');
});
after(async () => {
  await w.close();
  await rx.close();
});

const R = { owner: 'acme', repo: 'widgets' };
const ignore = () => undefined;

test('core REST responses match GitHub\'s OpenAPI description', async () => {
  const a = w.lg.admin;
  const alice = validatingOctokit(w.apiUrl, a.tokensOf('alice')[0], problems);
  const bob = validatingOctokit(w.apiUrl, a.tokensOf('bob')[0], problems);
  const appRec = a.app('auditor');
  const jwt = validatingOctokit(w.apiUrl, signAppJwt(appRec.id, appRec.private_key, w.clock.now()), problems);
  const inst = [...w.lg.state.installations.values()].find((i) => i.appId === appRec.id)!;

  await alice.users.getAuthenticated();
  await alice.users.getByUsername({ username: 'bob' });
  await alice.orgs.get({ org: 'acme' });
  await alice.orgs.listForAuthenticatedUser();
  await alice.orgs.listForUser({ username: 'bob' });
  await alice.orgs.listMembers({ org: 'acme' });
  await alice.orgs.getMembershipForUser({ org: 'acme', username: 'bob' });
  await alice.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });
  await alice.orgs.listMembershipsForAuthenticatedUser();
  await alice.teams.list({ org: 'acme' });
  await alice.teams.getByName({ org: 'acme', team_slug: 'reviewers' });
  await alice.teams.listMembersInOrg({ org: 'acme', team_slug: 'reviewers' });
  await alice.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'reviewers', username: 'bob' });
  await alice.teams.listReposInOrg({ org: 'acme', team_slug: 'reviewers' });
  await bob.teams.listForAuthenticatedUser();
  await alice.repos.get(R);
  await alice.repos.listForOrg({ org: 'acme' });
  await alice.repos.listForUser({ username: 'alice' });
  await alice.repos.listForAuthenticatedUser();
  await alice.repos.listCollaborators(R);
  await alice.repos.getCollaboratorPermissionLevel({ ...R, username: 'bob' });
  await alice.repos.listTeams(R);
  await alice.repos.listBranches(R);
  await alice.repos.getBranch({ ...R, branch: 'main' });
  await alice.repos.updateBranchProtection({ ...R, branch: 'main', required_status_checks: { strict: true, contexts: ['ci'] }, enforce_admins: false, required_pull_request_reviews: null, restrictions: null });
  await alice.repos.getBranchProtection({ ...R, branch: 'main' });
  await alice.repos.getStatusChecksProtection({ ...R, branch: 'main' });
  await alice.repos.updateStatusCheckProtection({ ...R, branch: 'main', contexts: ['ci', 'approvals/checks-out'] });
  await alice.repos.getAllStatusCheckContexts({ ...R, branch: 'main' });
  await alice.repos.getContent({ ...R, path: 'src/a.txt' });
  await alice.repos.getContent({ ...R, path: 'src' });
  await alice.repos.createOrUpdateFileContents({ ...R, path: 'docs/new.md', message: 'add docs', content: Buffer.from('hi\n').toString('base64') });
  const main = await alice.repos.getCommit({ ...R, ref: 'main' });
  await alice.repos.listCommits(R);
  await alice.git.getCommit({ ...R, commit_sha: main.data.sha });
  await alice.git.getTree({ ...R, tree_sha: main.data.sha, recursive: '1' });
  const blob = await alice.git.createBlob({ ...R, content: 'blob\n' });
  await alice.git.getBlob({ ...R, file_sha: blob.data.sha }).catch(ignore);
  const tree = await alice.git.createTree({ ...R, base_tree: main.data.commit.tree.sha, tree: [{ path: 'x/y.txt', mode: '100644', type: 'blob', content: 'y\n' }] });
  const commit = await alice.git.createCommit({ ...R, message: 'by git api', tree: tree.data.sha, parents: [main.data.sha] });
  await alice.git.createRef({ ...R, ref: 'refs/heads/gitapi', sha: commit.data.sha });
  await alice.git.getRef({ ...R, ref: 'heads/gitapi' });
  await alice.git.listMatchingRefs({ ...R, ref: 'heads/' });
  await alice.git.updateRef({ ...R, ref: 'heads/gitapi', sha: commit.data.sha, force: true });
  const tag = await alice.git.createTag({ ...R, tag: 'v0.1.0', message: 'tag', object: commit.data.sha, type: 'commit' });
  await alice.git.getTag({ ...R, tag_sha: tag.data.sha });
  await alice.git.createRef({ ...R, ref: 'refs/tags/v0.1.0', sha: tag.data.sha });
  await alice.repos.listTags(R);
  await alice.repos.compareCommitsWithBasehead({ ...R, basehead: 'main...gitapi' });

  const pr = await bob.pulls.create({ ...R, title: 'Schema PR', head: 'gitapi', base: 'main', body: 'x' });
  await bob.pulls.get({ ...R, pull_number: pr.data.number });
  await bob.pulls.list(R);
  await bob.pulls.update({ ...R, pull_number: pr.data.number, title: 'Schema PR 2' });
  await bob.pulls.listFiles({ ...R, pull_number: pr.data.number });
  await bob.pulls.listCommits({ ...R, pull_number: pr.data.number });
  await bob.repos.listPullRequestsAssociatedWithCommit({ ...R, commit_sha: commit.data.sha });
  await bob.pulls.requestReviewers({ ...R, pull_number: pr.data.number, reviewers: ['alice'] });
  await bob.pulls.listRequestedReviewers({ ...R, pull_number: pr.data.number });
  await bob.issues.get({ ...R, issue_number: pr.data.number });
  const c = await alice.issues.createComment({ ...R, issue_number: pr.data.number, body: 'I approve' });
  await alice.issues.getComment({ ...R, comment_id: c.data.id });
  await alice.issues.updateComment({ ...R, comment_id: c.data.id, body: 'I approve!' });
  await alice.issues.listComments({ ...R, issue_number: pr.data.number });
  await alice.issues.listCommentsForRepo(R);
  const rv = await alice.pulls.createReview({ ...R, pull_number: pr.data.number, event: 'REQUEST_CHANGES', body: 'no' });
  await alice.pulls.getReview({ ...R, pull_number: pr.data.number, review_id: rv.data.id });
  await alice.pulls.dismissReview({ ...R, pull_number: pr.data.number, review_id: rv.data.id, message: 'ok' });
  const ap = await alice.pulls.createReview({ ...R, pull_number: pr.data.number, event: 'APPROVE' });
  await alice.pulls.updateReview({ ...R, pull_number: pr.data.number, review_id: ap.data.id, body: 'edited approval' });
  await alice.pulls.listReviews({ ...R, pull_number: pr.data.number });
  await alice.repos.createCommitStatus({ ...R, sha: commit.data.sha, state: 'success', context: 'ci' });
  await alice.repos.listCommitStatusesForRef({ ...R, ref: commit.data.sha });
  await alice.repos.getCombinedStatusForRef({ ...R, ref: commit.data.sha });
  const dep = await alice.repos.createDeployment({ ...R, ref: 'main', required_contexts: [] });
  const depId = (dep.data as { id: number }).id;
  await alice.repos.getDeployment({ ...R, deployment_id: depId });
  await alice.repos.listDeployments(R);
  await alice.repos.createDeploymentStatus({ ...R, deployment_id: depId, state: 'success' });
  await alice.repos.listDeploymentStatuses({ ...R, deployment_id: depId });
  await alice.pulls.merge({ ...R, pull_number: pr.data.number, merge_method: 'squash' });
  await alice.pulls.checkIfMerged({ ...R, pull_number: pr.data.number });

  a.push('acme/widgets', { branch: 'upd', files: { 'u.txt': 'u\n' }, author: 'bob', from: 'main' });
  const pr2 = await bob.pulls.create({ ...R, title: 'upd', head: 'upd', base: 'main' });
  a.push('acme/widgets', { branch: 'main', files: { 'm.txt': 'm\n' }, author: 'alice' });
  await alice.pulls.updateBranch({ ...R, pull_number: pr2.data.number });

  const hook = await alice.repos.createWebhook({ ...R, config: { url: rx.url, content_type: 'json' }, events: ['push'] });
  await alice.repos.getWebhook({ ...R, hook_id: hook.data.id });
  await alice.repos.listWebhooks(R);
  await alice.repos.updateWebhook({ ...R, hook_id: hook.data.id, active: true });
  await alice.repos.pingWebhook({ ...R, hook_id: hook.data.id });
  await w.lg.webhooks.idle();
  const deliveries = await alice.repos.listWebhookDeliveries({ ...R, hook_id: hook.data.id });
  if (deliveries.data[0]) await alice.repos.getWebhookDelivery({ ...R, hook_id: hook.data.id, delivery_id: deliveries.data[0].id });
  await alice.repos.deleteWebhook({ ...R, hook_id: hook.data.id });

  await jwt.apps.getAuthenticated();
  await jwt.apps.listInstallations();
  await jwt.apps.getInstallation({ installation_id: inst.id });
  await jwt.apps.getRepoInstallation(R);
  await jwt.apps.getOrgInstallation({ org: 'acme' });
  await jwt.apps.getWebhookConfigForApp();
  await jwt.apps.listWebhookDeliveries();
  const tok = await jwt.apps.createInstallationAccessToken({ installation_id: inst.id });
  const instOcto = validatingOctokit(w.apiUrl, tok.data.token, problems);
  await instOcto.apps.listReposAccessibleToInstallation();
  await alice.apps.getBySlug({ app_slug: 'auditor' });
  await alice.rateLimit.get();

  // Error bodies.
  await alice.repos.get({ owner: 'acme', repo: 'nope' }).catch(ignore);
  await bob.pulls.create({ ...R, title: 'x', head: 'nope', base: 'main' }).catch(ignore);
  await alice.repos.createCommitStatus({ ...R, sha: 'f'.repeat(40), state: 'success' }).catch(ignore);

  assert.deepEqual(problems, []);
});

test('webhook payloads match @octokit/openapi-webhooks', async () => {
  await w.lg.webhooks.idle();
  const found: string[] = [];
  const seen = new Set<string>();
  for (const r of rx.received) {
    const action = typeof r.payload.action === 'string' ? r.payload.action : null;
    if (r.event === 'ping') continue;
    seen.add(`${r.event}${action ? `.${action}` : ''}`);
    found.push(...webhookProblems(r.event, action, r.payload));
  }
  for (const e of ['installation.created', 'push', 'pull_request.opened', 'pull_request.edited', 'pull_request.closed', 'pull_request.synchronize', 'issue_comment.created', 'issue_comment.edited', 'pull_request_review.submitted', 'pull_request_review.dismissed', 'pull_request_review.edited', 'status']) {
    assert.ok(seen.has(e), `no ${e} delivery seen (${[...seen].join(', ')})`);
  }
  assert.deepEqual([...new Set(found)], []);
});

