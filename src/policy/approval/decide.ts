/**
 * The decision pipeline for one policy (spec §3.6): title, author, disapproval, approval — each stage only
 * when the previous one passed. The approver/disapprover sets are built from the matcher events in the
 * order they were emitted (a later approval withdraws an earlier disapproval).
 */
import type { Config, Policy } from '../config/types.js';
import { evaluateMatcher, type EvaluationResult } from '../dsl/evaluate.js';
import type { MatcherEvent } from '../dsl/trace.js';
import type { UserRegex } from '../regex.js';
import type { FeedbackItem, Snapshot } from '../types.js';
import { cachedTest, effectivePatterns, makeClassifier, type Classifier } from './classify.js';

export type BlockingStage = 'title' | 'author' | 'disapproval';

export interface PolicyDecisionInput {
  config: Pick<Config, 'pattern' | 'antipattern' | 'antititle'>;
  policy: Policy;
  snapshot: Snapshot;
  /** PR author login (any case) and title. */
  author: string;
  title: string;
  /** Feedback lists, oldest first (§6.1). */
  approval: readonly FeedbackItem[];
  disapproval: readonly FeedbackItem[];
  closingIssueAuthors?: readonly string[];
  /** Keep per-item traces (default true); false is for hot paths that need only the outcome. */
  explain?: boolean;
  /** Pre-built classifier (reused across re-runs of the same policy). */
  classifier?: Classifier;
}

export interface TitleCheck {
  /** Source of the antititle used; undefined when none applies. */
  antititle?: string;
  /** Whether the title matched it (and so blocks). */
  blocked: boolean;
}

export interface PolicyDecision {
  approved: boolean;
  validTitle: boolean;
  validAuthor: boolean;
  /** The stage that made the result false before `match` ran; undefined when `match` decided. */
  blockedBy?: BlockingStage;
  /** Sorted logins. */
  approvers: string[];
  disapprovers: string[];
  title: TitleCheck;
  /** Present for every stage that ran. */
  authorEval?: EvaluationResult;
  antimatchEval?: EvaluationResult;
  matchEval?: EvaluationResult;
  /** Approval events of `match` (indices into the approval list). */
  approvalEvents: MatcherEvent[];
  /** Disapproval events of `antimatch` (indices into the disapproval list). */
  disapprovalEvents: MatcherEvent[];
}

/**
 * Classifiers by (pattern, antipattern): a classifier depends on nothing else, and compiled regexes are
 * immutable, so every evaluation of a policy shares one instead of allocating its closures again.
 */
const classifiers = new WeakMap<UserRegex, { plain?: Classifier; anti: WeakMap<UserRegex, Classifier> }>();

export function classifierFor(config: Pick<Config, 'pattern' | 'antipattern' | 'antititle'>, policy: Policy): Classifier {
  const { pattern, antipattern } = effectivePatterns(config, policy);
  // A config built without validation may lack a pattern: not cacheable (WeakMap keys are objects).
  if (typeof pattern !== 'object' || pattern === null) return makeClassifier(pattern, antipattern);
  let entry = classifiers.get(pattern);
  if (entry === undefined) {
    entry = { anti: new WeakMap() };
    classifiers.set(pattern, entry);
  }
  if (antipattern === undefined) return (entry.plain ??= makeClassifier(pattern, undefined));
  if (typeof antipattern !== 'object' || antipattern === null) return makeClassifier(pattern, antipattern);
  let c = entry.anti.get(antipattern);
  if (c === undefined) {
    c = makeClassifier(pattern, antipattern);
    entry.anti.set(antipattern, c);
  }
  return c;
}

export function decidePolicy(input: PolicyDecisionInput): PolicyDecision {
  const { policy, snapshot } = input;
  const { antititle } = effectivePatterns(input.config, policy);
  const classifier = input.classifier ?? classifierFor(input.config, policy);
  const explain = input.explain ?? true;
  const author = input.author;
  const closingIssueAuthors = input.closingIssueAuthors;

  const title: TitleCheck = { antititle: antititle?.source, blocked: antititle !== undefined && cachedTest(antititle, typeof input.title === 'string' ? input.title : '') };
  const decision: PolicyDecision = {
    approved: false,
    validTitle: false,
    validAuthor: false,
    approvers: [],
    disapprovers: [],
    title,
    approvalEvents: [],
    disapprovalEvents: [],
  };
  if (title.blocked) {
    decision.blockedBy = 'title';
    return decision;
  }
  decision.validTitle = true;

  const authorEval = evaluateMatcher(policy.authormatch, { snapshot, author, closingIssueAuthors, explain, action: 'author-limit' });
  decision.authorEval = authorEval;
  if (!authorEval.holds) {
    decision.blockedBy = 'author';
    return decision;
  }
  decision.validAuthor = true;
  return feedbackStages(input, decision, classifier, explain);
}

/**
 * Only the disapproval and approval stages, for a caller that knows the title and author stages pass for
 * this input (they are pure: re-running them would only repeat the answer). The result has no `authorEval`.
 */
export function decideFeedbackStages(input: PolicyDecisionInput): PolicyDecision {
  const { antititle } = effectivePatterns(input.config, input.policy);
  const decision: PolicyDecision = {
    approved: false,
    validTitle: true,
    validAuthor: true,
    approvers: [],
    disapprovers: [],
    title: { antititle: antititle?.source, blocked: false },
    approvalEvents: [],
    disapprovalEvents: [],
  };
  return feedbackStages(input, decision, input.classifier ?? classifierFor(input.config, input.policy), input.explain ?? true);
}

/** Disapproval, then approval when nobody blocks (spec §3.6 steps 3–4), recorded into `decision`. */
function feedbackStages(input: PolicyDecisionInput, decision: PolicyDecision, classifier: Classifier, explain: boolean): PolicyDecision {
  const { policy, snapshot, author, closingIssueAuthors } = input;
  const antimatchEval = evaluateMatcher(policy.antimatch, {
    snapshot,
    author,
    closingIssueAuthors,
    explain,
    action: 'disapproval',
    feedback: input.disapproval,
    isApproval: classifier.isApproval,
    isDisapproval: classifier.isDisapproval,
  });
  decision.antimatchEval = antimatchEval;
  decision.disapprovalEvents = antimatchEval.events;
  decision.disapprovers = disapproverSet(antimatchEval.events);
  if (antimatchEval.holds) {
    decision.blockedBy = 'disapproval';
    return decision;
  }

  const matchEval = evaluateMatcher(policy.match, {
    snapshot,
    author,
    closingIssueAuthors,
    explain,
    action: 'approval',
    feedback: input.approval,
    isApproval: classifier.isApproval,
  });
  decision.matchEval = matchEval;
  decision.approvalEvents = matchEval.events;
  decision.approvers = approverSet(matchEval.events);
  decision.approved = matchEval.holds;
  return decision;
}

export function approverSet(events: readonly MatcherEvent[]): string[] {
  const set = new Set<string>();
  for (const e of events) if (e.type === 'Approval') set.add(e.login);
  return [...set].sort();
}

export function disapproverSet(events: readonly MatcherEvent[]): string[] {
  const set = new Set<string>();
  for (const e of events) {
    if (e.type === 'DisapprovalInsert') set.add(e.login);
    else if (e.type === 'DisapprovalRemove') set.delete(e.login);
  }
  return [...set].sort();
}

/** The approval items that produced an `Approval` event, in list order (each item once). */
export function countedApprovalItems(decision: PolicyDecision, approval: readonly FeedbackItem[]): FeedbackItem[] {
  const indices = new Set<number>();
  for (const e of decision.approvalEvents) if (e.type === 'Approval' && e.index >= 0) indices.add(e.index);
  return [...indices].sort((a, b) => a - b).map((i) => approval[i]).filter((x) => x !== undefined);
}
