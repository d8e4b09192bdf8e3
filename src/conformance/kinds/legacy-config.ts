/** Conformance kind `legacy-config` (README §4.9): `.lgtm` parsing, HJSON rendering, conversion. */
import { configToHjson, lgtmToChecksOut, parseLegacyConfig, renderConfig } from '../../policy/config/index.js';
import { isPolicyError } from '../../policy/errors.js';
import { SkipVector, type KindAdapter } from '../kind.js';
import { str } from './_input.js';

export const adapter: KindAdapter = {
  normative: ['config', 'is_old', 'hjson_omit_empty_structs', 'file'],
  setValued: ['config.approvals.*.scope.branches', 'config.audit.branches'],
  run(input) {
    const text = str(input.lgtm_text);
    try {
      switch (input.operation) {
        case 'parse': {
          const config = parseLegacyConfig(text);
          return { config: renderConfig(config), is_old: config.isOld, hjson_omit_empty_structs: configToHjson(config) };
        }
        case 'lgtm-to-checks-out':
          return { file: lgtmToChecksOut(text) };
        default:
          throw new SkipVector(`unknown legacy-config operation ${JSON.stringify(input.operation)}`);
      }
    } catch (e) {
      if (isPolicyError(e)) return { error: e.message };
      throw e;
    }
  },
};
