/** JSON for git data: commits (REST and git forms), trees, refs, tags, contents, branches, compare. */
import type { LocalGitHubContext } from '../context.js';
import type { Account, GitCommit, GitSignature, GitTag, Repo } from '../state/types.js';
import type { FileChange } from '../domain/diff.js';

const VERIFICATION = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

function sigJson(ctx: LocalGitHubContext, s: GitSignature): Record<string, unknown> {
  return { name: s.name, email: s.email, date: ctx.serialize.time(s.date) };
}

/** The account a commit email belongs to (`<id>+<login>@users.noreply.local` or a user's own email). */
export function accountForEmail(ctx: LocalGitHubContext, email: string): Account | undefined {
  const m = /^(\d+)\+[^@]+@users\.noreply\./.exec(email);
  if (m) return ctx.state.accounts.get(Number(m[1]));
  for (const a of ctx.state.accounts.values()) if (a.email && a.email.toLowerCase() === email.toLowerCase()) return a;
  return undefined;
}

function base(ctx: LocalGitHubContext, repo: Repo): { api: string; web: string } {
  const full = ctx.state.fullName(repo);
  return { api: ctx.urls.api(`/repos/${full}`), web: ctx.urls.web(`/${full}`) };
}

export function gitCommitJson(ctx: LocalGitHubContext, repo: Repo, c: GitCommit): Record<string, unknown> {
  const b = base(ctx, repo);
  return {
    sha: c.sha,
    node_id: Buffer.from(`06:Commit${repo.id}:${c.sha}`).toString('base64'),
    url: `${b.api}/git/commits/${c.sha}`,
    html_url: `${b.web}/commit/${c.sha}`,
    author: sigJson(ctx, c.author),
    committer: sigJson(ctx, c.committer),
    tree: { sha: c.tree, url: `${b.api}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({ sha: p, url: `${b.api}/git/commits/${p}`, html_url: `${b.web}/commit/${p}` })),
    verification: { ...VERIFICATION },
  };
}

/** `commit` (GET /repos/{o}/{r}/commits/{ref}); `files` included when given. */
export function commitJson(ctx: LocalGitHubContext, repo: Repo, c: GitCommit, files?: readonly FileChange[]): Record<string, unknown> {
  const b = base(ctx, repo);
  const author = accountForEmail(ctx, c.author.email);
  const committer = accountForEmail(ctx, c.committer.email);
  const out: Record<string, unknown> = {
    url: `${b.api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: Buffer.from(`06:Commit${repo.id}:${c.sha}`).toString('base64'),
    html_url: `${b.web}/commit/${c.sha}`,
    comments_url: `${b.api}/commits/${c.sha}/comments`,
    commit: {
      url: `${b.api}/git/commits/${c.sha}`,
      author: sigJson(ctx, c.author),
      committer: sigJson(ctx, c.committer),
      message: c.message,
      comment_count: 0,
      tree: { sha: c.tree, url: `${b.api}/git/trees/${c.tree}` },
      verification: { ...VERIFICATION },
    },
    author: author ? ctx.serialize.user(author) : null,
    committer: committer ? ctx.serialize.user(committer) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${b.api}/commits/${p}`, html_url: `${b.web}/commit/${p}` })),
  };
  if (files) {
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    out.stats = { total: additions + deletions, additions, deletions };
    out.files = files.map((f) => fileJson(ctx, repo, c.sha, f));
  }
  return out;
}

export function fileJson(ctx: LocalGitHubContext, repo: Repo, ref: string, f: FileChange): Record<string, unknown> {
  const b = base(ctx, repo);
  const path = encodeURI(f.filename);
  return {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.changes,
    blob_url: `${b.web}/blob/${ref}/${path}`,
    raw_url: `${b.web}/raw/${ref}/${path}`,
    contents_url: `${b.api}/contents/${path}?ref=${ref}`,
    patch: f.patch,
  };
}

export function refJson(ctx: LocalGitHubContext, repo: Repo, ref: string, sha: string): Record<string, unknown> {
  const b = base(ctx, repo);
  const type = ctx.state.objects.get(sha)?.type ?? 'commit';
  return {
    ref,
    node_id: Buffer.from(`03:Ref${repo.id}:${ref}`).toString('base64'),
    url: `${b.api}/git/${ref}`,
    object: { sha, type, url: `${b.api}/git/${type}s/${sha}` },
  };
}

export function tagJson(ctx: LocalGitHubContext, repo: Repo, t: GitTag): Record<string, unknown> {
  const b = base(ctx, repo);
  return {
    node_id: Buffer.from(`03:Tag${repo.id}:${t.sha}`).toString('base64'),
    tag: t.tag,
    sha: t.sha,
    url: `${b.api}/git/tags/${t.sha}`,
    message: t.message,
    tagger: sigJson(ctx, t.tagger),
    object: { sha: t.object.sha, type: t.object.type, url: `${b.api}/git/${t.object.type}s/${t.object.sha}` },
    verification: { ...VERIFICATION },
  };
}

export function contentEntry(ctx: LocalGitHubContext, repo: Repo, ref: string, path: string, sha: string, type: 'file' | 'dir', size: number): Record<string, unknown> {
  const b = base(ctx, repo);
  const p = encodeURI(path);
  const self = `${b.api}/contents/${p}?ref=${encodeURIComponent(ref)}`;
  const git = `${b.api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const html = `${b.web}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${p}`;
  return {
    type,
    size,
    name: path.split('/').pop() ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === 'file' ? `${b.web}/raw/${ref}/${p}` : null,
    _links: { self, git, html },
  };
}

export function shortBranch(ctx: LocalGitHubContext, repo: Repo, name: string, sha: string): Record<string, unknown> {
  return { name, commit: { sha, url: `${base(ctx, repo).api}/commits/${sha}` }, protected: repo.protection.has(name) };
}
