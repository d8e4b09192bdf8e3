/** Conformance kind `config-parse` (README §4.8): decode, post-process, validate and render a `.checks-out`. */
import { parseConfig, renderConfig } from '../../policy/config/index.js';
import type { Capabilities } from '../../policy/config/types.js';
import { isPolicyError } from '../../policy/errors.js';
import type { KindAdapter } from '../kind.js';
import { record, str } from './_input.js';

/** Vector capabilities: `{Org: {Read}, Repo: {...}}` with boolean leaves; a missing leaf is not granted. */
export function capabilitiesFrom(v: unknown): Capabilities | undefined {
  if (v === undefined || v === null) return undefined;
  const org = record(record(v).Org);
  const repo = record(record(v).Repo);
  const flag = (r: Record<string, unknown>, k: string): boolean => r[k] === true;
  return {
    Org: { Read: flag(org, 'Read') },
    Repo: {
      Tag: flag(repo, 'Tag'),
      Merge: flag(repo, 'Merge'),
      DeleteBranch: flag(repo, 'DeleteBranch'),
      CommitStatus: flag(repo, 'CommitStatus'),
      PRWriteComment: flag(repo, 'PRWriteComment'),
      DeploymentStatus: flag(repo, 'DeploymentStatus'),
    },
  };
}

export const adapter: KindAdapter = {
  normative: ['config', 'positions', 'parses'],
  setValued: ['config.approvals.*.scope.branches', 'config.audit.branches'],
  run(input) {
    try {
      const { config } = parseConfig(str(input.text), { capabilities: capabilitiesFrom(input.capabilities) });
      return { config: renderConfig(config), positions: config.approvals.map((p) => p.position), parses: true };
    } catch (e) {
      if (isPolicyError(e)) return { error: e.message };
      throw e;
    }
  },
};
