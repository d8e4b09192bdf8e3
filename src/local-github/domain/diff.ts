/** Line diffs and three-way tree merges, enough for PR files, compare, mergeable and merges. */
import type { Git } from '../state/git.js';
import type { GitTreeEntry } from '../state/types.js';

export interface FileChange {
  filename: string;
  status: 'added' | 'removed' | 'modified';
  additions: number;
  deletions: number;
  changes: number;
  sha: string | null;
  patch: string;
}

function lines(text: string): string[] {
  if (text === '') return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** Longest-common-subsequence line diff (bounded: very large files fall back to "all removed, all added"). */
export function lineDiff(oldText: string, newText: string): { additions: number; deletions: number; patch: string } {
  const a = lines(oldText);
  const b = lines(newText);
  if (a.length * b.length > 4_000_000) {
    return { additions: b.length, deletions: a.length, patch: [`@@ -1,${a.length} +1,${b.length} @@`, ...a.map((x) => `-${x}`), ...b.map((x) => `+${x}`)].join('\n') };
  }
  const n = a.length, m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const out: string[] = [];
  let i = 0, j = 0, additions = 0, deletions = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push(` ${a[i]}`); i++; j++; }
    else if (j < m && (i >= n || dp[i][j + 1] >= dp[i + 1][j])) { out.push(`+${b[j]}`); j++; additions++; }
    else { out.push(`-${a[i]}`); i++; deletions++; }
  }
  return { additions, deletions, patch: [`@@ -${n ? 1 : 0},${n} +${m ? 1 : 0},${m} @@`, ...out].join('\n') };
}

/**
 * Files changed between two trees. Memoised per tree pair (every conditional GET of a PR's files diffs the
 * same trees again); the list and its entries are frozen, being shared.
 */
export function diffTrees(git: Git, fromTree: string | null, toTree: string): readonly FileChange[] {
  return git.memo(`diff\0${fromTree ?? ''}\0${toTree}`, () => Object.freeze(computeDiff(git, fromTree, toTree).map((f) => Object.freeze(f))));
}

function computeDiff(git: Git, fromTree: string | null, toTree: string): FileChange[] {
  const from = fromTree ? git.flatten(fromTree) : new Map<string, { sha: string; mode: GitTreeEntry['mode'] }>();
  const to = git.flatten(toTree);
  const paths = [...new Set([...from.keys(), ...to.keys()])].sort();
  const out: FileChange[] = [];
  for (const p of paths) {
    const f = from.get(p), t = to.get(p);
    if (f && t && f.sha === t.sha) continue;
    const d = lineDiff(f ? git.blobText(f.sha) ?? '' : '', t ? git.blobText(t.sha) ?? '' : '');
    out.push({
      filename: p, status: !f ? 'added' : !t ? 'removed' : 'modified', additions: d.additions, deletions: d.deletions,
      changes: d.additions + d.deletions, sha: t?.sha ?? f?.sha ?? null, patch: d.patch,
    });
  }
  return out;
}

/** Three-way merge at file granularity: null when a path changed differently on both sides (a conflict). */
export function mergeTrees(git: Git, baseTree: string | null, oursTree: string, theirsTree: string): string | null {
  const base = baseTree ? git.flatten(baseTree) : new Map<string, { sha: string; mode: GitTreeEntry['mode'] }>();
  const ours = git.flatten(oursTree);
  const theirs = git.flatten(theirsTree);
  const result = new Map(ours);
  for (const p of new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])) {
    const b = base.get(p)?.sha, o = ours.get(p)?.sha, t = theirs.get(p)?.sha;
    if (o === t || t === b) continue;
    if (o === b) {
      const entry = theirs.get(p);
      if (entry) result.set(p, entry);
      else result.delete(p);
      continue;
    }
    return null;
  }
  return git.treeFromFiles(result).sha;
}
