/**
 * What a merge needs from the approvals (spec §8 step 5, §9): the tag version, the `explicit` version, the
 * merge commit comment and message — all from the approval items that counted in a fresh evaluation of the
 * selected policy.
 */
import type { Config, TagConfig } from '../config/types.js';
import { selectPolicy } from '../scope.js';
import { checkTagName, compileTagTemplate } from '../tags/template.js';
import { approvalGroups, commitComment, lastVersionComment, mergeCommitMessage, nextVersion, type VersionChoice } from '../tags/version.js';
import type { FeedbackItem, PullRequestInfo, Snapshot } from '../types.js';
import { effectivePatterns } from './classify.js';
import { countedApprovalItems, decidePolicy, type PolicyDecision } from './decide.js';

export interface TagInput {
  config: Config;
  snapshot: Snapshot;
  pr: PullRequestInfo;
  files: readonly string[];
  approval: readonly FeedbackItem[];
  disapproval: readonly FeedbackItem[];
  closingIssueAuthors?: readonly string[];
  /** Repository tag names; null when listing failed. */
  existingTags: readonly string[] | null;
  /** The clock (ms since epoch). */
  now: number;
  /** Overrides the configured algorithm (conformance). */
  algorithm?: string;
}

export interface TagResult extends VersionChoice {
  /** The tag settings in force (policy `tag` or top level). */
  tagConfig: TagConfig;
  /** The tag name; null when no tag is to be created. Throws PolicyError if the template cannot render. */
  tagName: string | null;
  lastVersionComment: string;
  commitComment: string;
  decision: PolicyDecision;
}

export function tagVersion(input: TagInput): TagResult {
  const policy = selectPolicy(input.config, { baseBranch: input.pr.baseBranch, compareBranch: input.pr.compareBranch, files: input.files });
  const tagConfig = policy.tag ?? input.config.tag;
  const decision = decidePolicy({
    config: input.config,
    policy,
    snapshot: input.snapshot,
    author: input.pr.author,
    title: input.pr.title,
    approval: input.approval,
    disapproval: input.disapproval,
    closingIssueAuthors: input.closingIssueAuthors,
    explain: false,
  });
  const { pattern } = effectivePatterns(input.config, policy);
  const counted = countedApprovalItems(decision, input.approval);
  const groups = approvalGroups(pattern, counted.map((f) => f.body));
  const choice = nextVersion({
    algorithm: input.algorithm ?? tagConfig.algorithm,
    increment: tagConfig.increment,
    now: input.now,
    existingTags: input.existingTags,
    approvalVersions: groups.versions,
  });
  let tagName: string | null = null;
  if (choice.version !== null) {
    const template = tagConfig.template === '' ? '{{.Version}}' : tagConfig.template;
    tagName = compileTagTemplate(template, tagConfig.docker).render(choice.version);
    // Explicit versions come from comments: the real rendering must pass the same checks as the trial one.
    checkTagName(tagName, template, tagConfig.docker);
  }
  return {
    ...choice,
    tagConfig,
    tagName,
    lastVersionComment: lastVersionComment(groups.versions),
    commitComment: commitComment(groups.comments),
    decision,
  };
}

/** The merge commit message for the approvers of `result.decision` (§8 step 5). */
export function mergeMessageFor(result: Pick<TagResult, 'commitComment' | 'decision'>, snapshot: Snapshot, brandingShort?: string): string {
  return mergeCommitMessage({ comment: result.commitComment, approvers: result.decision.approvers, people: snapshot.people, brandingShort });
}
