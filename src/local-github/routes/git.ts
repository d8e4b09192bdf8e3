/** Git data: blobs, trees, commits, refs, annotated tags; repository commits, compare, contents. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { GitSignature, GitTreeEntry, Repo } from '../state/types.js';
import { GitHubError } from '../http/errors.js';
import { moveRef, signatureOf } from '../domain/repos.js';
import { diffTrees } from '../domain/diff.js';
import { assertPath } from '../state/git.js';
import { commitJson, contentEntry, fileJson, gitCommitJson, refJson, tagJson } from '../serialize/git.js';
import { body, params, query, requiredString } from './util.js';

const SHA = /^[0-9a-f]{40}$/;
const RAW_MEDIA_TYPE = /application\/vnd\.github(?:\.v3)?\.raw(?:\+json)?(?:\s*[;,]|\s*$)/i;

export function registerGit(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, git, errors } = ctx;
  const read = (req: FastifyRequest): Repo => ctx.repo(req, params(req).owner, params(req).repo, { app: ['contents', 'read'] });
  const write = (req: FastifyRequest): Repo => ctx.repo(req, params(req).owner, params(req).repo, { user: 'write', app: ['contents', 'write'] });

  const signature = (v: unknown, fallback: GitSignature): GitSignature => {
    if (v === undefined) return fallback;
    const o = v as { name?: unknown; email?: unknown; date?: unknown };
    if (!o || typeof o.name !== 'string' || typeof o.email !== 'string') throw errors.invalidRequest('For \'properties/author\', "name" and "email" are required.');
    const date = typeof o.date === 'string' ? Date.parse(o.date) : fallback.date;
    return { name: o.name, email: o.email, date: Number.isNaN(date) ? fallback.date : date };
  };

  // ---- blobs ----
  api.get('/repos/:owner/:repo/git/blobs/:sha', async (req) => {
    const r = read(req);
    const o = state.objects.get(params(req).sha);
    if (o?.type !== 'blob' || !reachableBlob(r, o.sha)) throw errors.notFound();
    return { sha: o.sha, node_id: Buffer.from(`04:Blob${r.id}:${o.sha}`).toString('base64'), size: o.size, url: ctx.urls.api(`/repos/${state.fullName(r)}/git/blobs/${o.sha}`), content: o.content.replace(/(.{60})/g, '$1\n'), encoding: 'base64' };
  });
  // Blobs are content-addressed and shared; a blob counts as in a repo when a commit there references it.
  const reachableBlob = (r: Repo, sha: string): boolean => {
    for (const c of r.objects) {
      const commit = git.commit(c);
      if (commit && [...git.flatten(commit.tree).values()].some((f) => f.sha === sha)) return true;
    }
    return pendingBlobs.get(r.id)?.has(sha) ?? false;
  };
  const pendingBlobs = new Map<number, Set<string>>();

  api.post('/repos/:owner/:repo/git/blobs', async (req, reply) => {
    const r = write(req);
    const b = body(req);
    const content = requiredString(b, 'content');
    const enc = b.encoding ?? 'utf-8';
    if (enc !== 'utf-8' && enc !== 'base64') throw errors.validation([{ resource: 'Blob', field: 'encoding', code: 'invalid' }]);
    const blob = git.writeBlob(enc === 'base64' ? Buffer.from(content, 'base64') : content);
    const set = pendingBlobs.get(r.id) ?? new Set();
    set.add(blob.sha);
    pendingBlobs.set(r.id, set);
    return reply.code(201).send({ url: ctx.urls.api(`/repos/${state.fullName(r)}/git/blobs/${blob.sha}`), sha: blob.sha });
  });

  // ---- trees ----
  const treeJson = (r: Repo, sha: string, recursive: boolean): Record<string, unknown> => {
    const base = ctx.urls.api(`/repos/${state.fullName(r)}/git`);
    const entries: Record<string, unknown>[] = [];
    const walk = (treeSha: string, prefix: string): void => {
      const t = state.objects.get(treeSha);
      if (t?.type !== 'tree') return;
      for (const e of t.entries) {
        const blob = e.type === 'blob' ? state.objects.get(e.sha) : undefined;
        entries.push({ path: `${prefix}${e.name}`, mode: e.mode, type: e.type, sha: e.sha, ...(blob?.type === 'blob' ? { size: blob.size } : {}), url: `${base}/${e.type}s/${e.sha}` });
        if (recursive && e.type === 'tree') walk(e.sha, `${prefix}${e.name}/`);
      }
    };
    walk(sha, '');
    return { sha, url: `${base}/trees/${sha}`, tree: entries, truncated: false };
  };

  api.get('/repos/:owner/:repo/git/trees/:sha', async (req) => {
    const r = read(req);
    const ref = params(req).sha;
    let sha = SHA.test(ref) && state.objects.get(ref)?.type === 'tree' ? ref : null;
    if (!sha) {
      const c = git.resolve(r, ref);
      sha = c ? git.commit(c)?.tree ?? null : null;
    }
    if (!sha) throw errors.notFound();
    const rec = query(req).recursive;
    return treeJson(r, sha, rec !== undefined && rec !== '0' && rec !== 'false');
  });

  api.post('/repos/:owner/:repo/git/trees', async (req, reply) => {
    const r = write(req);
    const b = body(req);
    if (!Array.isArray(b.tree)) throw errors.invalidRequest('"tree" wasn\'t supplied.');
    let files = new Map<string, { sha: string; mode: GitTreeEntry['mode'] }>();
    if (b.base_tree !== undefined) {
      if (typeof b.base_tree !== 'string' || state.objects.get(b.base_tree)?.type !== 'tree') throw errors.unprocessable('base_tree is not a valid tree oid');
      files = git.flatten(b.base_tree);
    }
    for (const [i, raw] of (b.tree as unknown[]).entries()) {
      const e = raw as { path?: unknown; mode?: unknown; type?: unknown; sha?: unknown; content?: unknown };
      if (!e || typeof e.path !== 'string') throw errors.invalidRequest(`For 'items', "path" wasn't supplied (tree[${i}]).`);
      try {
        assertPath(e.path);
      } catch {
        throw errors.unprocessable(`tree.path contains a malformed path component`);
      }
      if (e.sha === null) {
        for (const k of [...files.keys()]) if (k === e.path || k.startsWith(`${e.path}/`)) files.delete(k);
        continue;
      }
      const mode = (e.mode ?? '100644') as GitTreeEntry['mode'];
      if (!['100644', '100755', '120000'].includes(mode)) throw errors.unprocessable(`Must supply a valid tree.mode`);
      if (typeof e.content === 'string') files.set(e.path, { sha: git.writeBlob(e.content).sha, mode });
      else if (typeof e.sha === 'string' && state.objects.get(e.sha)?.type === 'blob') files.set(e.path, { sha: e.sha, mode });
      else throw errors.unprocessable(`tree.sha ${String(e.sha)} is not a valid blob`);
    }
    const tree = git.treeFromFiles(files);
    return reply.code(201).send(treeJson(r, tree.sha, false));
  });

  // ---- commits (git) ----
  api.get('/repos/:owner/:repo/git/commits/:sha', async (req) => {
    const r = read(req);
    const c = git.repoCommit(r, params(req).sha);
    if (!c) throw errors.notFound();
    return gitCommitJson(ctx, r, c);
  });

  api.post('/repos/:owner/:repo/git/commits', async (req, reply) => {
    const r = write(req);
    const b = body(req);
    const message = requiredString(b, 'message');
    const tree = requiredString(b, 'tree');
    if (state.objects.get(tree)?.type !== 'tree') throw errors.unprocessable('Tree SHA does not exist');
    const parents = b.parents === undefined ? [] : b.parents;
    if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string' || !git.repoCommit(r, p))) throw errors.unprocessable('Parent SHA does not exist or is not a commit object');
    const me = signatureOf(ctx, ctx.actor(req));
    const author = signature(b.author, me);
    const c = git.writeCommit({ tree, parents: parents as string[], author, committer: signature(b.committer, author), message });
    r.objects.add(c.sha);
    return reply.code(201).send(gitCommitJson(ctx, r, c));
  });

  // ---- refs ----
  const refName = (rest: string): string => (rest.startsWith('refs/') ? rest : `refs/${rest}`);

  api.get('/repos/:owner/:repo/git/ref/*', async (req) => {
    const r = read(req);
    const ref = refName(params(req)['*'] ?? '');
    const sha = r.refs.get(ref);
    if (!sha || ref.startsWith('refs/pull/')) throw errors.notFound();
    return refJson(ctx, r, ref, sha);
  });

  api.get('/repos/:owner/:repo/git/matching-refs/*', async (req) => {
    const r = read(req);
    const prefix = refName(params(req)['*'] ?? '');
    return [...r.refs].filter(([ref]) => ref.startsWith(prefix) && !ref.startsWith('refs/pull/')).sort(([a], [b]) => a.localeCompare(b)).map(([ref, sha]) => refJson(ctx, r, ref, sha));
  });

  api.post('/repos/:owner/:repo/git/refs', async (req, reply) => {
    const r = write(req);
    const b = body(req);
    const ref = requiredString(b, 'ref');
    const sha = requiredString(b, 'sha');
    if (!/^refs\/[^\s~^:?*[\\]+$/.test(ref) || ref.split('/').length < 3 || ref.includes('..') || ref.endsWith('/')) throw errors.unprocessable('Reference name is not valid');
    if (r.refs.has(ref)) throw errors.unprocessable('Reference already exists');
    const o = state.objects.get(sha);
    if (!o || !(r.objects.has(sha) || o.type === 'tag')) throw errors.unprocessable('Object does not exist');
    moveRef(ctx, r, ref, sha, ctx.actor(req));
    return reply.code(201).send(refJson(ctx, r, ref, sha));
  });

  api.patch('/repos/:owner/:repo/git/refs/*', async (req) => {
    const r = write(req);
    const ref = refName(params(req)['*'] ?? '');
    const old = r.refs.get(ref);
    if (!old) throw errors.unprocessable('Reference does not exist');
    const b = body(req);
    const sha = requiredString(b, 'sha');
    if (!git.repoCommit(r, sha)) throw errors.unprocessable('Object does not exist');
    const oldCommit = git.peel(old);
    if (b.force !== true && git.commit(oldCommit) && !git.isAncestor(oldCommit, sha)) throw errors.unprocessable('Update is not a fast forward');
    moveRef(ctx, r, ref, sha, ctx.actor(req));
    return refJson(ctx, r, ref, sha);
  });

  api.delete('/repos/:owner/:repo/git/refs/*', async (req, reply) => {
    const r = write(req);
    const ref = refName(params(req)['*'] ?? '');
    if (!r.refs.has(ref)) throw errors.unprocessable('Reference does not exist');
    moveRef(ctx, r, ref, null, ctx.actor(req));
    return reply.code(204).send();
  });

  // ---- annotated tags ----
  api.post('/repos/:owner/:repo/git/tags', async (req, reply) => {
    const r = write(req);
    const b = body(req);
    const tag = requiredString(b, 'tag');
    const message = requiredString(b, 'message');
    const object = requiredString(b, 'object');
    const type = requiredString(b, 'type');
    if (!['commit', 'tree', 'blob'].includes(type)) throw errors.invalidRequest(`"${type}" is not a member of enum "type".`);
    const o = state.objects.get(object);
    if (!o || o.type !== type) throw errors.unprocessable('Object does not exist');
    const me = signatureOf(ctx, ctx.actor(req));
    const t = git.writeTag({ tag, message, object: { sha: object, type: type as 'commit' }, tagger: signature(b.tagger, me) });
    r.objects.add(t.sha);
    return reply.code(201).send(tagJson(ctx, r, t));
  });

  api.get('/repos/:owner/:repo/git/tags/:sha', async (req) => {
    const r = read(req);
    const o = state.objects.get(params(req).sha);
    if (o?.type !== 'tag' || !r.objects.has(o.sha)) throw errors.notFound();
    return tagJson(ctx, r, o);
  });

  api.get('/repos/:owner/:repo/tags', async (req, reply) => {
    const r = read(req);
    const base = ctx.urls.web(`/${state.fullName(r)}`);
    const list = [...r.refs].filter(([ref]) => ref.startsWith('refs/tags/')).map(([ref, sha]) => {
      const name = ref.slice(10);
      const c = git.peel(sha);
      return { name, commit: { sha: c, url: ctx.urls.api(`/repos/${state.fullName(r)}/commits/${c}`) }, zipball_url: `${base}/zipball/${name}`, tarball_url: `${base}/tarball/${name}`, node_id: Buffer.from(`03:Ref${r.id}:${ref}`).toString('base64') };
    }).sort((a, b) => b.name.localeCompare(a.name));
    return ctx.paginate(req, reply, list, ctx.repoApiUrlById(r, '/tags'));
  });

  // ---- repository commits ----
  api.get('/repos/:owner/:repo/commits', async (req, reply) => {
    const r = read(req);
    const q = query(req);
    const start = git.resolve(r, q.sha ?? r.default_branch);
    if (!start) {
      if (!r.refs.size) throw new GitHubError(409, 'Git Repository is empty.');
      throw errors.notFound();
    }
    let commits = [...git.ancestors(start)].map((s) => git.commit(s)!).sort((a, b) => b.committer.date - a.committer.date);
    if (q.path) commits = commits.filter((c) => {
      const before = c.parents[0] ? git.pathAt(c.parents[0], q.path!) : null;
      const now = git.pathAt(c.sha, q.path!);
      return (before?.sha ?? null) !== (now?.sha ?? null);
    });
    if (q.author) commits = commits.filter((c) => c.author.email === q.author || c.author.name === q.author);
    return ctx.paginate(req, reply, commits.map((c) => commitJson(ctx, r, c)), ctx.repoApiUrlById(r, '/commits'));
  });

  api.get('/repos/:owner/:repo/commits/:ref', async (req) => {
    const r = read(req);
    const sha = git.resolve(r, params(req).ref);
    const c = sha ? git.commit(sha) : undefined;
    if (!c) throw errors.unprocessable(`No commit found for SHA: ${params(req).ref}`);
    const parentTree = c.parents[0] ? git.commit(c.parents[0])?.tree ?? null : null;
    return commitJson(ctx, r, c, diffTrees(git, parentTree, c.tree));
  });

  api.get('/repos/:owner/:repo/compare/*', async (req) => {
    const r = read(req);
    const spec = params(req)['*'] ?? '';
    const m = /^(.+?)\.\.\.(.+)$/.exec(spec);
    if (!m) throw errors.notFound();
    const baseSha = git.resolve(r, m[1]);
    const headSha = git.resolve(r, m[2]);
    if (!baseSha || !headSha) throw errors.notFound();
    const mb = git.mergeBase(baseSha, headSha);
    const ahead = git.commitsBetween(baseSha, headSha);
    const behind = git.commitsBetween(headSha, baseSha);
    const status = ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const full = state.fullName(r);
    const files = diffTrees(git, mb ? git.commit(mb)!.tree : null, git.commit(headSha)!.tree);
    return {
      url: ctx.urls.api(`/repos/${full}/compare/${spec}`),
      html_url: ctx.urls.web(`/${full}/compare/${spec}`),
      permalink_url: ctx.urls.web(`/${full}/compare/${baseSha.slice(0, 7)}...${headSha.slice(0, 7)}`),
      diff_url: ctx.urls.web(`/${full}/compare/${spec}.diff`),
      patch_url: ctx.urls.web(`/${full}/compare/${spec}.patch`),
      base_commit: commitJson(ctx, r, git.commit(baseSha)!),
      merge_base_commit: mb ? commitJson(ctx, r, git.commit(mb)!) : null,
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: ahead.map((c) => commitJson(ctx, r, c)),
      files: files.map((f) => fileJson(ctx, r, headSha, f)),
    };
  });

  // ---- contents ----
  api.get('/repos/:owner/:repo/contents', async (req, reply) => contents(req, reply, ''));
  api.get('/repos/:owner/:repo/contents/*', async (req, reply) => contents(req, reply, params(req)['*'] ?? ''));

  const contents = (req: FastifyRequest, reply: FastifyReply, rawPath: string): unknown => {
    const r = read(req);
    const path = rawPath.replace(/^\/+|\/+$/g, '');
    const ref = query(req).ref || r.default_branch;
    const sha = git.resolve(r, ref);
    if (!sha) throw r.refs.size ? new GitHubError(404, `No commit found for the ref ${ref}`) : new GitHubError(404, 'This repository is empty.');
    const hit = git.pathAt(sha, path);
    if (!hit) throw errors.notFound();
    if (hit.kind === 'tree') {
      const t = state.objects.get(hit.sha);
      if (t?.type !== 'tree') throw errors.notFound();
      return t.entries.map((e) => {
        const o = state.objects.get(e.sha);
        return contentEntry(ctx, r, ref, path ? `${path}/${e.name}` : e.name, e.sha, e.type === 'tree' ? 'dir' : 'file', o?.type === 'blob' ? o.size : 0);
      });
    }
    const blob = state.objects.get(hit.sha);
    if (blob?.type !== 'blob') throw errors.notFound();
    // `Accept: application/vnd.github.raw` (also `.v3.raw`, `raw+json`): the file's bytes, not the JSON wrapper.
    if (RAW_MEDIA_TYPE.test(String(req.headers.accept ?? ''))) {
      reply.header('x-github-media-type', 'github.v3; param=raw');
      return reply.type('application/vnd.github.raw; charset=utf-8').send(Buffer.from(blob.content, 'base64'));
    }
    return {
      ...contentEntry(ctx, r, ref, path, blob.sha, 'file', blob.size),
      content: blob.content.replace(/(.{60})/g, '$1\n') + (blob.content.length ? '\n' : ''),
      encoding: 'base64',
    };
  };

  api.put('/repos/:owner/:repo/contents/*', async (req, reply) => {
    const r = write(req);
    const path = (params(req)['*'] ?? '').replace(/^\/+|\/+$/g, '');
    const b = body(req);
    const message = requiredString(b, 'message');
    const content = requiredString(b, 'content');
    const branch = typeof b.branch === 'string' ? b.branch : r.default_branch;
    try {
      assertPath(path);
    } catch {
      throw errors.notFound();
    }
    const tip = r.refs.get(`refs/heads/${branch}`);
    const existing = tip ? git.pathAt(tip, path) : null;
    if (existing?.kind === 'blob' && b.sha !== existing.sha) {
      throw b.sha === undefined ? errors.unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.') : new GitHubError(409, `${path} does not match ${String(b.sha)}`);
    }
    const parent = tip ? git.commit(tip) : undefined;
    const tree = git.writeTree(new Map([[path, Buffer.from(content, 'base64')]]), parent?.tree);
    const me = signatureOf(ctx, ctx.actor(req));
    const author = signature(b.author, signature(b.committer, me));
    const commit = git.writeCommit({ tree: tree.sha, parents: parent ? [parent.sha] : [], author, committer: signature(b.committer, me), message });
    moveRef(ctx, r, `refs/heads/${branch}`, commit.sha, ctx.actor(req));
    const blob = git.pathAt(commit.sha, path)!;
    return reply.code(existing ? 200 : 201).send({
      content: contentEntry(ctx, r, branch, path, blob.sha, 'file', Buffer.from(content, 'base64').length),
      commit: gitCommitJson(ctx, r, commit),
    });
  });
}
