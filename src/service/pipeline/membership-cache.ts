/**
 * Answers the MAINTAINERS expansion's GitHub look-ups (org members, teams, team members, collaborators,
 * users) through the port, remembering each answer for a TTL so that a warm evaluation makes no membership
 * calls. The engine stays pure: the pipeline asks `requiredLookups`, fetches them here, then expands.
 *
 * Two lifetimes, as spec §16.2's two caches: who belongs to an organisation, team or repository changes and
 * is kept for `ttlMs` (CACHE_TTL); a person's own record (user look-ups: name, email) hardly ever does and is
 * kept for `longTtlMs` (LONG_CACHE_TTL).
 */
import { lookupKey, type Lookup, type Membership } from '../../policy/maintainers/index.js';
import type { Person } from '../../policy/types.js';
import type { PrGitHub } from './github-port.js';

type Answer = readonly Person[] | readonly string[] | null;

interface Entry {
  value: Answer;
  expiresAt: number;
}

export interface MembershipCacheOptions {
  /** Org, team and collaborator answers (CACHE_TTL). */
  ttlMs: number;
  /** Person (user) answers (LONG_CACHE_TTL); default `ttlMs`. */
  longTtlMs?: number;
  /** Bounded so a service watching many organisations does not grow without limit. */
  maxEntries?: number;
  now?: () => number;
}

function checkTtl(name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be a non-negative number, got ${ms}`);
  return ms;
}

export class MembershipCache {
  /**
   * One map per lifetime: within a map every entry has the same TTL and `put` re-inserts, so insertion order
   * is expiry order and `generation` only looks at the front of each.
   */
  private readonly entries = new Map<string, Entry>();
  private readonly people = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly longTtlMs: number;
  private readonly max: number;
  /** Bumped whenever an answer is added, expires or is dropped: snapshots built at one generation stay valid until it moves. */
  private gen = 0;

  constructor(options: MembershipCacheOptions) {
    this.now = options.now ?? Date.now;
    this.ttlMs = checkTtl('ttlMs', options.ttlMs);
    this.longTtlMs = checkTtl('longTtlMs', options.longTtlMs ?? options.ttlMs);
    this.max = options.maxEntries ?? 10_000;
  }

  /** Fetches every look-up not already cached (in parallel), then returns a Membership over the cache. */
  async fetch(gh: PrGitHub, lookups: readonly Lookup[]): Promise<void> {
    await Promise.all(
      lookups.filter((l) => this.get(l) === undefined).map(async (l) => this.put(l, await this.ask(gh, l))),
    );
  }

  membership(): Membership {
    const people = (l: Lookup) => this.get(l) as readonly Person[] | null | undefined;
    return {
      orgMembers: (org) => people({ kind: 'org-members', org }) ?? undefined,
      orgTeams: (org) => (this.get({ kind: 'org-teams', org }) as readonly string[] | null | undefined) ?? undefined,
      teamMembers: (org, team) => people({ kind: 'team-members', org, team }),
      collaborators: (owner, name) => people({ kind: 'collaborators', owner, name }) ?? undefined,
      user: (login) => people({ kind: 'user', login })?.[0],
    };
  }

  /**
   * The newest membership change (store/membership-changes.ts) this cache has caught up with; undefined
   * until the first check (see membership-sync.ts).
   */
  changesSeen: number | undefined;

  /** Drops everything (e.g. on a re-evaluation request, or when the change log cannot say what changed). */
  clear(): void {
    this.entries.clear();
    this.people.clear();
    this.gen++;
  }

  /**
   * Drops every answer about organisation `org`: its members, teams, team members and repositories'
   * collaborators. People's own records do not depend on any organisation and stay.
   */
  forgetOrg(org: string): void {
    const exact = new Set([lookupKey({ kind: 'org-members', org }), lookupKey({ kind: 'org-teams', org })]);
    // A key with an empty last part is the prefix of every key of that organisation.
    const prefixes = [lookupKey({ kind: 'team-members', org, team: '' }), lookupKey({ kind: 'collaborators', owner: org, name: '' })];
    for (const key of [...this.entries.keys()]) {
      if (exact.has(key) || prefixes.some((p) => key.startsWith(p))) this.entries.delete(key);
    }
    this.gen++;
  }

  get size(): number {
    return this.entries.size + this.people.size;
  }

  /** The current generation, after dropping expired answers (only the front of each map can have expired). */
  generation(): number {
    const now = this.now();
    for (const map of [this.entries, this.people]) {
      for (const [key, e] of map) {
        if (e.expiresAt > now) break;
        map.delete(key);
        this.gen++;
      }
    }
    return this.gen;
  }

  private async ask(gh: PrGitHub, l: Lookup): Promise<Answer> {
    switch (l.kind) {
      case 'org-members':
        return gh.orgMembers(l.org);
      case 'org-teams':
        return gh.orgTeams(l.org);
      case 'team-members':
        return gh.teamMembers(l.org, l.team);
      case 'collaborators':
        return gh.collaborators({ owner: l.owner, repo: l.name });
      case 'user':
        return [await gh.user(l.login)];
    }
  }

  private mapOf(l: Lookup): Map<string, Entry> {
    return l.kind === 'user' ? this.people : this.entries;
  }

  private get(l: Lookup): Answer | undefined {
    const map = this.mapOf(l);
    const key = lookupKey(l);
    const e = map.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= this.now()) {
      map.delete(key);
      this.gen++;
      return undefined;
    }
    return e.value;
  }

  private put(l: Lookup, value: Answer): void {
    const map = this.mapOf(l);
    const key = lookupKey(l);
    map.delete(key); // re-insert at the back so insertion order stays expiry order
    if (this.size >= this.max) {
      // Oldest insertion first (Map iteration order is insertion order), from this map unless it is empty.
      const from = map.size > 0 ? map : map === this.people ? this.entries : this.people;
      const oldest = from.keys().next().value;
      if (oldest !== undefined) from.delete(oldest);
    }
    map.set(key, { value, expiresAt: this.now() + (map === this.people ? this.longTtlMs : this.ttlMs) });
    this.gen++;
  }
}
