/**
 * The parsed `.checks-out` configuration (spec §2.3). These are the engine's working types: regex fields hold
 * compiled `UserRegex` values (their `.source` is what gets rendered), match expressions hold the compiled
 * `Matcher` plus the text they came from. Produced by `parseConfig` / `parseLegacyConfig`; consumed by scope
 * selection, the approval pipeline, tagging, merging, notifications and `renderConfig`.
 */
import type { Matcher } from '../dsl/ast.js';
import type { UserRegex } from '../regex.js';
import type { SourceLocation } from '../errors.js';

/** `commit.range` / `antirange` / `tagrange` (§6.2). */
export type CommitRange = 'head' | 'all';
export const COMMIT_RANGES: readonly CommitRange[] = ['head', 'all'];

export type FeedbackType = 'comment' | 'review';
export const FEEDBACK_TYPES: readonly FeedbackType[] = ['comment', 'review'];

/** `tag.increment`. The zero value in the original is `patch`. */
export type SemverIncrement = 'major' | 'minor' | 'patch' | 'none';
export const SEMVER_INCREMENTS: readonly SemverIncrement[] = ['major', 'minor', 'patch', 'none'];

/** Notification message types (§12.1). */
export type CommentMessage =
  | 'error' | 'open' | 'close' | 'accept' | 'approve' | 'block' | 'reset'
  | 'push-ignore' | 'merge' | 'tag' | 'delete' | 'deploy' | 'author';
export const COMMENT_MESSAGES: readonly CommentMessage[] = [
  'error', 'open', 'close', 'accept', 'approve', 'block', 'reset',
  'push-ignore', 'merge', 'tag', 'delete', 'deploy', 'author',
];

/** Permitted `maintainers.type` values; anything else is a validation error (§2.5). */
export const MAINTAINERS_TYPES: readonly string[] = ['text', 'hjson', 'toml', 'legacy'];

export interface CommitConfig {
  range: CommitRange;
  antirange: CommitRange;
  /** Parsed and echoed, never used (Go bug §19.12). */
  tagrange: CommitRange;
  ignoreuimerge: boolean;
}

export interface MaintainersConfig {
  path: string;
  /** `text` | `hjson` | `toml` | `legacy` after validation. */
  type: string;
}

export interface MergeConfig {
  enable: boolean;
  uptodate: boolean;
  /** `merge` | `squash` | `rebase`, passed to GitHub unvalidated. */
  method: string;
  delete: boolean;
}

export interface FeedbackConfig {
  types: FeedbackType[];
  authoraffirm: boolean;
}

export interface TagConfig {
  enable: boolean;
  /** `semver` | `timestamp-rfc3339` | `timestamp-millis` | `explicit`; anything else acts as semver. `""` in legacy configs. */
  algorithm: string;
  /** Go text/template source over `{Version}`; `""` in legacy configs. */
  template: string;
  increment: SemverIncrement;
  docker: boolean;
}

export interface CommentTarget {
  /** `github`, `slack`, or a Slack host name. */
  target: string;
  /** Only notify when the PR title matches; null = always. */
  pattern: UserRegex | null;
  /** Message types to send; null = all. */
  types: CommentMessage[] | null;
  /** Slack channels / users; null = none. */
  names: string[] | null;
}

export interface CommentConfig {
  enable: boolean;
  targets: CommentTarget[] | null;
}

export interface DeployConfig {
  enable: boolean;
  path: string;
}

export interface AuditConfig {
  enable: boolean;
  branches: string[];
}

/** A glob of `scope.paths` (§5): `text` is the original (untrimmed) text, `source` its anchored RE2 translation. */
export interface CompiledGlob {
  readonly text: string;
  /** The translated regex source, e.g. `^[^/]*\.java$`. */
  readonly source: string;
  /** Whole-path match. */
  test(path: string): boolean;
}

export interface Scope {
  branches: string[];
  paths: CompiledGlob[];
  regexpaths: UserRegex[];
  regexbase: UserRegex[];
  regexcompare: UserRegex[];
}

/** The three DSL-valued fields of a policy. */
export type ExpressionField = 'match' | 'antimatch' | 'authormatch';

export interface Policy {
  /** `""` when not named. */
  name: string;
  /** 1-based index in `approvals` (not serialised). */
  position: number;
  scope: Scope;
  match: Matcher;
  antimatch: Matcher;
  authormatch: Matcher;
  /** Source texts of the three expressions. */
  matchText: string;
  antimatchText: string;
  authormatchText: string;
  /** Overrides of the top-level values; absent ⇒ use the top-level one. */
  pattern?: UserRegex;
  antipattern?: UserRegex;
  antititle?: UserRegex;
  /** Present ⇒ replaces the top-level section (omitted sub-fields take their defaults, not top-level values). */
  merge?: MergeConfig;
  tag?: TagConfig;
  feedback?: FeedbackConfig;
  /** Where the policy object starts in the file (for diagnostics). */
  location?: SourceLocation;
  /**
   * File position of 1-based character `column` of an expression as written (start of the expression when
   * `column` is absent), for errors found after parsing (validation against MAINTAINERS, §3.7). Undefined
   * when the expression was not written in the file (a default, or `antimatch` forced by `match: off`).
   */
  locateExpression?: (field: ExpressionField, column?: number) => SourceLocation | undefined;
}

export interface Config {
  approvals: Policy[];
  pattern: UserRegex;
  antipattern?: UserRegex;
  antititle?: UserRegex;
  commit: CommitConfig;
  maintainers: MaintainersConfig;
  merge: MergeConfig;
  feedback: FeedbackConfig;
  tag: TagConfig;
  comment: CommentConfig;
  deploy: DeployConfig;
  audit: AuditConfig;
  /** True for a config read from a legacy `.lgtm` file (§2.7). */
  isOld: boolean;
}

/** OAuth capabilities of the enabling user (§14.2); absent = all granted. */
export interface Capabilities {
  Org: { Read: boolean };
  Repo: {
    Tag: boolean;
    Merge: boolean;
    DeleteBranch: boolean;
    CommitStatus: boolean;
    PRWriteComment: boolean;
    DeploymentStatus: boolean;
  };
}

/** Environment-dependent defaults (§1), passed in because the engine never reads process.env. */
export interface ConfigOptions {
  /** File name used in error locations; default `.` + `brandingName`. */
  file?: string;
  /** `BRANDING_NAME`; default `checks-out` (so the file is `.checks-out`). */
  brandingName?: string;
  /** `DEFAULT_PATTERN`; default the spec's `(?i)^I approve…`. */
  defaultPattern?: string;
  /** Capabilities of the enabling user; default all granted. */
  capabilities?: Capabilities;
}

/** Options for legacy `.lgtm` parsing (§2.7). */
export interface LegacyOptions {
  file?: string;
  /** `CHECKS_OUT_APPROVALS`, default 2. */
  approvals?: number;
  /** `CHECKS_OUT_PATTERN`, default `(?i)LGTM`. */
  pattern?: string;
  /** `CHECKS_OUT_SELF_APPROVAL_OFF`, default false. */
  selfApprovalOff?: boolean;
  /** `DEFAULT_PATTERN`, used for sections the legacy file does not cover. */
  defaultPattern?: string;
}

/** A non-fatal finding about the file (lint), with where it is. */
export interface ConfigWarning {
  message: string;
  location: SourceLocation;
}

export interface ParsedConfig {
  config: Config;
  warnings: ConfigWarning[];
}

/** One entry of the deployment file (§2.8); `null` = key absent in the file. */
export interface DeploymentEntry {
  tasks: string[] | null;
  env: string | null;
}

/** Base-branch name → entry. A Map so that hostile branch names are ordinary keys. */
export type Deployments = Map<string, DeploymentEntry>;

/** Defaults of the environment values (§1). */
export const DEFAULT_PATTERN =
  '(?i)^I approve\\s*(version:\\s*(?P<version>\\S+))?\\s*(comment:\\s*(?P<comment>.*\\S))?\\s*';
export const DEFAULT_LEGACY_APPROVALS = 2;
export const DEFAULT_LEGACY_PATTERN = '(?i)LGTM';
export const DEFAULT_CONFIG_FILE = '.checks-out';
