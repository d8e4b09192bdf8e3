/** Conformance kind `dsl-eval` (README §4.2): policy selection and the decision pipeline of §3.6. */
import { decidePolicy } from '../../policy/approval/decide.js';
import type { KindAdapter } from '../kind.js';
import { policyDecisionInput, policyVectorInput } from './_policy-input.js';

export const adapter: KindAdapter = {
  normative: ['approved', 'approvers', 'disapprovers', 'valid_author', 'valid_title', 'policy'],
  setValued: ['approvers', 'disapprovers'],
  run(input) {
    const di = policyDecisionInput(policyVectorInput(input));
    const d = decidePolicy(di);
    return {
      approved: d.approved,
      approvers: d.approvers,
      disapprovers: d.disapprovers,
      valid_author: d.validAuthor,
      valid_title: d.validTitle,
      policy: { position: di.policy.position, name: di.policy.name },
    };
  },
};
