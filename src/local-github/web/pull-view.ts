/**
 * A small HTML view so a person can see what happened: the repository list, a repository's pull requests, and
 * one PR's conversation (comments and reviews), commit statuses, and check runs (summary and text rendered as
 * Markdown, annotations, requested-action buttons). Check runs are read through the Checks extension when it is loaded.
 * The view has no login: it is a local debugging aid and shows private repositories too.
 */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHub } from '../server.js';
import { latestStatuses } from '../domain/feedback.js';
import { routeParams, sendNotFound, sendPage, type CheckRunViewLike, type ChecksViewHooks } from './checks-hooks.js';
import { html, type Raw } from './html.js';
import { markdown } from './markdown.js';

export function registerPullView(web: FastifyInstance, lg: LocalGitHub): void {
  const { state } = lg;
  const checks = (): ChecksViewHooks | undefined => state.extension('checks') as ChecksViewHooks | undefined;
  const send = sendPage;
  const notFound = sendNotFound;
  const P = routeParams;
  const time = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

  web.get('/', async (_req, reply) => {
    const repos = [...state.repos.values()].sort((a, b) => state.fullName(a).localeCompare(state.fullName(b)));
    return send(reply, 'local GitHub', html`<div class="box"><h2>Repositories</h2><ul>${repos.map((r) => html`<li><a href="/${state.fullName(r)}">${state.fullName(r)}</a> ${r.private ? html`<span class="muted">(private)</span>` : ''}</li>`)}</ul>
      <p class="muted">API: ${lg.urls.apiBase} · control: ${lg.urls.webBase}/_emulator</p></div>`);
  });

  web.get('/:owner/:repo', async (req, reply) => {
    const r = state.repoByName(P(req).owner, P(req).repo);
    if (!r) return notFound(reply);
    const pulls = state.pullsOf(r.id).sort((a, b) => b.number - a.number);
    return send(reply, state.fullName(r), html`<div class="box"><h2>${state.fullName(r)}</h2><p class="muted">${r.description ?? ''}</p>
      <table><tr><th>#</th><th>title</th><th>state</th><th>author</th></tr>${pulls.map((p) => html`<tr><td>${p.number}</td><td><a href="/${state.fullName(r)}/pull/${p.number}">${p.title}</a></td><td>${p.merged_at ? 'merged' : p.state}</td><td>${state.account(p.userId).login}</td></tr>`)}</table></div>`);
  });

  web.get('/:owner/:repo/pull/:number', async (req, reply) => {
    const r = state.repoByName(P(req).owner, P(req).repo);
    const p = r && /^\d{1,9}$/.test(P(req).number) ? state.pull(r.id, Number(P(req).number)) : undefined;
    if (!r || !p) return notFound(reply);
    const full = state.fullName(r);
    const author = state.account(p.userId);
    const badge = p.merged_at ? html`<span class="badge merged">Merged</span>` : p.state === 'open' ? html`<span class="badge open">Open</span>` : html`<span class="badge closed">Closed</span>`;
    const items = [
      ...[...state.commentsOf(r.id, p.number)].map((c) => ({ at: c.created_at, id: c.id, node: html`<div class="box" id="issuecomment-${c.id}"><b>${state.account(c.userId).login}</b> <span class="muted">commented ${time(c.created_at)}${c.updated_at !== c.created_at ? ' (edited)' : ''}</span><pre>${c.body}</pre></div>` })),
      ...[...state.reviews.values()].filter((v) => v.repoId === r.id && v.number === p.number && v.state !== 'PENDING').map((v) => ({ at: v.submitted_at, id: v.id, node: html`<div class="box" id="pullrequestreview-${v.id}"><b>${state.account(v.userId).login}</b> <span class="${v.state === 'APPROVED' ? 'success' : v.state === 'CHANGES_REQUESTED' ? 'failure' : 'muted'}">${v.state.toLowerCase().replace('_', ' ')}</span> <span class="muted">${time(v.submitted_at)} on ${v.commit_id.slice(0, 7)}</span>${v.body ? html`<pre>${v.body}</pre>` : ''}</div>` })),
    ].sort((a, b) => a.at - b.at || a.id - b.id);
    const statuses = latestStatuses(lg.ctx, r, p.head.sha);
    const runs = checks()?.runsForCommit?.(r, p.head.sha) ?? null;
    const users = [...state.accounts.values()].filter((a) => a.type === 'User' && a.login !== 'app-owner');
    const runBox = (run: CheckRunViewLike): Raw => html`<div class="box"><b>${run.name}</b> <span class="muted">${run.app?.name ?? ''}</span>
      — <span class="${run.conclusion ?? run.status}">${run.conclusion ?? run.status}</span>
      ${run.details_url ? html` · <a href="${run.details_url}">details</a>` : ''}
      ${run.title ? html`<h4>${run.title}</h4>` : ''}${run.summary ? markdown(run.summary) : ''}${run.text ? html`<details><summary>text</summary>${markdown(run.text)}</details>` : ''}
      ${run.annotations.length ? html`<table><tr><th>level</th><th>where</th><th>message</th></tr>${run.annotations.map((a) => html`<tr><td class="${a.annotation_level === 'failure' ? 'failure' : a.annotation_level === 'warning' ? 'pending' : 'muted'}">${a.annotation_level}</td><td>${a.path}:${a.start_line}${a.end_line !== a.start_line ? `-${a.end_line}` : ''}</td><td>${a.title ? html`<b>${a.title}</b><br>` : ''}${a.message}</td></tr>`)}</table>` : ''}
      ${run.actions.length ? html`<form method="post" action="/${full}/pull/${p.number}/checks/${run.id}/action">as <select name="login">${users.map((u) => html`<option>${u.login}</option>`)}</select> ${run.actions.map((a) => html`<button name="identifier" value="${a.identifier}" title="${a.description}" ${run.actions_enabled ? '' : 'disabled'}>${a.label}</button> `)}</form>` : ''}</div>`;
    return send(reply, `${p.title} · ${full}#${p.number}`, html`
      <div class="box"><h2>${p.title} <span class="muted">#${p.number}</span></h2>${badge}
      <b>${author.login}</b> wants to merge <code>${p.head.ref}</code> into <code>${p.base.ref}</code> <span class="muted">head ${p.head.sha.slice(0, 7)}</span>
      ${p.body ? html`<pre>${p.body}</pre>` : ''}</div>
      <h3>Conversation</h3>${items.length ? items.map((i) => i.node) : html`<p class="muted">No comments or reviews yet.</p>`}
      <h3>Commit statuses</h3>${statuses.length ? html`<div class="box"><table>${statuses.map((s) => html`<tr><td class="${s.state}">${s.state}</td><td><b>${s.context}</b></td><td>${s.description ?? ''}</td><td>${s.target_url ? html`<a href="${s.target_url}">details</a>` : ''}</td></tr>`)}</table></div>` : html`<p class="muted">No statuses.</p>`}
      <h3>Check runs</h3>${runs === null ? html`<p class="muted">The Checks module is not loaded.</p>` : runs.length ? runs.map(runBox) : html`<p class="muted">No check runs.</p>`}`);
  });

  web.post('/:owner/:repo/pull/:number/checks/:run/action', async (req, reply) => {
    const r = state.repoByName(P(req).owner, P(req).repo);
    const b = (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, unknown>;
    const user = typeof b.login === 'string' ? state.accountByLogin(b.login) : undefined;
    const click = checks()?.clickAction;
    if (!r || !user || typeof b.identifier !== 'string' || !/^\d{1,15}$/.test(P(req).run) || !click) return notFound(reply);
    try {
      click(r, Number(P(req).run), b.identifier, user.id);
    } catch (e) {
      return send(reply, 'Error', html`<div class="box">${(e as Error).message}</div>`, 422);
    }
    await lg.webhooks.idle();
    return reply.code(303).header('location', `/${state.fullName(r)}/pull/${P(req).number}`).send();
  });
}
