/**
 * Checks shared by the structured formats (hjson, toml; spec §4.3): empty logins take their key, a login
 * that differs from its key and reserved group names are errors. All problems are reported together,
 * people first, in file order.
 */
import { PolicyError, PolicyErrors, type SourceLocation } from '../errors.js';
import type { RawGroup, RawMaintainers } from './types.js';

/** Group names that would shadow the DSL keywords (exact, case-sensitive as in the original). */
export const RESERVED_GROUP_NAMES: ReadonlySet<string> = new Set(['all', 'us', 'them', 'universe']);

export function validateStructuredRaw(raw: RawMaintainers): RawMaintainers {
  const errors: PolicyError[] = [];
  for (const [key, person] of raw.people) {
    if (person.login === '') person.login = key;
    else if (person.login !== key) {
      errors.push(new PolicyError(`Mismatched key ${key} and login field ${person.login}`, raw.peopleLocations.get(key)));
    }
  }
  for (const [name, group] of raw.orgs) {
    if (RESERVED_GROUP_NAMES.has(name)) {
      errors.push(new PolicyError(`The organization name ${name} is a reserved name`, group.location));
    }
  }
  const err = PolicyErrors.of(errors);
  if (err) throw err;
  return raw;
}

/** Builds a group from entries in file order, keeping the first occurrence of a repeated entry (a set). */
export function makeGroup(location: SourceLocation, entries: ReadonlyArray<{ value: string; location: SourceLocation }>): RawGroup {
  const seen = new Set<string>();
  const group: RawGroup = { members: [], location, memberLocations: [] };
  for (const e of entries) {
    if (seen.has(e.value)) continue;
    seen.add(e.value);
    group.members.push(e.value);
    group.memberLocations.push(e.location);
  }
  return group;
}
