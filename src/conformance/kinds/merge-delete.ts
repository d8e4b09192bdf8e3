/** Conformance kind `merge-delete` (README §4.12): branch-deletion eligibility of §10. */
import { branchDeletionEligibility } from '../../policy/actions/branch-deletion.js';
import type { KindAdapter } from '../kind.js';
import { str } from './_input.js';
import { configFrom, pullRequestFrom } from './_policy-input.js';

export const adapter: KindAdapter = {
  normative: ['eligible', 'messages'],
  run(input) {
    const pr = pullRequestFrom(input.pull_request);
    const r = branchDeletionEligibility(configFrom(input), pr.compareBranch, pr.compareOwner, str(input.repo_owner));
    return { eligible: r.eligible, messages: r.messages };
  },
};
