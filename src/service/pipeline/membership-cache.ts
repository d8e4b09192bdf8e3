/**
 * Answers the MAINTAINERS expansion's GitHub look-ups (org members, teams, team members, collaborators,
 * users) through the port, remembering each answer for a TTL so that a warm evaluation makes no membership
 * calls. The engine stays pure: the pipeline asks `requiredLookups`, fetches them here, then expands.
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
  ttlMs: number;
  /** Bounded so a service watching many organisations does not grow without limit. */
  maxEntries?: number;
  now?: () => number;
}

export class MembershipCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  /** Bumped whenever an answer is added, expires or is dropped: snapshots built at one generation stay valid until it moves. */
  private gen = 0;

  constructor(private readonly options: MembershipCacheOptions) {
    this.now = options.now ?? Date.now;
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
    this.gen++;
  }

  /** Drops every answer about organisation `org`: its members, teams, team members and repositories' collaborators. */
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
    return this.entries.size;
  }

  /**
   * The current generation, after dropping expired answers. Every entry has the same TTL and `put` re-inserts,
   * so insertion order is expiry order and only the front of the map needs looking at.
   */
  generation(): number {
    const now = this.now();
    for (const [key, e] of this.entries) {
      if (e.expiresAt > now) break;
      this.entries.delete(key);
      this.gen++;
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

  private get(l: Lookup): Answer | undefined {
    const key = lookupKey(l);
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      this.gen++;
      return undefined;
    }
    return e.value;
  }

  private put(l: Lookup, value: Answer): void {
    const max = this.options.maxEntries ?? 10_000;
    if (this.entries.size >= max) {
      // Oldest insertion first: Map iteration order is insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const key = lookupKey(l);
    this.entries.delete(key); // re-insert at the back so insertion order stays expiry order
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    this.gen++;
  }
}
