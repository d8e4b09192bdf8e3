/**
 * One call for the whole evaluation of a pull request, shared by the CLI `simulate`, the service and the UI:
 * policy selection, feedback gathering, the decision pipeline, author affirmation, audit, commit status and
 * the explanation of it all.
 */
import type { Config, FeedbackType } from '../config/types.js';
import { selectPolicy } from '../scope.js';
import type { TraceNode } from '../dsl/trace.js';
import type { CommitInfo, FeedbackItem, PullRequestInfo, Snapshot } from '../types.js';
import type { AffirmationRule } from './affirm.js';
import { classifierFor } from './decide.js';
import { explainFeedback, explainScope, missingApprovals, type FeedbackExplanation, type Missing, type ScopeCheck } from './explain.js';
import { gatherFeedback, type Cutoff, type FeedbackRecord } from './feedback.js';
import { approvalInfo, type CurComment } from './info.js';
import { sanitizeInput } from './sanitize.js';
import { commitStatus, type CommitState } from './status.js';

export interface EvaluateInput {
  config: Config;
  snapshot: Snapshot;
  pr: PullRequestInfo;
  /** Changed files (scope selection). */
  files?: readonly string[];
  /** Every PR comment and review, with timestamps; gathered per `commit.range` (§6.1–6.2). */
  feedback?: readonly FeedbackItem[];
  /** Already gathered lists (used as given, e.g. conformance vectors); replaces `feedback`. */
  lists?: { approval: readonly FeedbackItem[]; disapproval?: readonly FeedbackItem[] };
  /** PR commits, oldest first (the last is the head). */
  commits?: readonly CommitInfo[];
  /** SHAs of base-branch commits since the PR was created (UI-merge walk). */
  baseShas?: ReadonlySet<string>;
  /** Real push times by SHA; `headPushedAt` when only the head's is known. Committer dates are the fallback. */
  pushTimes?: ReadonlyMap<string, number>;
  headPushedAt?: number;
  /** Authors of the issues the PR closes (`issue-author`). */
  closingIssueAuthors?: readonly string[];
  /** Audit chain satisfied (§13); default true. */
  auditOk?: boolean;
  /** BRANDING_SHORT_NAME (status text, service-message prefix); default `checks-out`. */
  brandingShort?: string;
  /** Build the explanation (default true). False for hot paths that need only the outcome. */
  explain?: boolean;
}

export interface Explanation {
  /** The policies tried, ending with the one selected. */
  scope: ScopeCheck[];
  policy: { position: number; name: string; match: string; antimatch: string; authormatch: string };
  feedbackTypes: FeedbackType[];
  range: { range: string; antirange: string; ignoreUiMerge: boolean };
  /** The head-range cutoff (undefined when the lists were given or both ranges are `all`). */
  cutoff?: Cutoff;
  title: { title: string; antititle?: string; blocked: boolean };
  author: { login: string; evaluated: boolean; holds: boolean; trace?: TraceNode };
  disapproval: { evaluated: boolean; holds: boolean; trace?: TraceNode };
  approval: { evaluated: boolean; holds: boolean; trace?: TraceNode; missing: Missing[] };
  affirmation: { rule: AffirmationRule; affirmed: boolean; otherCommitAuthors: string[] };
  audit: { ok: boolean };
  feedback: FeedbackExplanation[];
}

export interface Decision {
  approved: boolean;
  state: CommitState;
  /** Untruncated; `truncateDescription` before posting. */
  description: string;
  policy: { position: number; name: string };
  approvers: string[];
  disapprovers: string[];
  validTitle: boolean;
  validAuthor: boolean;
  authorAffirmed: boolean;
  auditOk: boolean;
  curComment: CurComment;
  /** The lists the policy ran on. */
  approvalList: FeedbackItem[];
  disapprovalList: FeedbackItem[];
  /** Absent when evaluated with `explain: false`. */
  explanation?: Explanation;
}

export function evaluatePullRequest(raw: EvaluateInput): Decision {
  const input = sanitizeInput(raw);
  const { config, pr } = input;
  const explain = input.explain ?? true;
  const req = { baseBranch: pr.baseBranch, compareBranch: pr.compareBranch, files: input.files ?? [] };
  const policy = selectPolicy(config, req);
  const feedbackConfig = policy.feedback ?? config.feedback;
  const commits = input.commits ?? [];

  let approval: FeedbackItem[];
  let disapproval: FeedbackItem[];
  let records: FeedbackRecord[];
  let cutoff: Cutoff | undefined;
  if (input.lists !== undefined) {
    approval = [...input.lists.approval];
    disapproval = [...(input.lists.disapproval ?? input.lists.approval)];
    const both = new Set<FeedbackItem>([...approval, ...disapproval]);
    const inA = new Set(approval);
    const inD = new Set(disapproval);
    records = [...both].map((item) => ({
      item,
      approvalExclusion: inA.has(item) ? undefined : 'not-in-list',
      disapprovalExclusion: inD.has(item) ? undefined : 'not-in-list',
    }));
  } else {
    const g = gatherFeedback({
      feedback: input.feedback ?? [],
      commits,
      types: feedbackConfig.types,
      range: config.commit.range,
      antirange: config.commit.antirange,
      ignoreUiMerge: config.commit.ignoreuimerge,
      baseShas: input.baseShas,
      pushTimes: input.pushTimes,
      headPushedAt: input.headPushedAt,
      brandingShort: input.brandingShort,
    });
    ({ approval, disapproval, records, cutoff } = g);
  }

  const classifier = classifierFor(config, policy);
  const auditOk = input.auditOk ?? true;
  const info = approvalInfo({
    config,
    policy,
    snapshot: input.snapshot,
    author: pr.author,
    title: pr.title,
    approval,
    disapproval,
    closingIssueAuthors: input.closingIssueAuthors,
    classifier,
    explain,
    commits,
    authorAffirm: feedbackConfig.authoraffirm,
    auditOk,
  });
  const { decision, affirmation } = info;
  const status = commitStatus(
    {
      approved: info.approved,
      approvers: info.approvers,
      disapprovers: info.disapprovers,
      authorAffirmed: affirmation.affirmed,
      auditOk,
      titleOk: decision.validTitle,
      authorOk: decision.validAuthor,
    },
    input.brandingShort,
  );
  const result: Decision = {
    approved: info.approved,
    state: status.state,
    description: status.description,
    policy: { position: policy.position, name: policy.name },
    approvers: info.approvers,
    disapprovers: info.disapprovers,
    validTitle: decision.validTitle,
    validAuthor: decision.validAuthor,
    authorAffirmed: affirmation.affirmed,
    auditOk,
    curComment: info.curComment,
    approvalList: approval,
    disapprovalList: disapproval,
  };
  if (!explain) return result;

  result.explanation = {
    scope: explainScope(config, req, policy),
    policy: {
      position: policy.position,
      name: policy.name,
      match: policy.matchText,
      antimatch: policy.antimatchText,
      authormatch: policy.authormatchText,
    },
    feedbackTypes: [...feedbackConfig.types],
    range: { range: config.commit.range, antirange: config.commit.antirange, ignoreUiMerge: config.commit.ignoreuimerge },
    cutoff,
    title: { title: pr.title, antititle: decision.title.antititle, blocked: decision.title.blocked },
    author: {
      login: pr.author.toLowerCase(),
      evaluated: decision.authorEval !== undefined,
      holds: decision.validAuthor,
      trace: decision.authorEval?.trace,
    },
    disapproval: {
      evaluated: decision.antimatchEval !== undefined,
      holds: decision.antimatchEval?.holds ?? false,
      trace: decision.antimatchEval?.trace,
    },
    approval: {
      evaluated: decision.matchEval !== undefined,
      holds: decision.matchEval?.holds ?? false,
      trace: decision.matchEval?.trace,
      missing: missingApprovals(decision.matchEval?.trace),
    },
    affirmation: { rule: affirmation.rule, affirmed: affirmation.affirmed, otherCommitAuthors: affirmation.otherCommitAuthors },
    audit: { ok: auditOk },
    feedback: explainFeedback({ records, approval, disapproval, decision, classifier, cutoff }),
  };
  return result;
}
