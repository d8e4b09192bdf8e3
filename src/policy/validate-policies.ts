/**
 * §3.7 for a whole configuration: every policy's `match`, `antimatch` and `authormatch` validated against
 * the MAINTAINERS snapshot, each error placed at its line and column in the `.checks-out` file (the
 * validator knows only the column inside the expression; `Policy.locateExpression` knows where the string
 * is). Shared by `checks-out validate` and the service's check-run annotations.
 */
import type { Config, ExpressionField, Policy } from './config/index.js';
import { validateMatcher } from './dsl/index.js';
import { PolicyError } from './errors.js';
import type { Snapshot } from './types.js';

export const EXPRESSION_FIELDS: readonly ExpressionField[] = ['match', 'antimatch', 'authormatch'];

export function policyLabel(policy: Pick<Policy, 'name' | 'position'>): string {
  return policy.name === '' ? `policy ${policy.position}` : `policy ${policy.position} (${policy.name})`;
}

/** Validates every expression of every policy against the snapshot; errors default to `file`. */
export function validatePolicies(config: Config, snapshot: Snapshot, file: string): PolicyError[] {
  const out: PolicyError[] = [];
  for (const policy of config.approvals) {
    for (const field of EXPRESSION_FIELDS) {
      for (const e of validateMatcher(policy[field], snapshot)) {
        const where = policy.locateExpression?.(field, e.location.column) ?? { ...policy.location };
        out.push(new PolicyError(`${policyLabel(policy)} ${field}: ${e.message}`, { file, ...where }));
      }
    }
  }
  return out;
}
