/**
 * The explanation of one evaluation: why this policy, what the title/author/disapproval/approval stages
 * found, what is still missing, and for every feedback item whether it counted and why not. One plain-data
 * structure; `render.ts` turns it into text (simulate) or Markdown (check-run summary), the UI renders it too.
 */
import type { Config, Policy } from '../config/types.js';
import { emptyScope } from '../config/defaults.js';
import { scopeMatches, type ScopeRequest } from '../scope.js';
import { walkTrace, type CandidateSource, type FeedbackOutcome, type LeafTrace, type TraceNode } from '../dsl/trace.js';
import type { FeedbackItem } from '../types.js';
import { loginOf, reviewState, type Classifier } from './classify.js';
import type { PolicyDecision } from './decide.js';
import type { Cutoff, ExclusionReason, FeedbackRecord } from './feedback.js';

export interface ScopeCheck {
  position: number;
  name: string;
  matched: boolean;
  /** Criteria that did not hold: `branches`, `paths`, `regexpaths`, `regexbase`, `regexcompare`. */
  failed: string[];
}

/** Every policy up to the selected one, with the criteria that ruled the earlier ones out. */
export function explainScope(config: Pick<Config, 'approvals'>, req: ScopeRequest, selected: Policy): ScopeCheck[] {
  const out: ScopeCheck[] = [];
  for (const p of config.approvals) {
    const failed: string[] = [];
    for (const key of ['branches', 'paths', 'regexpaths', 'regexbase', 'regexcompare'] as const) {
      if (p.scope[key].length > 0 && !scopeMatches({ ...emptyScope(), [key]: p.scope[key] }, req)) failed.push(key);
    }
    out.push({ position: p.position, name: p.name, matched: failed.length === 0, failed });
    if (p === selected) break;
  }
  return out;
}

export type ItemKind = 'approval' | 'disapproval' | 'both' | 'neither';

export interface FeedbackExplanation {
  item: FeedbackItem;
  login: string;
  kind: ItemKind;
  /** Counted as an approval by `match`. */
  approved: boolean;
  /** Recorded as a standing disapproval by `antimatch`. */
  disapproved: boolean;
  /** Why it was left out of the lists (`approval` / `disapproval`), if it was. */
  excluded?: { approval?: ExclusionReason; disapproval?: ExclusionReason };
  /** A comment older than the cutoff revived by an edit after it. */
  revivedByEdit?: boolean;
  /** One sentence: what the item did, or why it did not count. */
  summary: string;
}

export interface Missing {
  /** Canonical text of the leaf that does not hold yet. */
  leaf: string;
  needed: number;
  from: string;
}

function describeCandidates(c: CandidateSource): string {
  switch (c.kind) {
    case 'maintainers': return 'maintainers';
    case 'anyone': return 'anyone';
    case 'group': return `group \`${c.name}\``;
    case 'person': return `\`${c.login}\``;
    case 'anonymous': return `{${c.members.join(', ')}}`;
    case 'author-groups': return c.groups.length > 0 ? `the author's groups (${c.groups.join(', ')})` : "the author's groups (none)";
    case 'outside-author-groups': return "maintainers outside the author's groups";
    case 'issue-authors': return 'the authors of the closed issues';
  }
}

/** "needs N more approvals from X" for every leaf of `match` that does not hold yet and can. */
export function missingApprovals(trace: TraceNode | undefined): Missing[] {
  if (trace === undefined || trace.holds) return [];
  const out: Missing[] = [];
  const visit = (n: TraceNode, negated: boolean): void => {
    if (n.authorOnly === true) return;
    if (n.leaf !== undefined) {
      if (!n.holds && !negated && n.needed !== null && n.needed > 0) {
        out.push({ leaf: n.text, needed: n.needed, from: describeCandidates(n.leaf.candidates) });
      }
      return;
    }
    if (negated || n.type === 'not') {
      for (const c of n.children) visit(c, negated !== (n.type === 'not'));
      return;
    }
    // `or` needs only its cheapest failing side; `atleast` only its cheapest missing choices.
    let kids = n.children.filter((c) => !c.holds);
    if (n.type === 'or' || n.type === 'atleast') {
      const want = n.type === 'or' ? 1 : kidsWanted(n);
      kids = kids
        .filter((c) => c.needed !== null)
        .sort((a, b) => (a.needed ?? 0) - (b.needed ?? 0))
        .slice(0, want);
    }
    for (const c of kids) visit(c, false);
  };
  visit(trace, false);
  return out;
}

/** How many failing choices of an `atleast` node must start to hold. */
function kidsWanted(n: TraceNode): number {
  const satisfied = n.satisfied ?? n.children.filter((c) => c.holds).length;
  return Math.max(0, requiredOf(n) - satisfied);
}

function requiredOf(n: TraceNode): number {
  // The trace does not carry atleast's N; recover it from the canonical text `atleast(N,...)`.
  const m = /^atleast\((-?\d+),/.exec(n.text);
  return m === null ? 0 : Number(m[1]);
}

/**
 * The leaves of a trace that look at list items, in pre-order (the order the explanation reports them in).
 * Leaves under `author(...)` only ever see the synthetic author item, so they say nothing about list items.
 */
function listLeaves(trace: TraceNode | undefined): TraceNode[] {
  if (trace === undefined) return [];
  return walkTrace(trace).filter((n) => n.leaf !== undefined && n.leaf.items.some((t) => t.index >= 0));
}

/**
 * What one leaf did with list item `k`. A leaf records one entry per item, in list order, so the entry is
 * normally at position k; the scan is only a fallback for traces built some other way. Reading the trace
 * in place (rather than regrouping every entry by item first) keeps the explanation allocation-free per item.
 */
function outcomeAt(leaf: TraceNode, k: number): FeedbackOutcome | undefined {
  const items = (leaf.leaf as LeafTrace).items;
  const t = items[k];
  if (t !== undefined && t.index === k) return t.outcome;
  for (const e of items) if (e.index === k) return e.outcome;
  return undefined;
}

/** Whether any of `leaves` did `outcome` with item `k` (k = -1: the item is not in the list). */
function anyOutcome(leaves: readonly TraceNode[], k: number, outcome: FeedbackOutcome): boolean {
  if (k < 0) return false;
  for (const leaf of leaves) if (outcomeAt(leaf, k) === outcome) return true;
  return false;
}

const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  'feedback-type-disabled': 'this feedback type is disabled (`feedback.types`)',
  'service-message': 'written by the service itself',
  dismissed: 'the review was dismissed',
  'before-last-push': 'made before the last push',
  'no-timestamp': 'has no timestamp, so it cannot be placed after the last push',
  'not-in-list': 'not part of the feedback list evaluated',
};

/** Why the leaves did not count item `k` by `login`: one clause per distinct reason, in leaf order. */
function whyNot(leaves: readonly TraceNode[], k: number, login: string): string {
  if (k < 0) return '';
  const parts: string[] = [];
  for (const leaf of leaves) {
    const outcome = outcomeAt(leaf, k);
    let part: string;
    if (outcome === 'not-candidate') {
      const c = (leaf.leaf as LeafTrace).candidates;
      part = c.kind === 'maintainers' ? `${login} is not a maintainer (\`${leaf.text}\`)` : `${login} is not among ${describeCandidates(c)} (\`${leaf.text}\`)`;
    } else if (outcome === 'self-disallowed') part = `self-approval is not allowed by \`${leaf.text}\``;
    else if (outcome === 'duplicate') part = `${login} already counted for \`${leaf.text}\``;
    else continue;
    // Few leaves, so a linear check beats building a Set per item.
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.join('; ');
}

export interface ExplainItemsInput {
  records: readonly FeedbackRecord[];
  approval: readonly FeedbackItem[];
  disapproval: readonly FeedbackItem[];
  decision: PolicyDecision;
  classifier: Classifier;
  cutoff?: Cutoff;
}

/** Position of every item in `list` (the last one when an item appears twice). */
function indexOf(list: readonly FeedbackItem[]): Map<FeedbackItem, number> {
  const index = new Map<FeedbackItem, number>();
  for (let i = 0; i < list.length; i++) index.set(list[i], i);
  return index;
}

function sameItems(a: readonly FeedbackItem[], b: readonly FeedbackItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where one item sits in the two lists, and the leaves that looked at each list. */
interface ItemContext {
  matchLeaves: readonly TraceNode[];
  antiLeaves: readonly TraceNode[];
  /** Index in the approval list (-1: not in it). */
  a: number;
  /** Index in the disapproval list (-1: not in it). */
  d: number;
  decision: PolicyDecision;
  cutoff: Cutoff | undefined;
}

export function explainFeedback(input: ExplainItemsInput): FeedbackExplanation[] {
  const { decision, classifier, cutoff } = input;
  const approvalIndex = indexOf(input.approval);
  // With the same range for both lists (the default) they hold the same items: one index serves both.
  const disapprovalIndex = sameItems(input.approval, input.disapproval) ? approvalIndex : indexOf(input.disapproval);
  const matchLeaves = listLeaves(decision.matchEval?.trace);
  const antiLeaves = listLeaves(decision.antimatchEval?.trace);
  const out: FeedbackExplanation[] = new Array(input.records.length);
  // One context, updated per item (this loop runs for every feedback item of every explained evaluation).
  const ctx: ItemContext = { matchLeaves, antiLeaves, a: -1, d: -1, decision, cutoff };
  for (let i = 0; i < input.records.length; i++) {
    const r = input.records[i];
    const item = r.item;
    const login = loginOf(item);
    const isA = classifier.isApproval(item);
    const isD = classifier.isDisapproval(item);
    const kind: ItemKind = isA && isD ? 'both' : isA ? 'approval' : isD ? 'disapproval' : 'neither';
    ctx.a = approvalIndex.get(item) ?? -1;
    ctx.d = disapprovalIndex.get(item) ?? -1;
    const approved = anyOutcome(matchLeaves, ctx.a, 'counted');
    const disapproved = anyOutcome(antiLeaves, ctx.d, 'counted');
    const e: FeedbackExplanation = { item, login, kind, approved, disapproved, summary: '' };
    if (r.approvalExclusion !== undefined || r.disapprovalExclusion !== undefined) {
      e.excluded = { approval: r.approvalExclusion, disapproval: r.disapprovalExclusion };
    }
    if (r.revivedByEdit === true) e.revivedByEdit = true;
    e.summary = summarize(e, ctx);
    out[i] = e;
  }
  return out;
}

function summarize(e: FeedbackExplanation, ctx: ItemContext): string {
  const { decision, cutoff } = ctx;
  // The list that matters for what the item is (approvals: the approval list, disapprovals: the other).
  const relevant =
    e.kind === 'disapproval' ? e.excluded?.disapproval
      : e.kind === 'approval' ? e.excluded?.approval
        : (e.excluded?.approval ?? e.excluded?.disapproval);
  if (relevant !== undefined) {
    let text = `not counted: ${EXCLUSION_TEXT[relevant]}`;
    if (relevant === 'before-last-push' && cutoff?.at !== undefined) {
      text += ` (${new Date(cutoff.at).toISOString()}, ${cutoff.source === 'push' ? 'push time' : 'committer date of the head commit'})`;
    }
    return text;
  }
  if (e.kind === 'both') return 'ignored: matches both the approval and the disapproval pattern';
  if (e.kind === 'neither') {
    return e.item.type === 'review'
      ? `not counted: a review in state \`${reviewState(e.item)}\` is neither an approval nor a disapproval`
      : 'not counted: the comment matches neither the approval nor the disapproval pattern';
  }
  if (e.kind === 'disapproval') {
    if (e.disapproved) return `disapproval by ${e.login} counts`;
    if (anyOutcome(ctx.antiLeaves, ctx.d, 'cancelled')) return `disapproval by ${e.login} was withdrawn by a later approval`;
    if (decision.antimatchEval === undefined) return `not evaluated: ${blockedText(decision)}`;
    return `disapproval not counted: ${whyNot(ctx.antiLeaves, ctx.d, e.login) || 'not matched by the antimatch expression'}`;
  }
  // An approval.
  const withdrew = anyOutcome(ctx.antiLeaves, ctx.d, 'withdrawal');
  const suffix = withdrew ? ` (and withdraws ${e.login}'s earlier disapproval)` : '';
  if (e.approved) return `approval by ${e.login} counts${suffix}`;
  if (decision.matchEval === undefined) return `not evaluated: ${blockedText(decision)}${suffix}`;
  const why = whyNot(ctx.matchLeaves, ctx.a, e.login);
  return `approval not counted: ${why || 'no part of the match expression looks at approvals'}${suffix}`;
}

function blockedText(decision: PolicyDecision): string {
  switch (decision.blockedBy) {
    case 'title': return 'the title blocks the pull request';
    case 'author': return 'the author is not allowed';
    case 'disapproval': return 'the pull request is blocked by disapprovals';
    default: return 'the policy was decided earlier';
  }
}
