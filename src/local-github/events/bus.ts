/**
 * In-process event bus. Core routes and the control API publish what happened (a push, a PR opened...);
 * extensions such as the Checks module subscribe (e.g. to create check suites on push). Handlers run
 * synchronously in registration order, before webhooks for the same event are sent; a throwing handler is
 * reported to `onError` and does not stop the others.
 */
import type { Account, PullRequest, Repo, Review, IssueComment, CommitStatus, Installation } from '../state/types.js';

export interface PushEvent {
  repo: Repo;
  /** Full ref, `refs/heads/main`. */
  ref: string;
  before: string;
  after: string;
  /** New commit shas, oldest first. */
  commits: string[];
  pusher: Account;
  created: boolean;
  deleted: boolean;
  forced: boolean;
}

export interface PullRequestEvent {
  action: 'opened' | 'edited' | 'closed' | 'reopened' | 'synchronize';
  repo: Repo;
  pull: PullRequest;
  sender: Account;
  before?: string;
  after?: string;
  changes?: Record<string, { from: string }>;
}

export interface IssueCommentEvent {
  action: 'created' | 'edited' | 'deleted';
  repo: Repo;
  comment: IssueComment;
  sender: Account;
  changes?: { body: { from: string } };
}

export interface ReviewEvent {
  action: 'submitted' | 'dismissed' | 'edited';
  repo: Repo;
  review: Review;
  sender: Account;
  changes?: { body: { from: string } };
}

export interface StatusEvent {
  repo: Repo;
  status: CommitStatus;
  sender: Account;
}

export interface InstallationEvent {
  action: 'created' | 'deleted' | 'suspend' | 'unsuspend';
  installation: Installation;
  sender: Account;
}

export interface InstallationReposEvent {
  action: 'added' | 'removed';
  installation: Installation;
  added: Repo[];
  removed: Repo[];
  sender: Account;
}

export interface RepositoryEvent {
  action: 'created' | 'deleted' | 'edited' | 'privatized' | 'publicized';
  repo: Repo;
  sender: Account;
}

export interface BusEvents {
  push: PushEvent;
  pull_request: PullRequestEvent;
  issue_comment: IssueCommentEvent;
  pull_request_review: ReviewEvent;
  status: StatusEvent;
  installation: InstallationEvent;
  installation_repositories: InstallationReposEvent;
  repository: RepositoryEvent;
}

export type BusHandler<K extends keyof BusEvents> = (event: BusEvents[K]) => void;

export class EventBus {
  private readonly handlers = new Map<keyof BusEvents, BusHandler<never>[]>();
  private readonly late = new Map<keyof BusEvents, BusHandler<never>[]>();

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Subscribes; `late` handlers (the core's webhook senders) run after all normal ones. */
  on<K extends keyof BusEvents>(name: K, handler: BusHandler<K>, opts: { late?: boolean } = {}): () => void {
    const map = opts.late ? this.late : this.handlers;
    const list = map.get(name) ?? [];
    list.push(handler as BusHandler<never>);
    map.set(name, list);
    return () => {
      const i = list.indexOf(handler as BusHandler<never>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof BusEvents>(name: K, event: BusEvents[K]): void {
    for (const h of [...(this.handlers.get(name) ?? []), ...(this.late.get(name) ?? [])]) {
      try {
        (h as BusHandler<K>)(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /** Shorthand helpers named after the brief's contract. */
  onPush(handler: BusHandler<'push'>): () => void {
    return this.on('push', handler);
  }

  onPullRequest(handler: BusHandler<'pull_request'>): () => void {
    return this.on('pull_request', handler);
  }
}
