/**
 * The policy engine's public surface: everything the shell (service, CLI, UI, conformance) needs, from one
 * import. Pure modules only; see docs/architecture.md for who owns what.
 */
export * from './errors.js';
export * from './types.js';
export * from './regex.js';
export * from './glob.js';
export * from './scope.js';
export * from './dsl/index.js';
export { evaluateMatcher, type EvaluationInput, type EvaluationResult, type MatcherAction } from './dsl/evaluate.js';
export * from './dsl/trace.js';
export * from './config/index.js';
export * from './maintainers/index.js';
// Both define ALL_CAPABILITIES (config: every OAuth capability; maintainers: org read only).
export { ALL_CAPABILITIES } from './config/index.js';
export { ALL_CAPABILITIES as ALL_MAINTAINER_CAPABILITIES } from './maintainers/index.js';
export * from './tags/template.js';
export * from './tags/go-version.js';
export * from './tags/version.js';

// Approval pipeline (§3.6, §6, §7.1).
export * from './approval/classify.js';
export * from './approval/feedback.js';
export * from './approval/decide.js';
export * from './approval/affirm.js';
export * from './approval/info.js';
export * from './approval/status.js';
export * from './approval/issues.js';
export * from './approval/audit.js';
export * from './approval/tagging.js';
export * from './approval/explain.js';
export * from './approval/evaluate.js';
export * from './approval/render.js';

// Actions after the decision (§10–§12).
export * from './actions/branch-deletion.js';
export * from './actions/deployments.js';
export * from './actions/notifications.js';
export * from './actions/slack-targets.js';
