/**
 * The `--members F` file of the CLI: GitHub memberships prefetched as JSON, so that MAINTAINERS can be
 * expanded offline. Same shape as the conformance GitHub stub (conformance README §4.18), so a vector's
 * `github` object is a valid members file:
 *
 * ```json
 * {
 *   "org_members":   { "acme": ["alice", { "login": "Bob", "name": "Bob B", "email": "bob@example.com" }] },
 *   "teams_by_org":  { "acme": ["core", "ops"] },
 *   "team_members":  { "acme/core": ["alice"] },
 *   "collaborators": { "acme/widget": ["carol"] },
 *   "users":         { "jdoe": { "name": "J. Doe", "email": "jdoe@example.com" } }
 * }
 * ```
 *
 * Every key is optional; names are case-insensitive. A member is a login or `{login, name?, email?}`.
 * `team_members (key org/team)` and `collaborators (key owner/name)` are accepted as aliases (the stub's
 * spelling). Look-ups the file does not answer fail the expansion with a clear error, except: a team absent
 * from a listed `teams_by_org` does not exist, and a user absent from `users` is the bare login. With
 * `teamsNotListedAreMissing: false` (the conformance stub) every team without `team_members` is "not found".
 */
import { z } from 'zod';
import { PolicyError } from '../errors.js';
import { membershipFromData, type MemberEntry, type MembershipData } from './membership-data.js';
import type { Membership } from './types.js';

const member = z.union([
  z.string(),
  z.object({ login: z.string(), name: z.string().optional(), email: z.string().optional() }),
]);
const members = z.record(z.string(), z.array(member));
const names = z.record(z.string(), z.array(z.string()));
const user = z.object({ login: z.string().optional(), name: z.string().optional(), email: z.string().optional() });

/** Schema of the members file (validation only: Maps are built from the input so hostile keys stay data). */
export const membersFileSchema = z.object({
  org_members: members.optional(),
  teams_by_org: names.optional(),
  team_members: members.optional(),
  'team_members (key org/team)': members.optional(),
  collaborators: members.optional(),
  'collaborators (key owner/name)': members.optional(),
  users: z.record(z.string(), user).optional(),
});

function entries<V>(obj: unknown): Map<string, V> {
  const out = new Map<string, V>();
  if (obj !== null && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) out.set(k, v as V);
  return out;
}

function merged<V>(...objs: unknown[]): Map<string, V> {
  const out = new Map<string, V>();
  for (const o of objs) for (const [k, v] of entries<V>(o)) out.set(k, v);
  return out;
}

/** Validates a decoded members document and converts it to MembershipData. PolicyError on a bad shape. */
export function membershipDataFromJson(value: unknown, file = 'members'): MembershipData {
  const checked = membersFileSchema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const path = issue.path.map(String).join('.');
    throw new PolicyError(`Invalid members file: ${path === '' ? '' : `${path}: `}${issue.message}`, { file });
  }
  const doc = value as Record<string, unknown>;
  return {
    orgMembers: entries<MemberEntry[]>(doc.org_members),
    orgTeams: entries<string[]>(doc.teams_by_org),
    teamMembers: merged<MemberEntry[]>(doc.team_members, doc['team_members (key org/team)']),
    collaborators: merged<MemberEntry[]>(doc.collaborators, doc['collaborators (key owner/name)']),
    users: entries(doc.users),
  };
}

/** Parses the members file text into a Membership. */
export function parseMembersFile(
  text: string,
  file = 'members',
  options: { teamsNotListedAreMissing?: boolean } = {},
): Membership {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PolicyError(`Invalid members file: ${(e as Error).message}`, { file });
  }
  return membershipFromData(membershipDataFromJson(value, file), {
    bareUsers: true,
    unknownTeamIsNotFound: options.teamsNotListedAreMissing === false,
  });
}
