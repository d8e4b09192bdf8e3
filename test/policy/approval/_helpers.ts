import { parseConfig } from '../../../src/policy/config/index.js';
import type { Config } from '../../../src/policy/config/types.js';
import type { FeedbackItem, Person, Snapshot } from '../../../src/policy/types.js';

export function config(text: string): Config {
  return parseConfig(text).config;
}

export function snapshot(people: string[], orgs: Record<string, string[]> = {}): Snapshot {
  const p = new Map<string, Person>(people.map((l) => [l, { name: l.toUpperCase(), email: `${l}@x`, login: l }]));
  const o = new Map<string, string[]>(Object.entries(orgs));
  const personToOrgs = new Map<string, Set<string>>();
  for (const [g, members] of o) for (const m of members) if (p.has(m)) personToOrgs.set(m, (personToOrgs.get(m) ?? new Set()).add(g));
  return { people: p, orgs: o, personToOrgs };
}

export const comment = (author: string, body: string, at?: number, updatedAt?: number): FeedbackItem => ({ type: 'comment', author, body, at, updatedAt });
export const review = (author: string, state: string, at?: number): FeedbackItem => ({ type: 'review', author, state, at });
export const pr = (author: string, title = 'Fix', baseBranch = 'master') => ({ author, title, baseBranch, compareBranch: 'feature', compareOwner: 'o' });
