/**
 * What a webhook payload is about: its repository and, when it concerns exactly one pull request, the PR
 * key `owner/repo#n` the queue serialises on. Payloads are untrusted: every field is type-checked, and
 * the repository part of the key is lower-cased because GitHub names are case-insensitive.
 */
import { REPO_FULL_NAME, obj, positiveInt } from '../payload.js';


export interface PayloadSubject {
  repo: string | null;
  prNumber: number | null;
  prKey: string | null;
  /** Organisation (or repository owner) login, for token-mode org hook secrets. */
  owner: string | null;
}

function prNumber(v: unknown): number | null {
  return positiveInt(v) ?? null;
}

function singlePr(list: unknown): number | null {
  if (!Array.isArray(list) || list.length !== 1) return null;
  return prNumber(obj(list[0])?.number);
}

export function payloadSubject(event: string, payload: unknown): PayloadSubject {
  const p = obj(payload) ?? {};
  const repository = obj(p.repository);
  const fullName = typeof repository?.full_name === 'string' && REPO_FULL_NAME.test(repository.full_name) ? repository.full_name : null;
  const orgLogin = obj(p.organization)?.login;
  const ownerLogin = obj(repository?.owner)?.login;
  const owner = typeof orgLogin === 'string' ? orgLogin : typeof ownerLogin === 'string' ? ownerLogin : fullName ? fullName.split('/')[0] : null;
  let n: number | null = null;
  switch (event) {
    case 'pull_request':
    case 'pull_request_review':
    case 'pull_request_review_comment':
      n = prNumber(obj(p.pull_request)?.number) ?? prNumber(p.number);
      break;
    case 'issue_comment': {
      const issue = obj(p.issue);
      if (issue && obj(issue.pull_request)) n = prNumber(issue.number);
      break;
    }
    case 'check_run':
      n = singlePr(obj(p.check_run)?.pull_requests);
      break;
    case 'check_suite':
      n = singlePr(obj(p.check_suite)?.pull_requests);
      break;
  }
  return {
    repo: fullName,
    prNumber: fullName ? n : null,
    prKey: fullName && n !== null ? `${fullName.toLowerCase()}#${n}` : null,
    owner,
  };
}
