/**
 * MAINTAINERS (spec §4): parse (`parseMaintainers`), list the GitHub look-ups the expansion needs
 * (`requiredLookups`), expand with the caller's answers (`buildSnapshot`).
 *
 * Typical use by the shell:
 * ```ts
 * const raw = parseMaintainers(text, config.maintainers.type, { file: path, repo });
 * let need = requiredLookups(raw, repo, { membership, groups });
 * // fetch `need` into the membership data, repeat until empty, then:
 * const snapshot = buildSnapshot(raw, repo, membership, { capabilities, groups });
 * ```
 */
export type {
  Lookup,
  MaintainerCapabilities,
  MaintainersFormat,
  Membership,
  RawGroup,
  RawMaintainers,
  RepoContext,
  TeamListing,
} from './types.js';
export { MAINTAINERS_FORMATS } from './types.js';
export {
  DEFAULT_MAINTAINERS_FILE,
  isMaintainersFormat,
  maintainersParsePrefix,
  parseMaintainers,
  type ParseMaintainersOptions,
} from './parse.js';
export {
  ALL_CAPABILITIES,
  buildSnapshot,
  expandTeamListings,
  isLazyGroup,
  personToOrgs,
  requiredLookups,
  type ExpansionOptions,
} from './snapshot.js';
export { lookupKey } from './plan.js';
export { RESERVED_GROUP_NAMES } from './validate-raw.js';
export { REPO_SELF, isDirective, parseCollabDirective, parseOrgDirective, parseTeamDirective } from './directives.js';
export { membershipFromData, type MemberEntry, type MembershipData, type MembershipDataOptions } from './membership-data.js';
export { membersFileSchema, membershipDataFromJson, parseMembersFile } from './members-file.js';
export { snapshotToJSON, referencedGroups } from './render.js';
