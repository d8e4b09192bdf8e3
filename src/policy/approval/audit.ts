/**
 * The audit-chain flag (spec §13): whether a PR needs an audited base, and the names and texts the service
 * uses for it. The check itself (a commit status on the base or head SHA) is the caller's I/O.
 */
import type { AuditConfig } from '../config/types.js';

/** Audit applies when enabled and the PR's base branch is one of `audit.branches`. */
export function auditRequired(audit: AuditConfig, baseBranch: string): boolean {
  return audit.enable && audit.branches.includes(baseBranch);
}

/** The status context that marks an audited commit, e.g. `audit/checks-out/master`. */
export function auditContext(baseBranch: string, brandingName = 'checks-out'): string {
  return `audit/${brandingName}/${baseBranch}`;
}

/** Whether any of the statuses found on the base or head SHA is the audit status. */
export function auditSatisfied(contexts: Iterable<string>, baseBranch: string, brandingName = 'checks-out'): boolean {
  const wanted = auditContext(baseBranch, brandingName);
  for (const c of contexts) if (c === wanted) return true;
  return false;
}

export const auditTexts = {
  emptyCommitMessage: (base: string, range: string) =>
    `empty commit. Added commit status branch '${base}' manual audit\n\nThe commits have been reviewed in ${range}`,
  manualStatus: (base: string) => `manual audit of branch ${base}`,
  branchName: (prNumber: number, unixSeconds: number) => `pr-${prNumber}-audit-${unixSeconds}`,
  prTitle: (base: string, prNumber: number) => `Audit branch ${base} for pr ${prNumber}`,
  wholeHistory: 'the entire branch history. No audits found in the past 30 commits',
  originalPrComment: (auditPr: number) =>
    `You must approve pr #${auditPr} to preserve the audit chain. Use the "Update branch" button after you have merged the other pull request.`,
  auditedBy: (prNumber: number) => `audited by pr ${prNumber}`,
} as const;
