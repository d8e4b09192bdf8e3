/**
 * A `Membership` answered from plain prefetched data (the CLI's `--members` file, the conformance GitHub
 * stub, tests). All names are compared case-insensitively; data is held in Maps so hostile keys such as
 * `__proto__` are ordinary names.
 */
import type { Person } from '../types.js';
import type { Membership } from './types.js';

/** A member as given: a login, or a login with details. */
export type MemberEntry = string | { login: string; name?: string; email?: string };

export interface MembershipData {
  /** org → members. */
  orgMembers?: ReadonlyMap<string, readonly MemberEntry[]>;
  /** org → team slugs. */
  orgTeams?: ReadonlyMap<string, readonly string[]>;
  /** `org/team` → members. */
  teamMembers?: ReadonlyMap<string, readonly MemberEntry[]>;
  /** `owner/name` → collaborators. */
  collaborators?: ReadonlyMap<string, readonly MemberEntry[]>;
  /** login → account details. */
  users?: ReadonlyMap<string, { name?: string; email?: string; login?: string }>;
}

export interface MembershipDataOptions {
  /**
   * A team with no `teamMembers` entry does not exist (GitHub's "not found") instead of "not fetched".
   * Even without it, a team missing from a known `orgTeams` list does not exist.
   */
  unknownTeamIsNotFound?: boolean;
  /** A user with no `users` entry is the bare login (name and email `""`) instead of "not fetched". */
  bareUsers?: boolean;
}

function toPerson(e: MemberEntry): Person {
  return typeof e === 'string' ? { login: e, name: '', email: '' } : { login: e.login, name: e.name ?? '', email: e.email ?? '' };
}

function lowerKeys<V>(m: ReadonlyMap<string, V> | undefined): Map<string, V> {
  const out = new Map<string, V>();
  for (const [k, v] of m ?? []) out.set(k.toLowerCase(), v);
  return out;
}

export function membershipFromData(data: MembershipData, options: MembershipDataOptions = {}): Membership {
  const orgMembers = lowerKeys(data.orgMembers);
  const orgTeams = lowerKeys(data.orgTeams);
  const teamMembers = lowerKeys(data.teamMembers);
  const collaborators = lowerKeys(data.collaborators);
  // Users keep the key's spelling: it is the account's login when the entry does not repeat it.
  const users = new Map<string, { login: string; name?: string; email?: string }>();
  for (const [k, u] of data.users ?? []) users.set(k.toLowerCase(), { ...u, login: u.login ?? k });
  const people = (list: readonly MemberEntry[] | undefined): readonly Person[] | undefined => list?.map(toPerson);
  return {
    orgMembers: (org) => people(orgMembers.get(org.toLowerCase())),
    orgTeams: (org) => orgTeams.get(org.toLowerCase()),
    teamMembers: (org, team) => {
      const members = teamMembers.get(`${org}/${team}`.toLowerCase());
      if (members !== undefined) return people(members);
      const teams = orgTeams.get(org.toLowerCase());
      if (teams !== undefined && !teams.some((t) => t.toLowerCase() === team.toLowerCase())) return null;
      return options.unknownTeamIsNotFound ? null : undefined;
    },
    collaborators: (owner, name) => people(collaborators.get(`${owner}/${name}`.toLowerCase())),
    user: (login) => {
      const u = users.get(login.toLowerCase());
      if (u !== undefined) return { login: u.login, name: u.name ?? '', email: u.email ?? '' };
      return options.bareUsers ? { login, name: '', email: '' } : undefined;
    },
  };
}
