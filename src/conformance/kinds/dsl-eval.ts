/** Conformance kind `dsl-eval` (README §4.2): policy selection and the decision pipeline of §3.6. */
import { decidePolicy } from '../../policy/approval/decide.js';
import { selectPolicy } from '../../policy/scope.js';
import type { KindAdapter } from '../kind.js';
import { policyVectorInput } from './_policy-input.js';

export const adapter: KindAdapter = {
  normative: ['approved', 'approvers', 'disapprovers', 'valid_author', 'valid_title', 'policy'],
  setValued: ['approvers', 'disapprovers'],
  run(input) {
    const v = policyVectorInput(input);
    const policy = selectPolicy(v.config, { baseBranch: v.pr.baseBranch, compareBranch: v.pr.compareBranch, files: v.files });
    const d = decidePolicy({
      config: v.config,
      policy,
      snapshot: v.snapshot,
      author: v.pr.author,
      title: v.pr.title,
      approval: v.approval,
      disapproval: v.disapproval,
      closingIssueAuthors: v.closingIssueAuthors,
    });
    return {
      approved: d.approved,
      approvers: d.approvers,
      disapprovers: d.disapprovers,
      valid_author: d.validAuthor,
      valid_title: d.validTitle,
      policy: { position: policy.position, name: policy.name },
    };
  },
};
