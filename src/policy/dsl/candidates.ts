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

/**
 * A leaf's candidate test. Plain data plus one `isCandidate` switch (no closures): evaluation creates these
 * for every leaf of every run, and this is the hot path.
 */
export type Candidates =
  | { source: CandidateSource; test: 'any' }
  | { source: CandidateSource; test: 'login'; login: string }
  | { source: CandidateSource; test: 'set'; set: ReadonlySet<string> | ReadonlyMap<string, unknown> }
  | { source: CandidateSource; test: 'people-except'; people: ReadonlyMap<string, unknown>; except: ReadonlySet<string> }
  | { source: CandidateSource; test: 'union'; parts: Candidates[] };

export function isCandidate(c: Candidates, login: string): boolean {
  switch (c.test) {
    case 'any':
      return true;
    case 'login':
      return c.login === login;
    case 'set':
      return c.set.has(login);
    case 'people-except':
      return c.people.has(login) && !c.except.has(login);
    case 'union':
      for (const part of c.parts) if (isCandidate(part, login)) return true;
      return false;
  }
}

/**
 * An upper bound on how many distinct people could ever count for a leaf with these candidates (Infinity for
 * `universe`), so the trace can say when no amount of feedback satisfies it.
 */
export function capacity(c: Candidates, author: string, self: boolean): number {
  const minusAuthor = !self && isCandidate(c, author) ? 1 : 0;
  switch (c.test) {
    case 'any':
      return Infinity;
    case 'login':
      return 1 - minusAuthor;
    case 'set':
      return c.set.size - minusAuthor;
    case 'people-except': {
      let excluded = 0;
      for (const l of c.except) if (c.people.has(l)) excluded++;
      return c.people.size - excluded - minusAuthor;
    }
    case 'union':
      return c.parts.reduce((sum, p) => sum + capacity(p, author, true), 0) - minusAuthor;
  }
}

const ANYONE: Candidates = { source: { kind: 'anyone' }, test: 'any' };

/** An entity: a group's members if it names a group, else the login itself. */
export function entityCandidates(index: SnapshotIndex, name: string): Candidates {
  const group = index.group(name);
  if (group !== undefined) return { source: { kind: 'group', name }, test: 'set', set: group };
  return { source: { kind: 'person', login: name }, test: 'login', login: name };
}

export function leafCandidates(
  index: SnapshotIndex,
  leaf: { type: 'all' | 'universe' | 'us' | 'them' } | { type: 'entity'; name: string } | { type: 'anonymous'; members: string[] },
  author: string,
): Candidates {
  switch (leaf.type) {
    case 'all':
      return { source: { kind: 'maintainers' }, test: 'set', set: index.snapshot.people };
    case 'universe':
      return ANYONE;
    case 'entity':
      return entityCandidates(index, leaf.name);
    case 'anonymous': {
      const parts = leaf.members.map((m) => entityCandidates(index, m));
      return { source: { kind: 'anonymous', members: [...leaf.members] }, test: 'union', parts };
    }
    case 'us': {
      const { groups, members } = index.us(author);
      return { source: { kind: 'author-groups', groups }, test: 'set', set: members };
    }
    case 'them': {
      const { groups, members } = index.us(author);
      return { source: { kind: 'outside-author-groups', groups }, test: 'people-except', people: index.snapshot.people, except: members };
    }
  }
}
