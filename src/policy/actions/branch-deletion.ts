/**
 * Whether the head branch of a merged PR may be deleted (spec §10). A branch that some policy scopes on, or
 * that the catch-all policy still guards, must survive the merge.
 */
import type { Config, Policy, Scope } from '../config/types.js';

export interface DeletionEligibility {
  eligible: boolean;
  /** Why not (the text after `has been blocked. `); undefined when eligible. */
  reason?: string;
  /** The `delete` notification texts (`[]` when eligible). */
  messages: string[];
}

export function scopeIsEmpty(scope: Scope): boolean {
  return (
    scope.branches.length === 0 &&
    scope.paths.length === 0 &&
    scope.regexpaths.length === 0 &&
    scope.regexbase.length === 0 &&
    scope.regexcompare.length === 0
  );
}

function blocked(branch: string, reason: string): DeletionEligibility {
  return { eligible: false, reason, messages: [`Deletion of the merged branch ${branch} has been blocked. ${reason}`] };
}

function allowsDeletion(policy: Policy): boolean {
  return policy.match.type === 'off' || (policy.merge !== undefined && !policy.merge.delete);
}

/**
 * @param headBranch name of the PR head branch
 * @param headOwner owner of the head repository (differs from `repoOwner` for forks)
 */
export function branchDeletionEligibility(
  config: Pick<Config, 'approvals'>,
  headBranch: string,
  headOwner: string,
  repoOwner: string,
): DeletionEligibility {
  if (headOwner !== repoOwner) return blocked(headBranch, 'It belongs to another owner');
  for (const policy of config.approvals) {
    if (scopeIsEmpty(policy.scope)) {
      if (allowsDeletion(policy)) break;
      return blocked(
        headBranch,
        `Approval policy ${policy.name} must either have match policy 'off' or merge deletion disabled`,
      );
    }
    if (policy.scope.branches.includes(headBranch)) {
      return blocked(headBranch, `It is mentioned in approval policy ${policy.name}`);
    }
  }
  return { eligible: true, messages: [] };
}
