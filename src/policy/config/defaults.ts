/**
 * Default values of every `.checks-out` section (spec §2.3). Each call returns a fresh object, because the
 * decoder fills defaults in place.
 */
import type { Matcher } from '../dsl/ast.js';
import type {
  AuditConfig, CommentConfig, CommitConfig, DeployConfig, FeedbackConfig, MaintainersConfig, MergeConfig, Scope, TagConfig,
} from './types.js';

export const defaultCommit = (): CommitConfig => ({ range: 'head', antirange: 'head', tagrange: 'head', ignoreuimerge: true });
export const defaultMaintainers = (): MaintainersConfig => ({ path: 'MAINTAINERS', type: 'text' });
export const defaultMerge = (): MergeConfig => ({ enable: false, uptodate: true, method: 'merge', delete: false });
export const defaultFeedback = (): FeedbackConfig => ({ types: ['comment', 'review'], authoraffirm: true });
export const defaultTag = (): TagConfig => ({ enable: false, algorithm: 'semver', template: '{{.Version}}', increment: 'patch', docker: false });
export const defaultComment = (): CommentConfig => ({ enable: false, targets: null });
export const defaultDeploy = (): DeployConfig => ({ enable: false, path: 'DEPLOYMENTS' });
export const defaultAudit = (): AuditConfig => ({ enable: false, branches: ['master'] });
export const emptyScope = (): Scope => ({ branches: [], paths: [], regexpaths: [], regexbase: [], regexcompare: [] });

/** `all[count=1,self=true]`: the default `match` and `antimatch`. */
export const defaultMatch = (): Matcher => ({ type: 'all', count: 1, self: true });
/** `universe[count=1,self=true]`: the default `authormatch`. */
export const defaultAuthorMatch = (): Matcher => ({ type: 'universe', count: 1, self: true });
export const DEFAULT_MATCH_TEXT = 'all[count=1,self=true]';
export const DEFAULT_AUTHORMATCH_TEXT = 'universe[count=1,self=true]';
