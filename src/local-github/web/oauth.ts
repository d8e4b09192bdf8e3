/**
 * The OAuth web flow for UI login: `/login/oauth/authorize` shows a "sign in as" page (the emulator has no
 * passwords) and redirects back with a code; `/login/oauth/access_token` exchanges it. Answers follow GitHub:
 * errors from the token endpoint come back with status 200 and an `error` field.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LocalGitHub } from '../server.js';
import type { App } from '../state/types.js';
import { html, page } from './html.js';

function fields(req: FastifyRequest): Record<string, string | undefined> {
  const src = { ...(req.query as object), ...(typeof req.body === 'object' && req.body ? (req.body as object) : {}) } as Record<string, unknown>;
  const out: Record<string, string | undefined> = Object.create(null);
  for (const [k, v] of Object.entries(src)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function registerOAuth(web: FastifyInstance, lg: LocalGitHub): void {
  const { state } = lg;
  const appByClient = (id: string | undefined): App | undefined => (id ? [...state.apps.values()].find((a) => a.client_id === id) : undefined);

  web.get('/login/oauth/authorize', async (req, reply) => {
    const f = fields(req);
    const app = appByClient(f.client_id);
    if (!app) return reply.code(404).type('text/html').send(page('Not found', html`<div class="box">Unknown client_id.</div>`));
    const users = [...state.accounts.values()].filter((a) => a.type === 'User' && a.login !== 'app-owner');
    const hidden = ['client_id', 'redirect_uri', 'state', 'scope'].map((k) => (f[k] === undefined ? html`` : html`<input type="hidden" name="${k}" value="${f[k]}">`));
    return reply.type('text/html').send(page(`Authorize ${app.name}`, html`
      <div class="box"><h2>Authorize ${app.name}</h2>
      <p class="muted">The local GitHub has no passwords: choose who you are.</p>
      <form method="post" action="/login/oauth/authorize">${hidden}
      <select name="login">${users.map((u) => html`<option value="${u.login}">${u.login}${u.name ? ` (${u.name})` : ''}</option>`)}</select>
      <button type="submit">Authorize</button></form></div>`));
  });

  web.post('/login/oauth/authorize', async (req, reply: FastifyReply) => {
    const f = fields(req);
    const app = appByClient(f.client_id);
    const user = f.login ? state.accountByLogin(f.login) : undefined;
    if (!app || !user || user.type !== 'User') return reply.code(422).type('text/html').send(page('Error', html`<div class="box">Unknown client_id or login.</div>`));
    const redirect = f.redirect_uri ?? app.external_url;
    let target: URL;
    try {
      target = new URL(redirect);
    } catch {
      return reply.code(422).type('text/html').send(page('Error', html`<div class="box">Invalid redirect_uri.</div>`));
    }
    const code = randomBytes(10).toString('hex');
    state.oauthCodes.set(code, {
      clientId: app.client_id, userId: user.id, scopes: (f.scope ?? '').split(/[\s,]+/).filter(Boolean),
      redirect_uri: f.redirect_uri ?? null, state: f.state ?? null, expires_at: state.now() + 10 * 60_000,
    });
    target.searchParams.set('code', code);
    if (f.state !== undefined) target.searchParams.set('state', f.state);
    return reply.code(302).header('location', target.toString()).send();
  });

  web.post('/login/oauth/access_token', async (req, reply) => {
    const f = fields(req);
    const json = String(req.headers.accept ?? '').includes('json');
    const send = (body: Record<string, string>): FastifyReply =>
      json ? reply.send(body) : reply.type('application/x-www-form-urlencoded').send(new URLSearchParams(body).toString());
    const app = appByClient(f.client_id);
    if (!app || app.client_secret !== f.client_secret) {
      return send({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.', error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials' });
    }
    const code = f.code ? state.oauthCodes.get(f.code) : undefined;
    if (!code || code.clientId !== app.client_id || code.expires_at <= state.now()) {
      return send({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.', error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code' });
    }
    if (code.redirect_uri !== null && f.redirect_uri !== undefined && f.redirect_uri !== code.redirect_uri) {
      return send({ error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.', error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch' });
    }
    state.oauthCodes.delete(f.code!);
    const token = `ghu_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
    // GitHub App user tokens act with the user's access; the emulator models that as the `repo` and `read:org` scopes.
    const scopes = code.scopes.length ? code.scopes : ['repo', 'read:org'];
    state.tokens.set(token, { kind: 'oauth', userId: code.userId, scopes, appId: app.id, expires_at: null });
    return send({ access_token: token, token_type: 'bearer', scope: code.scopes.join(',') });
  });
}
