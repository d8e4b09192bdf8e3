/**
 * Evaluation of a compiled matcher (spec §3.5): every leaf makes one pass over the ordered feedback list,
 * combinators evaluate all their children (leaves have side effects: the events), and the whole run is
 * recorded in an explanation trace.
 */
import type { FeedbackItem, Snapshot } from '../types.js';
import type { Matcher } from './ast.js';
import { capacity, isCandidate, leafCandidates, snapshotIndex, type Candidates, type SnapshotIndex } from './candidates.js';
import { serializeNode } from './serialize.js';
import {
  SYNTHETIC_AUTHOR_INDEX,
  type FeedbackOutcome,
  type FeedbackTrace,
  type MatcherEvent,
  type Participant,
  type TraceNode,
} from './trace.js';

/** `approval` for `match`, `disapproval` for `antimatch`, `author-limit` for `authormatch` (spec §3.6). */
export type MatcherAction = 'approval' | 'disapproval' | 'author-limit';

export interface EvaluationInput {
  /** Treated as immutable: group member sets are built once per Snapshot object and cached. */
  snapshot: Snapshot;
  /** PR author login, any case. */
  author: string;
  /** Authors of the issues the PR closes (the `issue-author` noun), any case. */
  closingIssueAuthors?: readonly string[];
  /** Ordered feedback, oldest first. Ignored by `author-limit`, which looks at the PR author alone. */
  feedback?: readonly FeedbackItem[];
  action: MatcherAction;
  /** Classifiers (pattern/review state, spec §6.3); each is called at most once per item and evaluation. */
  isApproval?: (item: FeedbackItem) => boolean;
  isDisapproval?: (item: FeedbackItem) => boolean;
  /** Record every item each leaf looked at (default true); false keeps only the per-node summary. */
  explain?: boolean;
}

export interface EvaluationResult {
  holds: boolean;
  events: MatcherEvent[];
  trace: TraceNode;
}

/** Canonical texts are cached per (immutable) matcher node: evaluations of one policy reuse them. */
const texts = new WeakMap<Matcher, string>();
function textOf(m: Matcher): string {
  let t = texts.get(m);
  if (t === undefined) {
    t = serializeNode(m, textOf);
    texts.set(m, t);
  }
  return t;
}

/** What one pass of a leaf does with an item it accepted as a candidate. */
type LeafAction = 'approval' | 'disapproval' | 'author-limit' | 'author-only';

interface Context {
  index: SnapshotIndex;
  author: string;
  issueAuthors: string[];
  items: readonly FeedbackItem[];
  /** Lower-cased authors; null for an item without an author string. */
  logins: (string | null)[];
  /** Index reported for item i (the synthetic author item reports SYNTHETIC_AUTHOR_INDEX). */
  synthetic: boolean;
  action: LeafAction;
  approval: Classifier;
  disapproval: Classifier;
  explain: boolean;
  events: MatcherEvent[];
}

/** A classifier memoised per item (each leaf asks again). */
class Classifier {
  /** 0 not asked yet, 1 yes, 2 no. */
  private readonly cache: Uint8Array;

  constructor(
    private readonly items: readonly FeedbackItem[],
    private readonly fn: ((item: FeedbackItem) => boolean) | undefined,
  ) {
    this.cache = new Uint8Array(fn === undefined ? 0 : items.length);
  }

  test(i: number): boolean {
    if (this.fn === undefined) return false;
    if (this.cache[i] === 0) this.cache[i] = this.fn(this.items[i]) ? 1 : 2;
    return this.cache[i] === 1;
  }
}

const NEVER = new Classifier([], undefined);

function syntheticAuthorItem(author: string): FeedbackItem[] {
  return [{ type: 'comment', author }];
}

export function evaluateMatcher(m: Matcher, input: EvaluationInput): EvaluationResult {
  const author = typeof input.author === 'string' ? input.author.toLowerCase() : '';
  const authorOnly = input.action === 'author-limit';
  const items = authorOnly ? syntheticAuthorItem(author) : (input.feedback ?? []);
  const issueAuthors = closingIssueAuthors(input.closingIssueAuthors, author);
  const ctx: Context = {
    index: snapshotIndex(input.snapshot),
    author,
    issueAuthors,
    items,
    // A malformed item (no author string) is nobody rather than a crash; it is logged with login ''.
    logins: items.map((f) => (typeof f.author === 'string' ? f.author.toLowerCase() : null)),
    synthetic: authorOnly,
    action: input.action,
    approval: new Classifier(items, input.isApproval),
    disapproval: new Classifier(items, input.isDisapproval),
    explain: input.explain ?? true,
    events: [],
  };
  const trace = evaluateNode(m, ctx);
  return { holds: trace.holds, events: ctx.events, trace };
}

/** Distinct lower-cased issue authors other than the PR author (most PRs close no issue: no allocation). */
function closingIssueAuthors(raw: readonly string[] | undefined, author: string): string[] {
  if (raw === undefined || raw.length === 0) return [];
  return [...new Set(raw.filter((a) => typeof a === 'string').map((a) => a.toLowerCase()))].filter((a) => a !== author);
}

function evaluateNode(m: Matcher, ctx: Context): TraceNode {
  switch (m.type) {
    case 'true':
    case 'off':
      return node(m, true, [], [], 0);
    case 'false':
      return node(m, false, [], [], null);
    case 'all':
    case 'universe':
    case 'us':
    case 'them':
    case 'entity':
    case 'anonymous':
      return evaluateLeaf(m, leafCandidates(ctx.index, m, ctx.author), m.count, m.self, ctx);
    case 'issue-author': {
      const set = new Set(ctx.issueAuthors);
      const candidates: Candidates = { source: { kind: 'issue-authors', logins: [...ctx.issueAuthors] }, test: 'set', set };
      return evaluateLeaf(m, candidates, set.size, false, ctx);
    }
    case 'and':
    case 'or': {
      // Both sides always run: their events must be reported whatever the result.
      const left = evaluateNode(m.children[0], ctx);
      const right = evaluateNode(m.children[1], ctx);
      const kids = [left, right];
      const holds = m.type === 'and' ? left.holds && right.holds : left.holds || right.holds;
      const needed = holds ? 0 : m.type === 'and' ? sumNeeded(kids.filter((k) => !k.holds)) : minNeeded(kids);
      return node(m, holds, kids, union(kids), needed);
    }
    case 'not': {
      const child = evaluateNode(m.child, ctx);
      return node(m, !child.holds, [child], child.counted, child.holds ? null : 0);
    }
    case 'atleast': {
      const kids = m.children.map((c) => evaluateNode(c, ctx));
      const satisfied = kids.filter((k) => k.holds).length;
      const holds = kids.length > 0 && satisfied >= m.count;
      const result = node(m, holds, kids, union(kids), holds ? 0 : atleastNeeded(m.count - satisfied, kids));
      result.satisfied = satisfied;
      return result;
    }
    case 'author': {
      const child = evaluateNode(m.child, authorContext(ctx));
      const result = node(m, child.holds, [child], [], child.holds ? 0 : null);
      result.authorOnly = true;
      return result;
    }
  }
}

/** `author(X)`: X runs on one item by the PR author that counts unconditionally and emits nothing. */
function authorContext(ctx: Context): Context {
  const items = syntheticAuthorItem(ctx.author);
  return {
    ...ctx,
    items,
    logins: [ctx.author],
    synthetic: true,
    action: 'author-only',
    approval: NEVER,
    disapproval: NEVER,
    events: [],
  };
}

function node(m: Matcher, holds: boolean, children: TraceNode[], counted: Participant[], needed: number | null): TraceNode {
  const n: TraceNode = { type: m.type, text: textOf(m), holds, counted, needed, children };
  if (m.span !== undefined) n.span = m.span;
  return n;
}

function union(kids: TraceNode[]): Participant[] {
  if (kids.every((k) => k.counted.length === 0)) return [];
  const seen = new Set<string>();
  const out: Participant[] = [];
  for (const k of kids) {
    for (const p of k.counted) {
      if (!seen.has(p.login)) {
        seen.add(p.login);
        out.push(p);
      }
    }
  }
  return out;
}

function sumNeeded(kids: TraceNode[]): number | null {
  let sum = 0;
  for (const k of kids) {
    if (k.needed === null) return null;
    sum += k.needed;
  }
  return sum;
}

function minNeeded(kids: TraceNode[]): number | null {
  const values = kids.map((k) => k.needed).filter((n): n is number => n !== null);
  return values.length === 0 ? null : Math.min(...values);
}

/** The cheapest `missing` failing choices; an atleast without choices can never hold. */
function atleastNeeded(missing: number, kids: TraceNode[]): number | null {
  if (kids.length === 0) return null;
  const costs = kids
    .filter((k) => !k.holds && k.needed !== null)
    .map((k) => k.needed as number)
    .sort((a, b) => a - b);
  if (costs.length < missing) return null;
  return costs.slice(0, Math.max(0, missing)).reduce((a, b) => a + b, 0);
}

function evaluateLeaf(m: Matcher, candidates: Candidates, required: number, self: boolean, ctx: Context): TraceNode {
  const { logins, author, action, explain } = ctx;
  const items: FeedbackTrace[] = [];
  /** login → index of the item that made them a participant. */
  const participants = new Map<string, number>();
  /** login → position in `items` of that item's trace entry (to mark it cancelled); disapprovals only. */
  const added = action === 'disapproval' && explain ? new Map<string, number>() : undefined;
  for (let i = 0; i < logins.length; i++) {
    const malformed = logins[i] === null;
    const login = logins[i] ?? '';
    const index = ctx.synthetic ? SYNTHETIC_AUTHOR_INDEX : i;
    let outcome: FeedbackOutcome;
    if (!self && login === author) outcome = 'self-disallowed';
    else if (malformed || !isCandidate(candidates, login)) outcome = 'not-candidate';
    else if (action === 'approval') {
      if (!ctx.approval.test(i)) outcome = 'not-an-approval';
      else if (participants.has(login)) outcome = 'duplicate';
      else {
        participants.set(login, index);
        ctx.events.push({ type: 'Approval', login, index });
        outcome = 'counted';
      }
    } else if (action === 'disapproval') {
      const approves = ctx.approval.test(i);
      const disapproves = ctx.disapproval.test(i);
      if (approves && disapproves) outcome = 'ambiguous';
      else if (disapproves) {
        if (participants.has(login)) outcome = 'duplicate';
        else {
          participants.set(login, index);
          ctx.events.push({ type: 'DisapprovalInsert', login, index });
          added?.set(login, items.length);
          outcome = 'counted';
        }
      } else if (approves && participants.has(login)) {
        participants.delete(login);
        ctx.events.push({ type: 'DisapprovalRemove', login, index });
        const earlier = added?.get(login);
        if (earlier !== undefined) items[earlier].outcome = 'cancelled';
        outcome = 'withdrawal';
      } else outcome = 'not-a-disapproval';
    } else if (participants.has(login)) {
      outcome = 'duplicate';
    } else {
      participants.set(login, index);
      if (action === 'author-limit') ctx.events.push({ type: 'ValidAuthor', login });
      outcome = 'counted';
    }
    if (explain) items.push({ index, login, outcome });
  }
  const counted: Participant[] = [];
  for (const [login, index] of participants) counted.push({ login, index });
  const holds = participants.size >= required;
  const reachable = holds || capacity(candidates, author, self) >= required;
  const result = node(m, holds, [], counted, reachable ? Math.max(0, required - participants.size) : null);
  result.leaf = { candidates: candidates.source, required, self, items };
  return result;
}
