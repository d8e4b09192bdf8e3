/**
 * The GitHub port one evaluation reads through: the PR's changed files come from the pull cache when this
 * process already listed them for the same head and base (a PR's diff is fixed by those two commits), and
 * default-branch policy files from the policy file cache (policy-files.ts). Everything else, and every
 * write, goes straight to the underlying port.
 */
import type { PrGitHub, PullData, RepoRef } from './github-port.js';
import type { PolicyFileCache } from './policy-files.js';
import type { PullCache } from './pull-cache.js';

export interface CachedReadsOptions {
  pulls: PullCache;
  /** The PR being evaluated, as loaded for this evaluation. */
  pull: PullData;
  policyFiles?: PolicyFileCache;
  /** The change-log id the caches have caught up with (read before each fetch). */
  changesSeen: () => number;
  /** Whose token reads the files (token mode: the enabling user; App mode: the app), part of the cache key. */
  reader: string;
  now: () => number;
}

/** PR file lists longer than this are read each time rather than kept. */
export const MAX_CACHED_FILES = 300;

export function cachedReads(gh: PrGitHub, o: CachedReadsOptions): PrGitHub {
  const { pull, pulls, policyFiles } = o;
  return {
    ...gh,
    async files(ref: RepoRef, number: number): Promise<string[]> {
      const slug = `${ref.owner}/${ref.repo}`;
      // Only the PR whose head and base this evaluation knows; a base SHA may be unknown (old payloads).
      const keyed = number === pull.number && pull.baseSha !== '';
      const hit = keyed ? pulls.files(slug, pull.headSha, pull.baseSha) : undefined;
      if (hit !== undefined) return hit;
      const files = await gh.files(ref, number);
      // Long lists are not kept: many heads of huge PRs must not pin memory (they are read each time).
      if (keyed && files.length <= MAX_CACHED_FILES) pulls.rememberFiles(slug, pull.headSha, pull.baseSha, files);
      return files;
    },
    async file(ref: RepoRef, path: string, gitRef?: string): Promise<string | null> {
      if (gitRef !== undefined || policyFiles === undefined || !policyFiles.enabled) return gh.file(ref, path, gitRef);
      const slug = `${ref.owner}/${ref.repo}`;
      const hit = policyFiles.get(slug, path, o.reader);
      if (hit !== undefined) return hit.text;
      // Read before the fetch: a change announced while it is in flight makes its answer a miss.
      const seen = o.changesSeen();
      const fetchedAt = o.now();
      const text = await gh.file(ref, path);
      policyFiles.set(slug, path, text, fetchedAt, seen, o.reader);
      return text;
    },
  };
}
