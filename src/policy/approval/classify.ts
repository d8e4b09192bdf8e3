/**
 * What counts as an approval or a disapproval (spec §6.3): comments by the effective pattern/antipattern,
 * reviews by their state. Regex results are memoised per pattern and body so that re-evaluating the same
 * PR (every webhook, the UI, simulate) does not re-run the patterns.
 */
import type { Config, Policy } from '../config/types.js';
import type { UserRegex } from '../regex.js';
import type { FeedbackItem } from '../types.js';

export interface Classifier {
  isApproval(item: FeedbackItem): boolean;
  isDisapproval(item: FeedbackItem): boolean;
}

const MEMO_LIMIT = 4096;
const memo = new WeakMap<UserRegex, Map<string, boolean>>();

/** `pattern.test(text)`, remembered for this pattern (bounded; cleared when full). */
export function cachedTest(pattern: UserRegex, text: string): boolean {
  let m = memo.get(pattern);
  if (m === undefined) {
    m = new Map();
    memo.set(pattern, m);
  }
  const hit = m.get(text);
  if (hit !== undefined) return hit;
  const result = pattern.test(text);
  if (m.size >= MEMO_LIMIT) m.clear();
  m.set(text, result);
  return result;
}

/** Lower-cased author login of an item; a malformed item (no string author) is nobody (`""`). */
export function loginOf(item: { author?: unknown }): string {
  return typeof item.author === 'string' ? item.author.toLowerCase() : '';
}

export function reviewState(item: FeedbackItem): string {
  return typeof item.state === 'string' ? item.state.toLowerCase() : '';
}

/** Effective patterns of a policy: the policy's own, else the top-level ones. */
export function effectivePatterns(config: Pick<Config, 'pattern' | 'antipattern' | 'antititle'>, policy: Policy): {
  pattern: UserRegex;
  antipattern?: UserRegex;
  antititle?: UserRegex;
} {
  return {
    pattern: policy.pattern ?? config.pattern,
    antipattern: policy.antipattern ?? config.antipattern,
    antititle: policy.antititle ?? config.antititle,
  };
}

export function makeClassifier(pattern: UserRegex, antipattern: UserRegex | undefined): Classifier {
  return {
    isApproval(item) {
      if (item.type === 'review') return reviewState(item) === 'approved';
      return typeof item.body === 'string' && cachedTest(pattern, item.body);
    },
    isDisapproval(item) {
      if (item.type === 'review') return reviewState(item) === 'changes_requested';
      return antipattern !== undefined && typeof item.body === 'string' && cachedTest(antipattern, item.body);
    },
  };
}
