/**
 * Policy selection (spec §5): policies are tried in order and the first whose scope matches is used. A scope
 * matches when every non-empty criterion holds: the base branch is listed in `branches`; the PR changes at
 * least one file and every changed file matches some glob of `paths` (resp. some regex of `regexpaths`);
 * some `regexbase` regex matches the base branch; some `regexcompare` regex matches the head branch.
 */
import type { Config, Policy, Scope } from './config/types.js';
import { emptyScope } from './config/defaults.js';

export interface ScopeRequest {
  baseBranch: string;
  compareBranch: string;
  /** Changed file paths. */
  files: readonly string[];
}

function everyFile(files: readonly string[], matches: (path: string) => boolean): boolean {
  return files.length > 0 && files.every(matches);
}

/** Whether one scope selects the request. An empty scope matches everything. */
export function scopeMatches(scope: Scope, req: ScopeRequest): boolean {
  if (scope.branches.length > 0 && !scope.branches.includes(req.baseBranch)) return false;
  if (scope.paths.length > 0 && !everyFile(req.files, (f) => scope.paths.some((g) => g.test(f)))) return false;
  if (scope.regexpaths.length > 0 && !everyFile(req.files, (f) => scope.regexpaths.some((r) => r.test(f)))) return false;
  if (scope.regexbase.length > 0 && !scope.regexbase.some((r) => r.test(req.baseBranch))) return false;
  if (scope.regexcompare.length > 0 && !scope.regexcompare.some((r) => r.test(req.compareBranch))) return false;
  return true;
}

/**
 * The policy for a request. Validation guarantees the last scope is empty, so one is always found; the
 * fallback (a policy matching nothing, `match: false`) only guards configs built without validation.
 */
export function selectPolicy(config: Config, req: ScopeRequest): Policy {
  const found = config.approvals.find((p) => scopeMatches(p.scope, req));
  if (found !== undefined) return found;
  return {
    name: '',
    position: 0,
    scope: emptyScope(),
    match: { type: 'false' },
    antimatch: { type: 'false' },
    authormatch: { type: 'universe', count: 1, self: true },
    matchText: 'false',
    antimatchText: 'false',
    authormatchText: 'universe[count=1,self=true]',
  };
}
