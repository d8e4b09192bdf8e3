/**
 * The explanation of one evaluation: why this policy, what the title/author/disapproval/approval stages
 * found, what is still missing, and for every feedback item whether it counted and why not. One plain-data
 * structure; `render.ts` turns it into text (simulate) or Markdown (check-run summary), the UI renders it too.
 */
import type { Config, Policy } from '../config/types.js';
import { emptyScope } from '../config/defaults.js';
import { scopeMatches, type ScopeRequest } from '../scope.js';
import { walkTrace, type CandidateSource, type FeedbackOutcome, type TraceNode } from '../dsl/trace.js';
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

type Outcomes = { leaf: TraceNode; outcome: FeedbackOutcome }[];

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

/** What the leaves of one trace did with each list item, by item index (one walk per trace). */
function outcomesByIndex(trace: TraceNode | undefined): Map<number, Outcomes> {
  const out = new Map<number, Outcomes>();
  if (trace === undefined) return out;
  for (const n of walkTrace(trace)) {
    if (n.leaf === undefined) continue;
    for (const t of n.leaf.items) {
      if (t.index < 0) continue;
      let list = out.get(t.index);
      if (list === undefined) out.set(t.index, (list = []));
      list.push({ leaf: n, outcome: t.outcome });
    }
  }
  return out;
}

const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  'feedback-type-disabled': 'this feedback type is disabled (`feedback.types`)',
  'service-message': 'written by the service itself',
  dismissed: 'the review was dismissed',
  'before-last-push': 'made before the last push',
  'no-timestamp': 'has no timestamp, so it cannot be placed after the last push',
  'not-in-list': 'not part of the feedback list evaluated',
};

function whyNot(outcomes: Outcomes, login: string): string {
  const parts: string[] = [];
  for (const { leaf, outcome } of outcomes) {
    const where = `\`${leaf.text}\``;
    if (outcome === 'not-candidate') {
      const c = leaf.leaf?.candidates;
      parts.push(c?.kind === 'maintainers' ? `${login} is not a maintainer (${where})` : `${login} is not among ${c ? describeCandidates(c) : 'the candidates'} (${where})`);
    } else if (outcome === 'self-disallowed') parts.push(`self-approval is not allowed by ${where}`);
    else if (outcome === 'duplicate') parts.push(`${login} already counted for ${where}`);
  }
  return [...new Set(parts)].join('; ');
}

export interface ExplainItemsInput {
  records: readonly FeedbackRecord[];
  approval: readonly FeedbackItem[];
  disapproval: readonly FeedbackItem[];
  decision: PolicyDecision;
  classifier: Classifier;
  cutoff?: Cutoff;
}

export function explainFeedback(input: ExplainItemsInput): FeedbackExplanation[] {
  const approvalIndex = new Map<FeedbackItem, number>();
  input.approval.forEach((f, i) => approvalIndex.set(f, i));
  const disapprovalIndex = new Map<FeedbackItem, number>();
  input.disapproval.forEach((f, i) => disapprovalIndex.set(f, i));
  const { decision } = input;
  const byApproval = outcomesByIndex(decision.matchEval?.trace);
  const byDisapproval = outcomesByIndex(decision.antimatchEval?.trace);
  return input.records.map((r) => {
    const item = r.item;
    const login = loginOf(item);
    const a = input.classifier.isApproval(item);
    const d = input.classifier.isDisapproval(item);
    const kind: ItemKind = a && d ? 'both' : a ? 'approval' : d ? 'disapproval' : 'neither';
    const matchOutcomes = byApproval.get(approvalIndex.get(item) ?? -1) ?? [];
    const antiOutcomes = byDisapproval.get(disapprovalIndex.get(item) ?? -1) ?? [];
    const approved = matchOutcomes.some((o) => o.outcome === 'counted');
    const disapproved = antiOutcomes.some((o) => o.outcome === 'counted');
    const e: FeedbackExplanation = { item, login, kind, approved, disapproved, summary: '' };
    if (r.approvalExclusion !== undefined || r.disapprovalExclusion !== undefined) {
      e.excluded = { approval: r.approvalExclusion, disapproval: r.disapprovalExclusion };
    }
    if (r.revivedByEdit === true) e.revivedByEdit = true;
    e.summary = summarize(e, matchOutcomes, antiOutcomes, decision, input.cutoff);
    return e;
  });
}

function summarize(
  e: FeedbackExplanation,
  matchOutcomes: Outcomes,
  antiOutcomes: Outcomes,
  decision: PolicyDecision,
  cutoff: Cutoff | undefined,
): string {
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
    if (antiOutcomes.some((o) => o.outcome === 'cancelled')) return `disapproval by ${e.login} was withdrawn by a later approval`;
    if (decision.antimatchEval === undefined) return `not evaluated: ${blockedText(decision)}`;
    return `disapproval not counted: ${whyNot(antiOutcomes, e.login) || 'not matched by the antimatch expression'}`;
  }
  // An approval.
  const withdrew = antiOutcomes.some((o) => o.outcome === 'withdrawal');
  const suffix = withdrew ? ` (and withdraws ${e.login}'s earlier disapproval)` : '';
  if (e.approved) return `approval by ${e.login} counts${suffix}`;
  if (decision.matchEval === undefined) return `not evaluated: ${blockedText(decision)}${suffix}`;
  const why = whyNot(matchOutcomes, e.login);
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
