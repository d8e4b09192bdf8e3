/**
 * Types of MAINTAINERS handling (spec §4): the raw file as parsed, the repository it belongs to, the GitHub
 * look-ups its expansion needs, and the `Membership` interface through which the (pure) engine receives
 * their answers from the caller.
 */
import type { SourceLocation } from '../errors.js';
import type { Person } from '../types.js';

export type MaintainersFormat = 'text' | 'hjson' | 'toml' | 'legacy';
export const MAINTAINERS_FORMATS: readonly MaintainersFormat[] = ['text', 'hjson', 'toml', 'legacy'];

/** The repository whose MAINTAINERS file is read, and who enabled it. */
export interface RepoContext {
  owner: string;
  name: string;
  /** Owned by an organisation (false: a user account). */
  isOrg: boolean;
  /** Login of the enabling user (`github-org repo-self` on a user repository resolves to this account). */
  enablingUser: string;
}

/** A group as written: member entries are logins or directives (`github-org x`, `github-team t [o]`, …). */
export interface RawGroup {
  /** De-duplicated, in file order. */
  members: string[];
  /** Where the group is defined. */
  location: SourceLocation;
  /** Where each member entry is written (parallel to `members`). */
  memberLocations: SourceLocation[];
}

/** `github-team repo-self [org]` in a text file: the org's teams become groups once they are known. */
export interface TeamListing {
  /** The org as written (`""` = the repository owner). */
  org: string;
  location: SourceLocation;
}

/** A parsed MAINTAINERS file before expansion. Keys are as recorded (text groups are lower-cased). */
export interface RawMaintainers {
  /** Path of the file, used in error locations. */
  file: string;
  people: Map<string, Person>;
  /** Where each person is defined (same keys as `people`). */
  peopleLocations: Map<string, SourceLocation>;
  orgs: Map<string, RawGroup>;
  /** Team listings still to be turned into groups (see `expandTeamListings`). */
  teamListings: TeamListing[];
}

/** One GitHub question the expansion needs answered. */
export type Lookup =
  | { kind: 'org-members'; org: string }
  | { kind: 'org-teams'; org: string }
  | { kind: 'team-members'; org: string; team: string }
  | { kind: 'collaborators'; owner: string; name: string }
  | { kind: 'user'; login: string };

/**
 * Answers to GitHub look-ups, prefetched by the caller (the engine does no I/O). Every method answers
 * synchronously; `undefined` means "not fetched" and makes the expansion fail with a clear PolicyError.
 * Names are compared case-insensitively, as GitHub does.
 */
export interface Membership {
  /** Members of an organisation. */
  orgMembers(org: string): readonly Person[] | undefined;
  /** Team slugs of an organisation. */
  orgTeams(org: string): readonly string[] | undefined;
  /** Members of a team (slug compared case-insensitively); `null` = GitHub says there is no such team. */
  teamMembers(org: string, team: string): readonly Person[] | null | undefined;
  /** Collaborators of a repository. */
  collaborators(owner: string, name: string): readonly Person[] | undefined;
  /** A user's account details. */
  user(login: string): Person | undefined;
}

/** The OAuth capability the expansion needs (shape of config `Capabilities`; absent = granted). */
export interface MaintainerCapabilities {
  Org: { Read: boolean };
}
