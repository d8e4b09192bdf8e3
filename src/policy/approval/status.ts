/**
 * The commit status of spec §7.1: a decision table over the approval outcome, and the pre-posting
 * truncation of the description (GitHub refuses long descriptions).
 */

export type CommitState = 'success' | 'error' | 'pending';

/** Context of the status the service posts on the PR head, e.g. `approvals/checks-out`. */
export function statusContext(brandingName: string): string {
  return `approvals/${brandingName}`;
}

export interface StatusInput {
  approved: boolean;
  approvers: readonly string[];
  disapprovers: readonly string[];
  authorAffirmed: boolean;
  auditOk: boolean;
  titleOk: boolean;
  authorOk: boolean;
}

export interface CommitStatus {
  state: CommitState;
  description: string;
}

function sortedList(logins: readonly string[]): string {
  return [...logins].sort().join(',');
}

/** First matching row of the §7.1 table wins. `brandingShort` is BRANDING_SHORT_NAME. */
export function commitStatus(input: StatusInput, brandingShort = 'checks-out'): CommitStatus {
  if (input.approved) {
    return input.approvers.length > 0
      ? { state: 'success', description: `approved by ${sortedList(input.approvers)}` }
      : { state: 'success', description: 'approval did not require approvers' };
  }
  if (!input.authorAffirmed) return { state: 'error', description: 'non-committer or PR author must approve' };
  if (!input.auditOk) return { state: 'error', description: 'audit chain must be manually approved' };
  if (!input.titleOk) return { state: 'error', description: 'pull request title is blocking merge' };
  if (!input.authorOk) return { state: 'error', description: 'pull request author not allowed' };
  if (input.disapprovers.length > 0) {
    return { state: 'pending', description: `blocked by ${sortedList(input.disapprovers)}` };
  }
  if (input.approvers.length > 0) {
    return { state: 'pending', description: `more approvals needed. ${brandingShort}: ${sortedList(input.approvers)}` };
  }
  return { state: 'pending', description: 'no approvals received' };
}

/** The status posted when processing failed (§7.1): state `error`, the error message as description. */
export function errorStatus(message: string): CommitStatus {
  return { state: 'error', description: message };
}

export const MAX_DESCRIPTION_BYTES = 135;

const encoder = new TextEncoder();

/**
 * Cuts a description longer than 135 UTF-8 bytes to at most 135 bytes plus `...`, backing up to a
 * character boundary so that a multi-byte character (or a surrogate pair) is never split.
 */
export function truncateDescription(description: string, maxBytes = MAX_DESCRIPTION_BYTES): string {
  if (encoder.encode(description).length <= maxBytes) return description;
  let bytes = 0;
  let end = 0;
  for (const ch of description) {
    const size = utf8Length(ch.codePointAt(0) ?? 0);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return `${description.slice(0, end)}...`;
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
