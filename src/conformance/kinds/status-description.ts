/** Conformance kind `status-description` (README §4.4): the commit-status table and the description truncation. */
import { commitStatus, truncateDescription } from '../../policy/approval/status.js';
import type { KindAdapter } from '../kind.js';
import { bool, strings } from './_input.js';

export const adapter: KindAdapter = {
  normative: ['state', 'description', 'sent_description_length'],
  run(input) {
    if (typeof input.description_length === 'number') {
      const n = Math.max(0, Math.min(1_000_000, Math.trunc(input.description_length)));
      return { sent_description_length: Buffer.byteLength(truncateDescription('x'.repeat(n))) };
    }
    return {
      ...commitStatus({
        approved: bool(input.approved),
        auditOk: bool(input.audit_approved),
        titleOk: bool(input.title_approved),
        authorOk: bool(input.author_approved),
        authorAffirmed: bool(input.author_affirmed),
        approvers: strings(input.approvers),
        disapprovers: strings(input.disapprovers),
      }),
    };
  },
};
