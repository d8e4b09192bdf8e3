/**
 * Conformance kind `maintainers-parse` (README §4.16, §4.18): parse without expansion. Team listings
 * (`github-team repo-self`) are resolved through the GitHub stub because they are part of the raw groups.
 * The input readers here are shared with `maintainers-snapshot`.
 */
import {
  expandTeamListings,
  membershipDataFromJson,
  membershipFromData,
  parseMaintainers,
  type MaintainerCapabilities,
  type Membership,
  type RawMaintainers,
  type RepoContext,
} from '../../policy/maintainers/index.js';
import type { KindAdapter } from '../kind.js';
import { bool, record, str } from './_input.js';

export function repoOf(input: Record<string, unknown>): RepoContext {
  const repo = record(input.repo);
  return { owner: str(repo.owner), name: str(repo.name), isOrg: bool(repo.is_org, true), enablingUser: str(input.enabling_user) };
}

/** The stub of README §4.18: absent teams do not exist; a user look-up returns the bare login. */
export function stubOf(input: Record<string, unknown>): Membership {
  return membershipFromData(membershipDataFromJson(record(input.github), 'github stub'), {
    unknownTeamIsNotFound: true,
    bareUsers: true,
  });
}

export function capabilitiesOf(input: Record<string, unknown>): MaintainerCapabilities {
  return { Org: { Read: bool(record(input.capabilities).org_read, true) } };
}

/** Parses and resolves team listings, as the original's parse step does. */
export function parseRaw(input: Record<string, unknown>, membership: Membership): RawMaintainers {
  const repo = repoOf(input);
  const raw = parseMaintainers(str(input.text), str(input.format, 'text'), { file: 'MAINTAINERS', repo });
  return expandTeamListings(raw, repo, membership);
}

export function renderRaw(raw: RawMaintainers): Record<string, unknown> {
  const people = new Map<string, unknown>();
  for (const [k, p] of raw.people) people.set(k, { name: p.name, email: p.email, login: p.login });
  const orgs = new Map<string, string[]>();
  for (const [k, g] of raw.orgs) orgs.set(k, g.members);
  return { raw_people: people, raw_orgs: orgs };
}

export const adapter: KindAdapter = {
  normative: ['raw_people', 'raw_orgs'],
  errorFields: ['parse_error'],
  setValued: ['raw_orgs.*'],
  run(input) {
    return renderRaw(parseRaw(input, stubOf(input)));
  },
};
