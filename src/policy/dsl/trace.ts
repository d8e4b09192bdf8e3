/**
 * The explanation trace of one matcher evaluation: the single structure that reports, the UI and `simulate`
 * render. It mirrors the matcher tree; leaves add who their candidates are and what happened to every
 * feedback item they looked at.
 */
import type { MatcherType, Span } from './ast.js';

/** What a leaf did with one feedback item. */
export type FeedbackOutcome =
  /** Added to the leaf's participants (an approval counted, a disapproval recorded, the author accepted). */
  | 'counted'
  /** Would count, but this person already counts for this leaf. */
  | 'duplicate'
  /** A disapproval that a later approval by the same person withdrew (spec §3.5). */
  | 'cancelled'
  /** The approval that withdrew this person's earlier disapproval. */
  | 'withdrawal'
  /** Approval action: the item is not an approval. */
  | 'not-an-approval'
  /** Disapproval action: the item is neither a disapproval nor withdraws one. */
  | 'not-a-disapproval'
  /** Disapproval action: the item is both an approval and a disapproval, so it is ignored. */
  | 'ambiguous'
  /** The item's author is not among the leaf's candidates (see `LeafTrace.candidates`). */
  | 'not-candidate'
  /** The item's author is the PR author and the leaf has `self=false`. */
  | 'self-disallowed';

/** Index of the synthetic item authored by the PR author (`author(...)`, the author-limit action). */
export const SYNTHETIC_AUTHOR_INDEX = -1;

export interface FeedbackTrace {
  /** Position in the feedback list evaluated, or SYNTHETIC_AUTHOR_INDEX. */
  index: number;
  /** Lower-cased author login. */
  login: string;
  outcome: FeedbackOutcome;
}

/** Who a leaf accepts (spec §3.5); lets a renderer say "not a maintainer", "not in group X", ... */
export type CandidateSource =
  | { kind: 'maintainers' }
  | { kind: 'anyone' }
  /** An entity that names a group. */
  | { kind: 'group'; name: string }
  /** An entity that is not a group name, read as a login. */
  | { kind: 'person'; login: string }
  | { kind: 'anonymous'; members: string[] }
  /** `us`: members of the groups listing the PR author (`groups` empty: nobody). */
  | { kind: 'author-groups'; groups: string[] }
  /** `them`: maintainers outside the groups listing the PR author. */
  | { kind: 'outside-author-groups'; groups: string[] }
  /** `issue-author`: authors of the issues the PR closes, PR author excluded. */
  | { kind: 'issue-authors'; logins: string[] };

/** Someone a leaf counted, and the feedback item that made them count. */
export interface Participant {
  login: string;
  index: number;
}

export interface LeafTrace {
  candidates: CandidateSource;
  /** The leaf's `count` (for `issue-author`, the number of issue authors). */
  required: number;
  self: boolean;
  /** Every item the leaf looked at, in feedback order (empty when evaluated with `explain: false`). */
  items: FeedbackTrace[];
}

export interface TraceNode {
  type: MatcherType;
  /** Canonical text of this node (serializeMatcher). */
  text: string;
  span?: Span;
  holds: boolean;
  /**
   * People counted in this subtree (leaves: their participants; combinators: the union, first occurrence
   * kept). Reported even under `not`, as the original reports them.
   */
  counted: Participant[];
  /**
   * How many more distinct people (acting as the action expects) would make this node hold, assuming each
   * new one satisfies a leaf on its own: 0 when it holds, `null` when more feedback cannot make it hold
   * (`false`, `not`, `author(...)`, or too few satisfiable choices).
   */
  needed: number | null;
  /** `and`/`or`: [left, right]; `not`/`author`: [child]; `atleast`: the choices; leaves: []. */
  children: TraceNode[];
  /** `atleast`: the number of choices that hold. */
  satisfied?: number;
  /** Present on leaves that look at feedback (all, universe, us, them, entity, anonymous, issue-author). */
  leaf?: LeafTrace;
  /** `author(...)`: the child was evaluated against the PR author alone. */
  authorOnly?: true;
}

export type MatcherEvent =
  | { type: 'Approval'; login: string; index: number }
  | { type: 'DisapprovalInsert'; login: string; index: number }
  | { type: 'DisapprovalRemove'; login: string; index: number }
  | { type: 'ValidAuthor'; login: string };

/** Every node of a trace in pre-order (an array, not a generator: renderers call this on hot paths). */
export function walkTrace(root: TraceNode): TraceNode[] {
  const out: TraceNode[] = [];
  const stack: TraceNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as TraceNode;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out;
}
