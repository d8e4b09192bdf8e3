/**
 * Conformance kind `maintainers-snapshot` (README §4.17): parse, expand through the GitHub stub, then
 * validate the config's matchers against the snapshot when a config is given.
 */
import { parseConfig } from '../../policy/config/index.js';
import { validateMatcher } from '../../policy/dsl/index.js';
import { PolicyError, PolicyErrors } from '../../policy/errors.js';
import { buildSnapshot, referencedGroups } from '../../policy/maintainers/index.js';
import type { Snapshot } from '../../policy/types.js';
import type { KindAdapter } from '../kind.js';
import { capabilitiesOf, parseRaw, renderRaw, repoOf, stubOf } from './maintainers-parse.js';

function validate(configText: string, snapshot: Snapshot): PolicyError | null {
  const { config } = parseConfig(configText);
  const errors = config.approvals.flatMap((p) => [p.match, p.antimatch, p.authormatch].flatMap((m) => validateMatcher(m, snapshot)));
  return PolicyErrors.of(errors) ?? null;
}

function renderSnapshot(s: Snapshot): Record<string, unknown> {
  const people = new Map<string, unknown>();
  for (const [k, p] of s.people) people.set(k, { name: p.name, email: p.email, login: p.login });
  return { people, orgs: s.orgs, person_to_org: s.personToOrgs };
}

export const adapter: KindAdapter = {
  normative: ['raw_people', 'raw_orgs', 'people', 'orgs', 'person_to_org'],
  errorFields: ['parse_error', 'snapshot_error', 'validate_error'],
  optionalErrorFields: ['validate_error'],
  setValued: ['raw_orgs.*', 'orgs.*', 'person_to_org.*'],
  run(input) {
    const membership = stubOf(input);
    const raw = parseRaw(input, membership);
    const out = renderRaw(raw);
    const configText = typeof input.config === 'string' ? input.config : undefined;
    let snapshot: Snapshot;
    try {
      // With a config, lazy team groups are expanded only when referenced, as the service does.
      const groups = configText === undefined ? undefined : referencedGroupsOf(configText);
      snapshot = buildSnapshot(raw, repoOf(input), membership, { capabilities: capabilitiesOf(input), groups });
    } catch (e) {
      if (e instanceof PolicyError) return { ...out, snapshot_error: e.message };
      throw e;
    }
    Object.assign(out, renderSnapshot(snapshot));
    if (configText !== undefined) {
      try {
        out.validate_error = validate(configText, snapshot)?.message ?? null;
      } catch (e) {
        if (e instanceof PolicyError) out.validate_error = e.message;
        else throw e;
      }
    }
    return out;
  },
};

function referencedGroupsOf(configText: string): Set<string> | undefined {
  try {
    const { config } = parseConfig(configText);
    return referencedGroups(config.approvals.flatMap((p) => [p.match, p.antimatch, p.authormatch]));
  } catch (e) {
    // A config that does not parse is reported by the validation step; expand everything meanwhile.
    if (e instanceof PolicyError) return undefined;
    throw e;
  }
}
