/**
 * The undocumented `issue-author` noun (spec §3.5): the authors of the issues a PR closes (`fixes #N`, …
 * in the PR body or any comment or review). Loaded only for a policy that uses the noun, so every other
 * evaluation makes no extra GitHub call.
 */
import { closingIssueNumbers } from '../../policy/approval/issues.js';
import type { Config } from '../../policy/config/types.js';
import type { Matcher } from '../../policy/dsl/ast.js';
import type { PrGitHub, RepoRef } from './github-port.js';

/** A hostile body could reference thousands of issues: look up at most this many (the lowest numbers). */
export const MAX_CLOSING_ISSUES = 20;

function mentions(m: Matcher): boolean {
  switch (m.type) {
    case 'issue-author':
      return true;
    case 'and':
    case 'or':
    case 'atleast':
      return m.children.some(mentions);
    case 'not':
    case 'author':
      return mentions(m.child);
    default:
      return false;
  }
}

const usesCache = new WeakMap<Config, boolean>();

/** True when any policy's match, antimatch or authormatch uses `issue-author` (memoised per parsed config). */
export function usesIssueAuthor(config: Config): boolean {
  let uses = usesCache.get(config);
  if (uses === undefined) {
    uses = config.approvals.some((p) => mentions(p.match) || mentions(p.antimatch) || mentions(p.authormatch));
    usesCache.set(config, uses);
  }
  return uses;
}

/** Authors of the issues the texts close (missing issues skipped); empty without a port that can look them up. */
export async function closingIssueAuthors(gh: PrGitHub, ref: RepoRef, texts: Iterable<string | undefined>): Promise<string[]> {
  if (!gh.issueAuthor) return [];
  const numbers = closingIssueNumbers(texts).slice(0, MAX_CLOSING_ISSUES);
  const authors = await Promise.all(numbers.map((n) => gh.issueAuthor!(ref, n)));
  return authors.filter((a): a is string => a !== null);
}
