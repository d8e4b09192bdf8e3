/**
 * Candidate sets of the leaf matchers (spec §3.5), as membership tests over sets built once per snapshot.
 * Snapshots are treated as immutable once evaluated: the group sets are cached per Snapshot object.
 */
import type { Snapshot } from '../types.js';
import type { CandidateSource } from './trace.js';

const EMPTY: ReadonlySet<string> = new Set();
/** Bound on the per-snapshot `us` cache, so a long-lived snapshot cannot grow it without limit. */
const MAX_CACHED_AUTHORS = 4096;

export class SnapshotIndex {
  private readonly groups = new Map<string, ReadonlySet<string>>();
  private readonly usByAuthor = new Map<string, { groups: string[]; members: ReadonlySet<string> }>();

  constructor(readonly snapshot: Snapshot) {}

  /** Members of a group, or undefined when `name` is not a group. */
  group(name: string): ReadonlySet<string> | undefined {
    let set = this.groups.get(name);
    if (set === undefined) {
      const members = this.snapshot.orgs.get(name);
      if (members === undefined) return undefined;
      set = new Set(members);
      this.groups.set(name, set);
    }
    return set;
  }

  /** The groups that list `author` as a person, and the union of their members. */
  us(author: string): { groups: string[]; members: ReadonlySet<string> } {
    let entry = this.usByAuthor.get(author);
    if (entry === undefined) {
      const groups = [...(this.snapshot.personToOrgs.get(author) ?? [])].sort();
      const members = new Set<string>();
      for (const g of groups) for (const m of this.group(g) ?? EMPTY) members.add(m);
      entry = { groups, members };
      if (this.usByAuthor.size >= MAX_CACHED_AUTHORS) this.usByAuthor.clear();
      this.usByAuthor.set(author, entry);
    }
    return entry;
  }
}

const indexes = new WeakMap<Snapshot, SnapshotIndex>();

export function snapshotIndex(snapshot: Snapshot): SnapshotIndex {
  let index = indexes.get(snapshot);
  if (index === undefined) {
    index = new SnapshotIndex(snapshot);
    indexes.set(snapshot, index);
  }
  return index;
}

export interface Candidates {
  source: CandidateSource;
  has(login: string): boolean;
}

const ANYONE: Candidates = { source: { kind: 'anyone' }, has: () => true };

/** An entity: a group's members if it names a group, else the login itself. */
export function entityCandidates(index: SnapshotIndex, name: string): Candidates {
  const group = index.group(name);
  if (group !== undefined) return { source: { kind: 'group', name }, has: (l) => group.has(l) };
  return { source: { kind: 'person', login: name }, has: (l) => l === name };
}

export function leafCandidates(
  index: SnapshotIndex,
  leaf: { type: 'all' | 'universe' | 'us' | 'them' } | { type: 'entity'; name: string } | { type: 'anonymous'; members: string[] },
  author: string,
): Candidates {
  switch (leaf.type) {
    case 'all': {
      const people = index.snapshot.people;
      return { source: { kind: 'maintainers' }, has: (l) => people.has(l) };
    }
    case 'universe':
      return ANYONE;
    case 'entity':
      return entityCandidates(index, leaf.name);
    case 'anonymous': {
      const parts = leaf.members.map((m) => entityCandidates(index, m));
      return { source: { kind: 'anonymous', members: [...leaf.members] }, has: (l) => parts.some((p) => p.has(l)) };
    }
    case 'us': {
      const { groups, members } = index.us(author);
      return { source: { kind: 'author-groups', groups }, has: (l) => members.has(l) };
    }
    case 'them': {
      const { groups, members } = index.us(author);
      const people = index.snapshot.people;
      return { source: { kind: 'outside-author-groups', groups }, has: (l) => people.has(l) && !members.has(l) };
    }
  }
}
