/**
 * The pages API objects link to outside a PR: a check run (`check-run.html_url`, `/o/r/runs/:id`) and a file at a
 * commit (`check-annotation.blob_href`, `/o/r/blob/:sha/path`). Plain read-only views, like the PR view.
 */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHub } from '../server.js';
import { html } from './html.js';
import { markdown } from './markdown.js';
import { routeParams, sendNotFound, sendPage, type ChecksViewHooks } from './checks-hooks.js';

export function registerCodeView(web: FastifyInstance, lg: LocalGitHub): void {
  const { state, ctx } = lg;
  const send = sendPage;
  const notFound = sendNotFound;
  const P = routeParams;

  web.get('/:owner/:repo/runs/:run', async (req, reply) => {
    const r = state.repoByName(P(req).owner, P(req).repo);
    const lookup = state.extension('checks') as ChecksViewHooks | undefined;
    const run = r && /^\d{1,15}$/.test(P(req).run) ? lookup?.runView?.(r, Number(P(req).run)) : undefined;
    if (!r || !run) return notFound(reply);
    const full = state.fullName(r);
    const pulls = ctx.pullsForHead(r, run.head_sha);
    return send(reply, `${run.name} · ${full}`, html`<div class="box"><h2>${run.name} <span class="muted">${run.app?.name ?? ''}</span></h2>
      <span class="${run.conclusion ?? run.status}">${run.conclusion ?? run.status}</span> on <code>${run.head_sha.slice(0, 7)}</code>
      ${run.details_url ? html` · <a href="${run.details_url}">details</a>` : ''}
      ${pulls.map((p) => html` · <a href="/${full}/pull/${p.number}">#${p.number}</a>`)}
      ${run.title ? html`<h4>${run.title}</h4>` : ''}${run.summary ? markdown(run.summary) : ''}${run.text ? markdown(run.text) : ''}
      ${run.annotations.length ? html`<table><tr><th>level</th><th>where</th><th>message</th></tr>${run.annotations.map((a) => html`<tr><td>${a.annotation_level}</td><td><a href="/${full}/blob/${run.head_sha}/${a.path.split('/').map(encodeURIComponent).join('/')}#L${a.start_line}">${a.path}:${a.start_line}${a.end_line !== a.start_line ? `-${a.end_line}` : ''}</a></td><td>${a.title ? html`<b>${a.title}</b><br>` : ''}${a.message}</td></tr>`)}</table>` : ''}</div>`);
  });

  web.get('/:owner/:repo/blob/:sha/*', async (req, reply) => {
    const r = state.repoByName(P(req).owner, P(req).repo);
    const sha = r ? lg.ctx.git.resolve(r, P(req).sha) : null;
    const path = (P(req)['*'] ?? '').replace(/^\/+|\/+$/g, '');
    let hit: ReturnType<typeof lg.ctx.git.pathAt>;
    try {
      hit = sha && path ? lg.ctx.git.pathAt(sha, path) : null;
    } catch {
      hit = null; // malformed paths (`..`, empty segments) are simply not found
    }
    const text = hit?.kind === 'blob' ? lg.ctx.git.blobText(hit.sha) : undefined;
    if (!r || !sha || text === undefined) return notFound(reply);
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return send(reply, `${path} · ${state.fullName(r)}`, html`<div class="box"><h2>${path}</h2><p class="muted">${state.fullName(r)} at <code>${sha.slice(0, 7)}</code></p>
      <table>${lines.map((l, i) => html`<tr id="L${i + 1}"><td class="muted">${i + 1}</td><td><pre style="margin:0">${l}</pre></td></tr>`)}</table></div>`);
  });
}
