/** Conformance kind `scope` (README §4.5): which policy a pull request selects. */
import { parseConfig } from '../../policy/config/index.js';
import { isPolicyError } from '../../policy/errors.js';
import { selectPolicy } from '../../policy/scope.js';
import type { KindAdapter } from '../kind.js';
import { record, str, strings } from './_input.js';

export const adapter: KindAdapter = {
  normative: ['policy'],
  run(input) {
    try {
      const { config } = parseConfig(str(input.config));
      const pr = record(input.pull_request);
      const policy = selectPolicy(config, {
        baseBranch: str(pr.base_branch),
        compareBranch: str(pr.compare_branch),
        files: strings(input.files),
      });
      return { policy: { position: policy.position, name: policy.name } };
    } catch (e) {
      if (isPolicyError(e)) return { error: e.message };
      throw e;
    }
  },
};
