/**
 * The repository facts an evaluation needs (default branch, organisation-owned, private) from the job's
 * webhook payloads, which carry the full `repository` object: that saves `GET /repos/{owner}/{repo}` on
 * every evaluation a GitHub delivery starts. The pipeline's own follow-ups carry only `full_name`, so
 * they (and anything malformed) still read the repository from GitHub.
 */
import { obj, str } from '../payload.js';
import type { RepoData } from './github-port.js';

/** Lengths and characters git refuses in branch names (a payload is untrusted even when signed). */
const BAD_BRANCH = /[\u0000-\u0020\u007f~^:?*[\\]|\.\.|@\{|^[-/.]|[/.]$|\.lock$|\/\//;

/** A webhook `repository` object as RepoData, or undefined when a needed field is missing or mistyped. */
export function repoFromPayload(v: unknown): RepoData | undefined {
  const r = obj(v);
  const defaultBranch = str(r?.default_branch);
  const ownerType = str(obj(r?.owner)?.type);
  const isPrivate = r?.private;
  if (defaultBranch === undefined || defaultBranch === '' || defaultBranch.length > 255 || BAD_BRANCH.test(defaultBranch)) return undefined;
  if (ownerType === undefined || typeof isPrivate !== 'boolean') return undefined;
  return { defaultBranch, isOrg: ownerType === 'Organization', private: isPrivate };
}

/**
 * RepoData for `repo` from the newest of `payloads` whose `repository` is that repository (names compare
 * case-insensitively, as GitHub's do) and complete; undefined when none is.
 */
export function repoDataFromPayloads(payloads: readonly Record<string, unknown>[], repo: string): RepoData | undefined {
  const want = repo.toLowerCase();
  for (let i = payloads.length - 1; i >= 0; i--) {
    const r = obj(payloads[i].repository);
    if (str(r?.full_name)?.toLowerCase() !== want) continue;
    const data = repoFromPayload(r);
    if (data !== undefined) return data;
  }
  return undefined;
}
