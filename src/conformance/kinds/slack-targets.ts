/** Conformance kind `slack-targets` (README §4.15). */
import { resolveSlackTargets } from '../../policy/actions/slack-targets.js';
import type { KindAdapter } from '../kind.js';
import { record, str } from './_input.js';

export const adapter: KindAdapter = {
  normative: ['targets'],
  run(input) {
    const stored = (Array.isArray(input.stored_urls) ? input.stored_urls : []).map((s) => {
      const r = record(s);
      return { host: str(r.host), user: str(r.user), url: str(r.url) };
    });
    const targets = (Array.isArray(input.targets) ? input.targets : []).map((t) => ({ target: str(record(t).target) }));
    return { targets: resolveSlackTargets(targets, str(input.user), str(input.SLACK_TARGET_URL), stored) };
  },
};
