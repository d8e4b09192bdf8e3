/**
 * What the service last knew of each open PR (head SHA, refs, head owner, author, created_at), so that a
 * warm comment evaluation need not re-read the PR: a comment changes the PR's `updated_at`, so even the
 * ETag revalidation of `GET /pulls/{n}` costs a rate-limited request. And the check run opened for each head
 * SHA, so later evaluations of that head update it instead of opening another one `in_progress`.
 *
 * Both are per process and bounded; losing them (restart, eviction) only costs the calls they save.
 * Freshness: every `pull_request` (and `pull_request_review`) payload and every PR fetch refreshes the record; `synchronize` and
 * `edited` drop it (the next evaluation fetches). An `issue_comment` payload's `issue` carries the current
 * title, body, author and state. A push whose `synchronize` has not arrived yet is caught by the caller,
 * which compares the cached head with the PR's commit list (read anyway) and re-fetches on a mismatch.
 */
import { OBJECT_ID, obj, str, type Obj } from '../payload.js';
import type { PullData } from './github-port.js';

function time(v: unknown): number | undefined {
  const ms = typeof v === 'string' && v.length <= 40 ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}


/** A webhook `pull_request` object (the REST shape) as PullData; undefined when anything needed is missing. */
export function pullFromPayload(v: unknown): PullData | undefined {
  const p = obj(v);
  const head = obj(p?.head);
  const base = obj(p?.base);
  const number = p?.number;
  const headSha = str(head?.sha);
  const createdAt = time(p?.created_at);
  const author = str(obj(p?.user)?.login);
  const headRef = str(head?.ref);
  const baseRef = str(base?.ref);
  const title = str(p?.title);
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return undefined;
  if (!headSha || !OBJECT_ID.test(headSha) || createdAt === undefined || author === undefined || !headRef || !baseRef || title === undefined) return undefined;
  const mergeable = p?.mergeable;
  return {
    number,
    state: str(p?.state) === 'closed' ? 'closed' : 'open',
    merged: p?.merged === true,
    draft: p?.draft === true,
    title,
    body: str(p?.body) ?? '',
    author,
    headSha,
    headRef,
    headOwner: str(obj(obj(head?.repo)?.owner)?.login) ?? '',
    baseRef,
    baseSha: str(base?.sha) ?? '',
    createdAt,
    mergeable: typeof mergeable === 'boolean' ? mergeable : null,
  };
}

/** Map with least-recently-used eviction. */
class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string);
  }
  delete(k: string): void {
    this.m.delete(k);
  }
  get size(): number {
    return this.m.size;
  }
}

/** A delivery with its payload already parsed (the job seam parses each payload once). */
export interface DeliveryView {
  event: string;
  payload: Obj;
}

/**
 * A check run this process completed for a head, and the decision it reported (`decisionToken`): the run
 * is reused only while that decision is still the PR's latest, so a run another instance posted since is
 * never left showing (GitHub displays the newest run of a name) while an older one gets the update.
 */
export interface CheckRunMemo {
  id: number;
  decision: string;
}

export function decisionToken(d: { decidedAt: number; deliveries: readonly string[] }): string {
  return `${d.decidedAt}:${d.deliveries.join(',')}`;
}

/** Events whose payloads the cache can stand on: anything else (statuses, re-run requests) fetches the PR. */
const TRUSTED = new Set(['issue_comment', 'pull_request', 'pull_request_review']);
const INVALIDATING = new Set(['synchronize', 'edited']);

export class PullCache {
  private readonly pulls: Lru<PullData>;
  private readonly runs: Lru<CheckRunMemo>;
  private readonly fileLists: Lru<readonly string[]>;

  constructor(max = 10_000) {
    this.pulls = new Lru(max);
    this.runs = new Lru(max);
    this.fileLists = new Lru(max);
  }

  private static key(repo: string, n: number | string): string {
    return `${repo.toLowerCase()}#${n}`;
  }

  /** Remembers a fetched PR. */
  remember(repo: string, pull: PullData): void {
    this.pulls.set(PullCache.key(repo, pull.number), { ...pull });
  }

  /** The cached record of PR `n`, without applying anything. */
  known(repo: string, n: number): PullData | undefined {
    const pull = this.pulls.get(PullCache.key(repo, n));
    return pull ? { ...pull } : undefined;
  }

  forget(repo: string, n: number): void {
    this.pulls.delete(PullCache.key(repo, n));
  }

  /**
   * Applies a job's deliveries about PR `n` (oldest first) and answers the PR as they leave it, or
   * undefined when it must be fetched (not known, invalidated, or a delivery the cache cannot stand on).
   */
  apply(repo: string, n: number, deliveries: readonly DeliveryView[]): PullData | undefined {
    let trusted = deliveries.length > 0;
    for (const d of deliveries) {
      const p = obj(d.payload);
      if (!TRUSTED.has(d.event) || !p) {
        trusted = false;
        continue;
      }
      if (d.event === 'pull_request' || d.event === 'pull_request_review') {
        // A review payload carries the PR as it is at the review (its `action` is the review's).
        const pull = pullFromPayload(p.pull_request);
        if (!pull || pull.number !== n) trusted = false;
        else if (d.event === 'pull_request' && INVALIDATING.has(str(p.action) ?? '')) this.forget(repo, n);
        else this.remember(repo, pull);
      } else {
        const issue = obj(p.issue);
        const cached = this.pulls.get(PullCache.key(repo, n));
        if (!issue || issue.number !== n || !cached) continue;
        const title = str(issue.title);
        const author = str(obj(issue.user)?.login);
        const body = str(issue.body);
        const state = str(issue.state);
        this.pulls.set(PullCache.key(repo, n), {
          ...cached,
          ...(title !== undefined ? { title } : {}),
          ...(author !== undefined ? { author } : {}),
          ...(body !== undefined || issue.body === null ? { body: body ?? '' } : {}),
          ...(state === 'open' || state === 'closed' ? { state } : {}),
        });
      }
    }
    if (!trusted) return undefined;
    const pull = this.pulls.get(PullCache.key(repo, n));
    return pull ? { ...pull } : undefined;
  }

  /** The check run this process last completed on `headSha`. */
  checkRun(repo: string, headSha: string): CheckRunMemo | undefined {
    return this.runs.get(PullCache.key(repo, headSha));
  }

  rememberCheckRun(repo: string, headSha: string, memo: CheckRunMemo): void {
    this.runs.set(PullCache.key(repo, headSha), { ...memo });
  }

  forgetCheckRun(repo: string, headSha: string): void {
    this.runs.delete(PullCache.key(repo, headSha));
  }

  /**
   * The files a PR with this head and base changes, as listed before. GitHub lists the diff from the merge
   * base of the two, so the same pair always lists the same files; a push or a new base gives a new pair.
   */
  files(repo: string, headSha: string, baseSha: string): string[] | undefined {
    const files = this.fileLists.get(PullCache.key(repo, `${headSha}..${baseSha}`));
    return files ? [...files] : undefined;
  }

  rememberFiles(repo: string, headSha: string, baseSha: string, files: readonly string[]): void {
    this.fileLists.set(PullCache.key(repo, `${headSha}..${baseSha}`), [...files]);
  }
}
