/** Small builders shared by the spec-conformance tests (engineer R's review of src/policy against the spec). */
import { parseConfig } from '../../../src/policy/config/index.js';
import type { Config } from '../../../src/policy/config/types.js';
import type { CommitInfo, FeedbackItem, Person, PullRequestInfo, Snapshot } from '../../../src/policy/types.js';

export function cfg(text: string): Config {
  return parseConfig(text).config;
}

/** A snapshot where `people` are maintainers and `orgs` maps group → members (members outside `people` stay plain). */
export function snap(people: string[], orgs: Record<string, string[]> = {}, records: Record<string, Partial<Person>> = {}): Snapshot {
  const p = new Map<string, Person>(
    people.map((l) => [l, { name: '', email: '', login: l, ...(records[l] ?? {}) }]),
  );
  const o = new Map<string, string[]>(Object.entries(orgs));
  const personToOrgs = new Map<string, Set<string>>();
  for (const [g, members] of o) {
    for (const m of members) if (p.has(m)) personToOrgs.set(m, (personToOrgs.get(m) ?? new Set()).add(g));
  }
  return { people: p, orgs: o, personToOrgs };
}

export const c = (author: string, body: string, at?: number, updatedAt?: number): FeedbackItem => ({ type: 'comment', author, body, at, updatedAt });
export const r = (author: string, state: string, at?: number, body?: string): FeedbackItem => ({ type: 'review', author, state, at, body });

export function pr(author: string, title = 'Fix things', baseBranch = 'master', compareBranch = 'feature'): PullRequestInfo {
  return { author, title, baseBranch, compareBranch, compareOwner: 'o' };
}

export function commit(author: string, extra: Partial<CommitInfo> = {}): CommitInfo {
  return { author, committer: author, parents: 1, ...extra };
}

/** A merge made with GitHub's "Update branch" button. */
export function uiMerge(extra: Partial<CommitInfo> = {}): CommitInfo {
  return { author: 'someone', committer: 'GitHub', parents: 2, ...extra };
}
