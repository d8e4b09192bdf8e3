/** Conformance kind `tag-template` (README §4.10): compile (trial render + checks), then render versions. */
import { PolicyError } from '../../policy/errors.js';
import { compileTagTemplate } from '../../policy/tags/template.js';
import type { KindAdapter } from '../kind.js';
import { bool, str } from './_input.js';

const PREFIX = 'tag_for_version_';

/**
 * `tag_for_version_<V>` keys are open-ended while the runner's `normative` list is static: `run` adds the
 * keys of the vector at hand before the runner compares (vectors are run one at a time). Keys added for
 * earlier vectors are harmless: only fields present in `expect` are compared.
 */
const normative: string[] = ['valid'];

export const adapter: KindAdapter = {
  normative,
  run(input, expect) {
    const versions = Object.keys(expect).filter((k) => k.startsWith(PREFIX));
    for (const k of versions) if (!normative.includes(k)) normative.push(k);
    let template;
    try {
      template = compileTagTemplate(str(input.template), bool(input.docker));
    } catch (e) {
      if (e instanceof PolicyError) return { error: e.message, valid: false };
      throw e;
    }
    const out: Record<string, unknown> = { valid: true };
    for (const k of versions) out[k] = template.render(k.slice(PREFIX.length));
    return out;
  },
};
