/**
 * Git object storage with real git object ids (sha1 of `<type> <len>\0<body>`), so shas look and behave like
 * GitHub's. Trees are nested; `writeTree` takes flat paths. Graph queries (ancestry, merge base, ahead/behind)
 * walk parents breadth-first with a visited set (no recursion, so deep histories cannot blow the stack).
 */
import { createHash } from 'node:crypto';
import type { State } from './store.js';
import type { GitBlob, GitCommit, GitObject, GitSignature, GitTag, GitTree, GitTreeEntry, Repo } from './types.js';

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

function signatureLine(s: GitSignature): string {
  return `${s.name} <${s.email}> ${Math.floor(s.date / 1000)} +0000`;
}

const MEMO_LIMIT = 2000;

export class Git {
  constructor(private readonly state: State) {}

  private memoObjects: unknown = null;
  private readonly memoEntries = new Map<string, unknown>();

  /**
   * A value computed from git objects only (a diff between two trees): objects are named by the hash of
   * their content, so it stays right for as long as the object store is the same map (a restored snapshot
   * brings another one, and empties the memo). Bounded; callers must treat the value as read-only.
   */
  memo<T>(key: string, build: () => T): T {
    if (this.memoObjects !== this.state.objects) {
      this.memoEntries.clear();
      this.memoObjects = this.state.objects;
    }
    if (this.memoEntries.has(key)) return this.memoEntries.get(key) as T;
    const value = build();
    if (this.memoEntries.size >= MEMO_LIMIT) this.memoEntries.clear();
    this.memoEntries.set(key, value);
    return value;
  }

  get(sha: string): GitObject | undefined {
    return this.state.objects.get(sha);
  }

  commit(sha: string): GitCommit | undefined {
    const o = this.state.objects.get(sha);
    return o?.type === 'commit' ? o : undefined;
  }

  /** A commit that belongs to the repository (its objects set), else undefined. */
  repoCommit(repo: Repo, sha: string): GitCommit | undefined {
    return repo.objects.has(sha) ? this.commit(sha) : undefined;
  }

  writeBlob(content: Buffer | string): GitBlob {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha = hashObject('blob', buf);
    const blob: GitBlob = { type: 'blob', sha, content: buf.toString('base64'), size: buf.length };
    this.state.objects.set(sha, blob);
    return blob;
  }

  blobText(sha: string): string | undefined {
    const o = this.state.objects.get(sha);
    return o?.type === 'blob' ? Buffer.from(o.content, 'base64').toString('utf8') : undefined;
  }

  writeTreeEntries(entries: GitTreeEntry[]): GitTree {
    // Git sorts tree entries by name, with directories compared as if they ended in '/'.
    const sorted = [...entries].sort((a, b) => {
      const ka = a.type === 'tree' ? `${a.name}/` : a.name;
      const kb = b.type === 'tree' ? `${b.name}/` : b.name;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const body = Buffer.concat(sorted.map((e) => Buffer.concat([
      Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex'),
    ])));
    const tree: GitTree = { type: 'tree', sha: hashObject('tree', body), entries: sorted };
    this.state.objects.set(tree.sha, tree);
    return tree;
  }

  /** Path → blob sha (and mode) for every file under a tree. */
  flatten(treeSha: string, prefix = ''): Map<string, { sha: string; mode: GitTreeEntry['mode'] }> {
    const out = new Map<string, { sha: string; mode: GitTreeEntry['mode'] }>();
    const stack: [string, string][] = [[treeSha, prefix]];
    while (stack.length) {
      const [sha, pre] = stack.pop()!;
      const t = this.state.objects.get(sha);
      if (t?.type !== 'tree') continue;
      for (const e of t.entries) {
        if (e.type === 'tree') stack.push([e.sha, `${pre}${e.name}/`]);
        else out.set(`${pre}${e.name}`, { sha: e.sha, mode: e.mode });
      }
    }
    return out;
  }

  /**
   * Builds a tree from a base tree plus changes: a string/Buffer writes a file, null deletes it.
   * Paths are `a/b/c.txt`; empty segments, `.` and `..` are rejected.
   */
  writeTree(changes: Map<string, string | Buffer | null>, baseTree?: string): GitTree {
    const files = baseTree ? this.flatten(baseTree) : new Map<string, { sha: string; mode: GitTreeEntry['mode'] }>();
    for (const [path, content] of changes) {
      assertPath(path);
      if (content === null) files.delete(path);
      else files.set(path, { sha: this.writeBlob(content).sha, mode: '100644' });
    }
    return this.treeFromFiles(files);
  }

  treeFromFiles(files: Map<string, { sha: string; mode: GitTreeEntry['mode'] }>): GitTree {
    interface Dir { files: GitTreeEntry[]; dirs: Map<string, Dir> }
    const root: Dir = { files: [], dirs: new Map() };
    for (const [path, f] of files) {
      const parts = path.split('/');
      let d = root;
      for (const seg of parts.slice(0, -1)) {
        let next = d.dirs.get(seg);
        if (!next) d.dirs.set(seg, (next = { files: [], dirs: new Map() }));
        d = next;
      }
      d.files.push({ name: parts[parts.length - 1], mode: f.mode, type: 'blob', sha: f.sha });
    }
    const write = (d: Dir): GitTree => this.writeTreeEntries([
      ...d.files,
      ...[...d.dirs].map(([name, sub]): GitTreeEntry => ({ name, mode: '040000', type: 'tree', sha: write(sub).sha })),
    ]);
    return write(root);
  }

  writeCommit(c: Omit<GitCommit, 'type' | 'sha'>): GitCommit {
    const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${signatureLine(c.author)}`, `committer ${signatureLine(c.committer)}`, '', c.message];
    const commit: GitCommit = { type: 'commit', sha: hashObject('commit', Buffer.from(lines.join('\n'))), ...c };
    this.state.objects.set(commit.sha, commit);
    return commit;
  }

  writeTag(t: Omit<GitTag, 'type' | 'sha'>): GitTag {
    const body = [`object ${t.object.sha}`, `type ${t.object.type}`, `tag ${t.tag}`, `tagger ${signatureLine(t.tagger)}`, '', t.message].join('\n');
    const tag: GitTag = { type: 'tag', sha: hashObject('tag', Buffer.from(body)), ...t };
    this.state.objects.set(tag.sha, tag);
    return tag;
  }

  /** Records commits (and what they reach) as part of a repository. */
  adopt(repo: Repo, sha: string): void {
    for (const c of this.ancestors(sha)) repo.objects.add(c);
    const o = this.state.objects.get(sha);
    if (o?.type === 'tag') repo.objects.add(sha);
  }

  /** `sha` and every commit reachable from it. */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    for (let i = 0; i < queue.length; i++) {
      const s = queue[i];
      if (seen.has(s)) continue;
      const c = this.commit(s);
      if (!c) continue;
      seen.add(s);
      queue.push(...c.parents);
    }
    return seen;
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.ancestors(of).has(ancestor);
  }

  /** The best common ancestor (first found breadth-first from `b`), or null. */
  mergeBase(a: string, b: string): string | null {
    const fromA = this.ancestors(a);
    const seen = new Set<string>();
    const queue = [b];
    for (let i = 0; i < queue.length; i++) {
      const s = queue[i];
      if (seen.has(s)) continue;
      seen.add(s);
      if (fromA.has(s)) return s;
      const c = this.commit(s);
      if (c) queue.push(...c.parents);
    }
    return null;
  }

  /** Commits reachable from `head` but not from `base`, oldest first (by committer date, then topology). */
  commitsBetween(base: string, head: string): GitCommit[] {
    const exclude = this.ancestors(base);
    const list = [...this.ancestors(head)].filter((s) => !exclude.has(s)).map((s) => this.commit(s)!);
    const order = new Map<string, number>();
    const depth = (c: GitCommit): number => {
      // Iterative depth = longest parent chain inside the list, so parents sort before children.
      const stack: GitCommit[] = [c];
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (order.has(top.sha)) { stack.pop(); continue; }
        const pending = top.parents.map((p) => this.commit(p)).filter((p): p is GitCommit => !!p && !exclude.has(p.sha) && !order.has(p.sha));
        if (pending.length) { stack.push(...pending); continue; }
        order.set(top.sha, 1 + Math.max(0, ...top.parents.map((p) => order.get(p) ?? 0)));
        stack.pop();
      }
      return order.get(c.sha)!;
    };
    return list.sort((x, y) => depth(x) - depth(y) || x.committer.date - y.committer.date);
  }

  /**
   * Resolves what GitHub accepts as a commit-ish `ref`: a full or abbreviated (≥7) sha, `heads/x`, `tags/x`,
   * `refs/heads/x`, a bare branch or tag name. Annotated tags are peeled to their commit.
   */
  resolve(repo: Repo, ref: string): string | null {
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > 1024) return null;
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
    for (const full of candidates) {
      const sha = repo.refs.get(full);
      if (sha) return this.peel(sha);
    }
    if (/^[0-9a-f]{40}$/.test(ref)) return repo.objects.has(ref) ? this.peel(ref) : null;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const hits = [...repo.objects].filter((s) => s.startsWith(ref));
      return hits.length === 1 ? this.peel(hits[0]) : null;
    }
    return null;
  }

  /** Follows annotated tags down to a commit sha (or returns the input when it is not a tag). */
  peel(sha: string): string {
    let s = sha;
    for (let i = 0; i < 16; i++) {
      const o = this.state.objects.get(s);
      if (o?.type !== 'tag') return s;
      s = o.object.sha;
    }
    return s;
  }

  /** A file's blob at a commit, or the tree for a directory path ('' = root). */
  pathAt(commitSha: string, path: string): { kind: 'blob'; sha: string; mode: string } | { kind: 'tree'; sha: string } | null {
    const c = this.commit(commitSha);
    if (!c) return null;
    let tree = c.tree;
    const parts = path.split('/').filter((p) => p.length > 0);
    for (let i = 0; i < parts.length; i++) {
      const t = this.state.objects.get(tree);
      if (t?.type !== 'tree') return null;
      const e = t.entries.find((x) => x.name === parts[i]);
      if (!e) return null;
      if (i === parts.length - 1) return e.type === 'tree' ? { kind: 'tree', sha: e.sha } : { kind: 'blob', sha: e.sha, mode: e.mode };
      if (e.type !== 'tree') return null;
      tree = e.sha;
    }
    return { kind: 'tree', sha: tree };
  }
}

export function assertPath(path: string): void {
  const parts = path.split('/');
  if (path.length === 0 || path.length > 4096 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
    throw new Error(`invalid file path: ${JSON.stringify(path)}`);
  }
}
