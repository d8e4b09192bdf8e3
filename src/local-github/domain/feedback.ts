/** Issue comments, reviews and commit statuses: creation and changes, each published on the bus. */
import { nodeId } from '../state/store.js';
import type { Account, CommitStatus, IssueComment, PullRequest, Repo, Review, ReviewState, StatusState } from '../state/types.js';
import type { LocalGitHubContext } from '../context.js';
import { errors } from '../http/errors.js';

export const MAX_BODY = 65536;

function checkBody(body: unknown, resource: string): string {
  if (typeof body !== 'string' || body.length === 0) throw errors.validation([{ resource, field: 'body', code: 'missing_field' }]);
  if (body.length > MAX_BODY) throw errors.validation([{ resource, field: 'body', code: 'custom', message: `body is too long (maximum is ${MAX_BODY} characters)` }]);
  return body;
}

export function createComment(ctx: LocalGitHubContext, repo: Repo, number: number, user: Account, body: unknown, viaAppId: number | null = null): IssueComment {
  const text = checkBody(body, 'IssueComment');
  const id = ctx.state.nextId('comment');
  const now = ctx.state.now();
  const c: IssueComment = { id, node_id: nodeId('IssueComment', id), repoId: repo.id, number, userId: user.id, body: text, viaAppId, created_at: now, updated_at: now };
  ctx.state.addComment(c);
  ctx.bus.emit('issue_comment', { action: 'created', repo, comment: c, sender: user });
  return c;
}

export function editComment(ctx: LocalGitHubContext, repo: Repo, c: IssueComment, sender: Account, body: unknown): void {
  const text = checkBody(body, 'IssueComment');
  const from = c.body;
  c.body = text;
  c.updated_at = ctx.state.now();
  ctx.bus.emit('issue_comment', { action: 'edited', repo, comment: c, sender, changes: { body: { from } } });
}

export function deleteComment(ctx: LocalGitHubContext, repo: Repo, c: IssueComment, sender: Account): void {
  ctx.state.deleteComment(c);
  ctx.bus.emit('issue_comment', { action: 'deleted', repo, comment: c, sender });
}

const EVENTS: Record<string, ReviewState> = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' };

/** Submits a review (`event` APPROVE / REQUEST_CHANGES / COMMENT; absent = a PENDING review). */
export function createReview(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest, user: Account, opts: { event?: unknown; body?: unknown; commit_id?: unknown }): Review {
  let state: ReviewState = 'PENDING';
  if (opts.event !== undefined) {
    if (typeof opts.event !== 'string' || !Object.prototype.hasOwnProperty.call(EVENTS, opts.event)) {
      throw errors.invalidRequest(`${JSON.stringify(opts.event)} is not a member of enum "event".`);
    }
    state = EVENTS[opts.event];
  }
  const body = opts.body === undefined || opts.body === null ? '' : opts.body;
  if (typeof body !== 'string') throw errors.invalidRequest('For \'properties/body\', is not a string.');
  if ((state === 'CHANGES_REQUESTED' || state === 'COMMENTED') && body === '') {
    throw errors.unprocessable(`Unprocessable Entity: "Body is required for ${state === 'COMMENTED' ? 'comment' : 'request changes'} events"`);
  }
  if (user.id === pull.userId && (state === 'APPROVED' || state === 'CHANGES_REQUESTED')) {
    throw errors.unprocessable(`Unprocessable Entity: "Can not ${state === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request"`);
  }
  const commit = typeof opts.commit_id === 'string' ? opts.commit_id : pull.head.sha;
  if (!ctx.git.repoCommit(repo, commit)) throw errors.unprocessable(`No commit found for SHA: ${commit}`);
  const id = ctx.state.nextId('review');
  const r: Review = { id, node_id: nodeId('PullRequestReview', id), repoId: repo.id, number: pull.number, userId: user.id, body, state, commit_id: commit, submitted_at: ctx.state.now() };
  ctx.state.reviews.set(id, r);
  if (state !== 'PENDING') ctx.bus.emit('pull_request_review', { action: 'submitted', repo, review: r, sender: user });
  return r;
}

/** Submits a PENDING review (POST .../reviews/{id}/events). */
export function submitReview(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest, r: Review, sender: Account, opts: { event?: unknown; body?: unknown }): void {
  if (r.state !== 'PENDING') throw errors.unprocessable('Unprocessable Entity: "Can not submit a non-pending review"');
  if (typeof opts.event !== 'string' || !Object.prototype.hasOwnProperty.call(EVENTS, opts.event)) {
    throw errors.invalidRequest(opts.event === undefined ? '"event" wasn\'t supplied.' : `${JSON.stringify(opts.event)} is not a member of enum "event".`);
  }
  const state = EVENTS[opts.event];
  if (typeof opts.body === 'string') r.body = opts.body;
  if (sender.id === pull.userId && (state === 'APPROVED' || state === 'CHANGES_REQUESTED')) {
    throw errors.unprocessable(`Unprocessable Entity: "Can not ${state === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request"`);
  }
  r.state = state;
  r.submitted_at = ctx.state.now();
  ctx.bus.emit('pull_request_review', { action: 'submitted', repo, review: r, sender });
}

/** Changes a review's body (PUT .../reviews/{id}); submitted reviews fire `pull_request_review.edited`. */
export function editReview(ctx: LocalGitHubContext, repo: Repo, r: Review, sender: Account, body: unknown): void {
  if (typeof body !== 'string') throw errors.invalidRequest('"body" wasn\'t supplied.');
  const from = r.body;
  r.body = body;
  if (r.state !== 'PENDING') ctx.bus.emit('pull_request_review', { action: 'edited', repo, review: r, sender, changes: { body: { from } } });
}

export function dismissReview(ctx: LocalGitHubContext, repo: Repo, r: Review, sender: Account, message: unknown): void {
  if (typeof message !== 'string' || message === '') throw errors.validation([{ resource: 'PullRequestReview', field: 'message', code: 'missing_field' }]);
  if (r.state !== 'APPROVED' && r.state !== 'CHANGES_REQUESTED') throw errors.unprocessable('Can not dismiss a commented pull request review');
  r.state = 'DISMISSED';
  ctx.bus.emit('pull_request_review', { action: 'dismissed', repo, review: r, sender });
}

const STATUS_STATES = new Set(['error', 'failure', 'pending', 'success']);

export function createStatus(ctx: LocalGitHubContext, repo: Repo, sha: string, creator: Account, opts: { state?: unknown; target_url?: unknown; description?: unknown; context?: unknown }): CommitStatus {
  if (typeof opts.state !== 'string' || !STATUS_STATES.has(opts.state)) {
    throw opts.state === undefined ? errors.invalidRequest('"state" wasn\'t supplied.')
      : errors.invalidRequest(`${JSON.stringify(opts.state)} is not a member of enum "state".`);
  }
  const commit = ctx.git.resolve(repo, sha);
  if (!commit || !ctx.git.commit(commit)) throw errors.unprocessable(`No commit found for SHA: ${sha}`);
  const optString = (v: unknown, field: string, max: number): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw errors.invalidRequest(`For 'properties/${field}', ${JSON.stringify(v)} is not a string or null.`);
    if (v.length > max) throw errors.validation([{ resource: 'Status', field, code: 'custom', message: `${field} is too long (maximum is ${max} characters)` }]);
    return v;
  };
  const context = opts.context === undefined ? 'default' : optString(opts.context, 'context', 255) ?? 'default';
  let count = 0;
  for (const s of ctx.state.statusesOf(repo.id, commit)) if (s.context === context) count++;
  if (count >= 1000) throw errors.validation([{ resource: 'Status', code: 'custom', message: 'This SHA and context has reached the maximum number of statuses.' }]);
  const id = ctx.state.nextId('status');
  const now = ctx.state.now();
  const s: CommitStatus = {
    id, node_id: nodeId('StatusContext', id), repoId: repo.id, sha: commit, state: opts.state as StatusState,
    target_url: optString(opts.target_url, 'target_url', 2048), description: optString(opts.description, 'description', 140),
    context, creatorId: creator.id, created_at: now, updated_at: now,
  };
  ctx.state.addStatus(s);
  ctx.bus.emit('status', { repo, status: s, sender: creator });
  return s;
}

/** Latest status per context for a commit, newest first. */
export function latestStatuses(ctx: LocalGitHubContext, repo: Repo, sha: string): CommitStatus[] {
  const all = [...ctx.state.statusesOf(repo.id, sha)].sort((a, b) => b.id - a.id);
  const seen = new Set<string>();
  return all.filter((s) => (seen.has(s.context) ? false : (seen.add(s.context), true)));
}

/** GitHub's combined state: failure if any failure/error, pending if any pending or none, else success. */
export function combinedState(statuses: CommitStatus[]): StatusState {
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}
