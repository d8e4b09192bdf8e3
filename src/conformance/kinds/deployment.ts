/** Conformance kind `deployment` (README §4.14): parse a deployment file. */
import { parseDeployments } from '../../policy/config/index.js';
import { isPolicyError } from '../../policy/errors.js';
import type { KindAdapter } from '../kind.js';
import { str } from './_input.js';

export const adapter: KindAdapter = {
  normative: ['deployments'],
  run(input) {
    try {
      const deployments = parseDeployments(str(input.text));
      const out = new Map<string, { env: string | null; tasks: string[] | null }>();
      for (const [branch, entry] of deployments) out.set(branch, { env: entry.env, tasks: entry.tasks });
      return { deployments: out };
    } catch (e) {
      if (isPolicyError(e)) return { error: e.message };
      throw e;
    }
  },
};
