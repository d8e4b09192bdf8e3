/** Conformance kind `approval-status` (README §4.3): §6.4 affirmation, §6.5 approval info, §7.1 status. */
import { approvalInfo } from '../../policy/approval/info.js';
import { commitStatus } from '../../policy/approval/status.js';
import type { KindAdapter } from '../kind.js';
import { bool } from './_input.js';
import { commitsFrom, policyDecisionInput, policyVectorInput } from './_policy-input.js';

export const adapter: KindAdapter = {
  normative: [
    'state', 'description', 'approved', 'approvers', 'disapprovers', 'author_approved', 'title_approved',
    'author_affirmed', 'audit_approved', 'cur_comment',
  ],
  setValued: ['approvers', 'disapprovers'],
  run(input) {
    const v = policyVectorInput(input);
    const di = policyDecisionInput(v);
    const auditOk = bool(input.audit_ok, true);
    const info = approvalInfo({
      ...di,
      commits: commitsFrom(input.commits),
      authorAffirm: (di.policy.feedback ?? v.config.feedback).authoraffirm,
      auditOk,
    });
    const status = commitStatus({
      approved: info.approved,
      approvers: info.approvers,
      disapprovers: info.disapprovers,
      authorAffirmed: info.affirmation.affirmed,
      auditOk,
      titleOk: info.decision.validTitle,
      authorOk: info.decision.validAuthor,
    });
    return {
      ...status,
      approved: info.approved,
      approvers: info.approvers,
      disapprovers: info.disapprovers,
      author_approved: info.decision.validAuthor,
      title_approved: info.decision.validTitle,
      author_affirmed: info.affirmation.affirmed,
      audit_approved: auditOk,
      cur_comment: { author: info.curComment.author, status: info.curComment.status },
    };
  },
};
