/**
 * The policy files of each repository's default branch (`.checks-out`, MAINTAINERS, the org template), kept
 * between evaluations so that a warm evaluation reads none of them from GitHub: even a free 304
 * revalidation costs both sides a request, two per evaluation.
 *
 * Freshness: a push to a repository's default branch (or a change of which branch that is) is written to the
 * change log (`files:<owner/repo>`, beside the membership changes) by whichever thread or process handles
 * it; every evaluation first catches up with that log and forgets the repositories changed since. An answer
 * is also never kept longer than `ttlMs` (POLICY_CACHE_TTL), for repositories whose pushes do not reach
 * checks-out (an org template repository where it is not installed, a push delivery lost). `ttlMs` 0 turns
 * the cache off.
 *
 * An answer fetched while a change was being announced must not outlive it: each entry records the newest
 * log id its fetch had seen, and an entry older than the repository's last known change is a miss.
 */

interface Entry {
  text: string | null;
  fetchedAt: number;
  /** The change-log id the fetch started after. */
  seen: number;
}

export interface PolicyFileCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

/** The change-log key of a repository whose default-branch files changed. */
export function filesKey(repo: string): string {
  return `files:${repo.toLowerCase()}`;
}

export function repoOfFilesKey(key: string): string | undefined {
  return key.startsWith('files:') && key.length > 'files:'.length ? key.slice('files:'.length) : undefined;
}

export class PolicyFileCache {
  private readonly entries = new Map<string, Entry>();
  /** Repository → the newest change-log id that announced a change of its files. */
  private readonly changedAt = new Map<string, number>();
  /** Set by `clear`: entries whose read started before this log id are misses (a read in flight during a clear). */
  private floor = -1;
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(o: PolicyFileCacheOptions) {
    if (!Number.isFinite(o.ttlMs) || o.ttlMs < 0) throw new RangeError(`ttlMs must be a non-negative number, got ${o.ttlMs}`);
    this.ttlMs = o.ttlMs;
    this.max = o.maxEntries ?? 2_000;
    this.now = o.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /**
   * `reader` is who read the file (token mode: the enabling user, whose token may see a private org template
   * another user's cannot), so one reader's answer is never served to another.
   */
  private static key(repo: string, path: string, reader: string): string {
    return `${repo.toLowerCase()}\0${path}\0${reader.toLowerCase()}`;
  }

  /** The cached text (`null`: the file does not exist), or undefined when it must be read. */
  get(repo: string, path: string, reader = ''): { text: string | null } | undefined {
    if (!this.enabled) return undefined;
    const k = PolicyFileCache.key(repo, path, reader);
    const e = this.entries.get(k);
    if (e === undefined) return undefined;
    const age = this.now() - e.fetchedAt;
    if (age >= this.ttlMs || age < 0 || e.seen < this.floor || e.seen < (this.changedAt.get(repo.toLowerCase()) ?? -1)) {
      this.entries.delete(k);
      return undefined;
    }
    return { text: e.text };
  }

  /** Remembers a file read at `fetchedAt`, after the change log's id `seen` had been caught up with. */
  set(repo: string, path: string, text: string | null, fetchedAt: number, seen: number, reader = ''): void {
    if (!this.enabled || seen < this.floor) return;
    const k = PolicyFileCache.key(repo, path, reader);
    this.entries.delete(k);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(k, { text, fetchedAt, seen });
  }

  /** The change log says `repo`'s default-branch files changed, up to log id `changeId`. */
  changed(repo: string, changeId: number): void {
    const r = repo.toLowerCase();
    this.changedAt.set(r, Math.max(changeId, this.changedAt.get(r) ?? -1));
    // Bounded like the entries: a forgotten repository's marker only matters for entries fetched before it.
    if (this.changedAt.size > this.max) this.changedAt.delete(this.changedAt.keys().next().value as string);
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${r}\0`)) this.entries.delete(k);
  }

  /** Forgets everything; `floor`: the change-log id caught up with, below which no read in flight is kept. */
  clear(floor = this.floor): void {
    this.entries.clear();
    this.changedAt.clear();
    this.floor = Math.max(this.floor, floor);
  }

  get size(): number {
    return this.entries.size;
  }
}
