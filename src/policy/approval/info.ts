/**
 * The final approval information (spec §6.5): the policy decision combined with the audit flag and author
 * affirmation, and the classification of the latest feedback for notifications.
 */
import type { CommitInfo } from '../types.js';
import { affirmAuthor, type Affirmation } from './affirm.js';
import { classifierFor, decideFeedbackStages, decidePolicy, type PolicyDecision, type PolicyDecisionInput } from './decide.js';

export type CurCommentStatus = 'no_change' | 'approval' | 'disapproval' | 'pr_title' | 'pr_author' | 'pr_audit';

export interface CurComment {
  status: CurCommentStatus;
  /** Login for `approval` / `disapproval`, else `""`. */
  author: string;
}

export interface ApprovalInfo {
  /** decision && audit && affirmed. */
  approved: boolean;
  decision: PolicyDecision;
  affirmation: Affirmation;
  auditOk: boolean;
  /** Sorted; from the affirmation re-run when that is what approved. */
  approvers: string[];
  disapprovers: string[];
  curComment: CurComment;
}

export interface ApprovalInfoInput extends PolicyDecisionInput {
  commits: readonly CommitInfo[];
  /** `feedback.authoraffirm` of the policy (or top level). */
  authorAffirm: boolean;
  auditOk: boolean;
}

export function approvalInfo(input: ApprovalInfoInput): ApprovalInfo {
  const classifier = input.classifier ?? classifierFor(input.config, input.policy);
  const base = { ...input, classifier };
  const decision = decidePolicy(base);
  const affirmation = affirmAuthor(decision, base, input.commits, input.authorAffirm);
  const approvers = affirmation.rule === 'non-committers-approved' && affirmation.rerun !== undefined
    ? affirmation.rerun.approvers
    : decision.approvers;
  return {
    approved: decision.approved && input.auditOk && affirmation.affirmed,
    decision,
    affirmation,
    auditOk: input.auditOk,
    approvers,
    disapprovers: decision.disapprovers,
    curComment: currentComment(decision, base, input.auditOk, true),
  };
}

/**
 * What the latest feedback did: the policy re-run on only the last approval item and the last disapproval
 * item; the last event wins (an approval evaluated after a non-blocking disapproval reports the approval).
 * `fromInput`: `decision` was computed from this very `input`, so its passing title and author stages
 * need not be re-run.
 */
export function currentComment(decision: PolicyDecision, input: PolicyDecisionInput, auditOk: boolean, fromInput = false): CurComment {
  if (!auditOk) return { status: 'pr_audit', author: '' };
  if (!decision.validTitle) return { status: 'pr_title', author: '' };
  if (!decision.validAuthor) return { status: 'pr_author', author: '' };
  const lastApproval = input.approval[input.approval.length - 1];
  const lastDisapproval = input.disapproval[input.disapproval.length - 1];
  if (lastApproval === undefined || lastDisapproval === undefined) return { status: 'no_change', author: '' };
  const last = { ...input, approval: [lastApproval], disapproval: [lastDisapproval], explain: false };
  const rerun = fromInput ? decideFeedbackStages(last) : decidePolicy(last);
  let cur: CurComment = { status: 'no_change', author: '' };
  for (const e of [...rerun.disapprovalEvents, ...rerun.approvalEvents]) {
    if (e.type === 'Approval') cur = { status: 'approval', author: e.login };
    else if (e.type === 'DisapprovalInsert') cur = { status: 'disapproval', author: e.login };
  }
  return cur;
}
