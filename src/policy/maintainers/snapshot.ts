/**
 * Expansion of a parsed MAINTAINERS file into the Snapshot (spec §4.5), in two pure steps:
 *
 * 1. `requiredLookups(raw, repo, {membership})` says which GitHub look-ups are still unanswered; the
 *    caller fetches them and asks again until the list is empty (teams of an org must be known before
 *    their members can be asked for, so it can take two rounds).
 * 2. `buildSnapshot(raw, repo, membership)` expands with the answers. Errors are aggregated (all groups
 *    are tried) and each carries the location of the entry that caused it.
 *
 * Lazy team groups (§4.5.3: the only member is a `github-team` directive whose `_<org>` helper group
 * exists) are expanded only when listed in `options.groups`, when given, and never add to `people`.
 */
import { PolicyError, PolicyErrors } from '../errors.js';
import type { Person, Snapshot } from '../types.js';
import { parseTeamDirective } from './directives.js';
import { answerPeople, isAnswered, lookupKey, missingAnswer, planEntry } from './plan.js';
import { addDirectiveGroup } from './text.js';
import type { Lookup, MaintainerCapabilities, Membership, RawGroup, RawMaintainers, RepoContext } from './types.js';

export const ALL_CAPABILITIES: MaintainerCapabilities = { Org: { Read: true } };

export interface ExpansionOptions {
  /** OAuth capabilities of the enabling user; default all granted. */
  capabilities?: MaintainerCapabilities;
  /** Lower-case group names the config references; when given, unreferenced lazy team groups are skipped. */
  groups?: ReadonlySet<string>;
}

/**
 * Turns `github-team repo-self [org]` listings into one group per team of the org: `<slug>` (or
 * `<org>-<slug>`) holding `github-team <slug>` (or `github-team <slug> <org>`). Returns a new value.
 */
export function expandTeamListings(raw: RawMaintainers, repo: RepoContext, membership: Membership): RawMaintainers {
  if (raw.teamListings.length === 0) return raw;
  const out: RawMaintainers = { ...raw, orgs: new Map(raw.orgs), teamListings: [] };
  for (const listing of raw.teamListings) {
    const org = listing.org === '' ? repo.owner : listing.org;
    const teams = membership.orgTeams(org);
    if (teams === undefined) throw new PolicyError(missingAnswer({ kind: 'org-teams', org }), listing.location);
    for (const slug of teams) {
      const entry = listing.org === '' ? `github-team ${slug}` : `github-team ${slug} ${listing.org}`;
      addDirectiveGroup(out, listing.org === '' ? slug : `${listing.org}-${slug}`, entry, listing.location);
    }
  }
  return out;
}

/** Whether a group is expanded only on use (§4.5.3). */
export function isLazyGroup(group: RawGroup, raw: RawMaintainers): boolean {
  if (group.members.length !== 1) return false;
  const team = parseTeamDirective(group.members[0]);
  return team !== undefined && raw.orgs.has(`_${team.org}`);
}

function skipped(name: string, group: RawGroup, raw: RawMaintainers, options: ExpansionOptions): boolean {
  return options.groups !== undefined && !options.groups.has(name) && isLazyGroup(group, raw);
}

/**
 * The look-ups the expansion still needs, de-duplicated, in file order. Without `membership` every
 * look-up is listed (team groups from listings appear once the org's teams are answered).
 */
export function requiredLookups(
  raw: RawMaintainers,
  repo: RepoContext,
  options: ExpansionOptions & { membership?: Membership } = {},
): Lookup[] {
  const caps = options.capabilities ?? ALL_CAPABILITIES;
  const seen = new Set<string>();
  const out: Lookup[] = [];
  const need = (l: Lookup): void => {
    const key = lookupKey(l);
    if (seen.has(key)) return;
    seen.add(key);
    if (options.membership === undefined || !isAnswered(options.membership, l)) out.push(l);
  };
  let full = raw;
  for (const listing of raw.teamListings) need({ kind: 'org-teams', org: listing.org === '' ? repo.owner : listing.org });
  if (raw.teamListings.length > 0 && out.length === 0 && options.membership !== undefined) {
    try {
      full = expandTeamListings(raw, repo, options.membership);
    } catch (e) {
      // A duplicate group name is reported by buildSnapshot; look-ups for the other groups still help.
      if (!(e instanceof PolicyError)) throw e;
    }
  }
  for (const [key, group] of full.orgs) {
    if (skipped(key.toLowerCase(), group, full, options)) continue;
    for (const entry of group.members) {
      const plan = planEntry(entry, repo, caps);
      if (plan.kind === 'lookup') need(plan.lookup);
    }
  }
  return out;
}

/** Builds the snapshot. Throws PolicyError (or PolicyErrors with every problem found). */
export function buildSnapshot(
  raw: RawMaintainers,
  repo: RepoContext,
  membership: Membership,
  options: ExpansionOptions = {},
): Snapshot {
  const caps = options.capabilities ?? ALL_CAPABILITIES;
  const full = expandTeamListings(raw, repo, membership);
  const people = new Map<string, Person>();
  for (const [key, p] of full.people) people.set(key.toLowerCase(), { name: p.name, email: p.email, login: p.login });
  // Checked against every raw person, not only those added so far (the original depended on map order).
  const rawPeople = new Set(people.keys());
  const orgs = new Map<string, string[]>();
  const errors: PolicyError[] = [];

  for (const [key, group] of full.orgs) {
    const name = key.toLowerCase();
    if (rawPeople.has(name)) errors.push(new PolicyError(`${name} cannot be both a team and a person`, group.location));
    if (skipped(name, group, full, options)) continue;
    const lazy = isLazyGroup(group, full);
    const members = new Set<string>();
    group.members.forEach((entry, i) => {
      const fail = (cause: string): void => {
        errors.push(new PolicyError(`Attempting to expand ${entry}. ${cause}`, group.memberLocations[i] ?? group.location));
      };
      const plan = planEntry(entry, repo, caps);
      if (plan.kind === 'plain') {
        members.add(entry.toLowerCase());
        return;
      }
      if (plan.kind === 'error') return fail(plan.message);
      const { lookup } = plan;
      if (lookup.kind === 'org-teams') return fail(missingAnswer(lookup));
      const found = answerPeople(membership, lookup);
      if (found === undefined) {
        const cause = missingAnswer(lookup);
        return fail(lookup.kind === 'user' ? `Cannot fetch information about repository owner. ${cause}` : cause);
      }
      if (found === null) {
        const team = lookup.kind === 'team-members' ? lookup.team : entry;
        const org = lookup.kind === 'team-members' ? lookup.org : '';
        return fail(`Team ${team} not found for organization ${org}.`);
      }
      for (const p of found) {
        const login = p.login.toLowerCase();
        members.add(login);
        // Explicit entries win (they keep their name and email); lazily loaded teams add nobody.
        if (!lazy && !people.has(login)) people.set(login, { name: p.name, email: p.email, login: p.login });
      }
    });
    orgs.set(name, [...members]);
  }
  const err = PolicyErrors.of(errors);
  if (err) throw err;
  return { people, orgs, personToOrgs: personToOrgs(people, orgs) };
}

/** For every person, the groups they belong to (only members that are people are mapped). */
export function personToOrgs(people: ReadonlyMap<string, Person>, orgs: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [group, members] of orgs) {
    for (const login of members) {
      if (!people.has(login)) continue;
      let set = out.get(login);
      if (set === undefined) out.set(login, (set = new Set()));
      set.add(group);
    }
  }
  return out;
}
