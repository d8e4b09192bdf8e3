/**
 * What one member entry needs (spec §4.5.4): nothing (a plain login), a GitHub look-up, or an error.
 * Shared by the look-up planner and the expansion so that both agree on every rule.
 */
import type { Person } from '../types.js';
import { parseCollabDirective, parseOrgDirective, parseTeamDirective, REPO_SELF } from './directives.js';
import type { Lookup, MaintainerCapabilities, Membership, RepoContext } from './types.js';

export type EntryPlan = { kind: 'plain' } | { kind: 'lookup'; lookup: Lookup } | { kind: 'error'; message: string };

export function planEntry(entry: string, repo: RepoContext, caps: MaintainerCapabilities): EntryPlan {
  const org = parseOrgDirective(entry);
  if (org !== undefined) {
    if (org !== REPO_SELF) return { kind: 'lookup', lookup: { kind: 'org-members', org } };
    // On a user repository `repo-self` is the enabling user's own account, not the owner.
    if (!repo.isOrg) return { kind: 'lookup', lookup: { kind: 'user', login: repo.enablingUser } };
    if (!caps.Org.Read) return { kind: 'error', message: 'Cannot read GitHub organizations with provided OAuth scopes' };
    return { kind: 'lookup', lookup: { kind: 'org-members', org: repo.owner } };
  }
  const collab = parseCollabDirective(entry);
  if (collab !== undefined) {
    if (collab === REPO_SELF) return { kind: 'lookup', lookup: { kind: 'collaborators', owner: repo.owner, name: repo.name } };
    const pieces = collab.split('/');
    if (pieces.length !== 2) return { kind: 'error', message: `${collab} is not a repository slug` };
    return { kind: 'lookup', lookup: { kind: 'collaborators', owner: pieces[0], name: pieces[1] } };
  }
  const team = parseTeamDirective(entry);
  if (team !== undefined) {
    if (team.org === '' && !repo.isOrg) {
      return { kind: 'error', message: `Cannot expand GitHub teams for user repository ${repo.owner}/${repo.name}` };
    }
    if (!caps.Org.Read) return { kind: 'error', message: 'Cannot read GitHub teams with provided OAuth scopes' };
    return { kind: 'lookup', lookup: { kind: 'team-members', org: team.org === '' ? repo.owner : team.org, team: team.team } };
  }
  return { kind: 'plain' };
}

/** Stable identity of a look-up, for de-duplication (GitHub names are case-insensitive). */
export function lookupKey(l: Lookup): string {
  switch (l.kind) {
    case 'org-members':
    case 'org-teams':
      return `${l.kind}\0${l.org.toLowerCase()}`;
    case 'team-members':
      return `${l.kind}\0${l.org.toLowerCase()}\0${l.team.toLowerCase()}`;
    case 'collaborators':
      return `${l.kind}\0${l.owner.toLowerCase()}\0${l.name.toLowerCase()}`;
    case 'user':
      return `${l.kind}\0${l.login.toLowerCase()}`;
  }
}

/** A person-list look-up's answer: people, `null` (team not found) or `undefined` (not fetched). */
export function answerPeople(m: Membership, l: Exclude<Lookup, { kind: 'org-teams' }>): readonly Person[] | null | undefined {
  switch (l.kind) {
    case 'org-members':
      return m.orgMembers(l.org);
    case 'team-members':
      return m.teamMembers(l.org, l.team);
    case 'collaborators':
      return m.collaborators(l.owner, l.name);
    case 'user': {
      const p = m.user(l.login);
      return p === undefined ? undefined : [p];
    }
  }
}

/** Whether the membership data can answer a look-up (a "team not found" answer counts). */
export function isAnswered(m: Membership, l: Lookup): boolean {
  return l.kind === 'org-teams' ? m.orgTeams(l.org) !== undefined : answerPeople(m, l) !== undefined;
}

/** The message for a look-up nobody fetched. */
export function missingAnswer(l: Lookup): string {
  switch (l.kind) {
    case 'org-members':
      return `No membership data for the members of organization ${l.org}`;
    case 'org-teams':
      return `No membership data for the teams of organization ${l.org}`;
    case 'team-members':
      return `No membership data for team ${l.team} of organization ${l.org}`;
    case 'collaborators':
      return `No membership data for the collaborators of ${l.owner}/${l.name}`;
    case 'user':
      return `No membership data for user ${l.login}`;
  }
}
