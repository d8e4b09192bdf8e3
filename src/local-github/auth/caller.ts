/**
 * Who is calling: resolved once per request from the Authorization header. Unknown or expired tokens are 401
 * "Bad credentials", like GitHub; no header at all is an anonymous caller.
 */
import type { State } from '../state/store.js';
import type { AppPermissionLevel } from '../state/types.js';
import { GitHubError, errors } from '../http/errors.js';
import { jwtIssuer, looksLikeJwt, verifyAppJwt } from './jwt.js';

export interface Caller {
  kind: 'app' | 'installation' | 'user' | 'anonymous';
  /** App id for `app` (JWT), `installation`, and OAuth user tokens issued through an app. */
  appId?: number;
  installationId?: number;
  /** Login and id of the user for `user` callers (and the bot account is not modelled). */
  login?: string;
  userId?: number;
  /** Installation token permissions. */
  permissions?: Record<string, AppPermissionLevel>;
  /** Repositories an installation token is limited to (null = all the installation covers). */
  repoIds?: number[] | null;
  /** Classic token / OAuth scopes. */
  scopes?: string[];
  /** The raw token (used for rate-limit accounting). */
  token?: string;
}

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' }) as Caller;

export function resolveCaller(state: State, authorization: string | undefined): Caller {
  if (authorization === undefined || authorization === '') return ANONYMOUS;
  const m = /^(token|bearer)\s+(\S+)\s*$/i.exec(authorization);
  if (!m) {
    if (/^basic\s/i.test(authorization)) return basicCaller(state, authorization);
    throw errors.badCredentials();
  }
  const token = m[2];
  if (looksLikeJwt(token)) {
    const iss = jwtIssuer(token);
    const app = iss === null ? undefined : state.apps.get(iss);
    if (!app) {
      if (iss === null) throw new GitHubError(401, 'A JSON web token could not be decoded');
      throw new GitHubError(401, 'Integration not found');
    }
    verifyAppJwt(token, app.public_key, state.now());
    return { kind: 'app', appId: app.id, token };
  }
  const t = state.tokens.get(token);
  if (!t || (t.expires_at !== null && t.expires_at <= state.now())) throw errors.badCredentials();
  if (t.kind === 'installation') {
    const inst = state.installations.get(t.installationId);
    if (!inst) throw errors.badCredentials();
    if (inst.suspended_at !== null) throw new GitHubError(403, 'This installation has been suspended');
    return {
      kind: 'installation', appId: inst.appId, installationId: inst.id, permissions: { ...t.permissions },
      repoIds: t.repoIds, token,
    };
  }
  const user = state.accounts.get(t.userId);
  if (!user) throw errors.badCredentials();
  return {
    kind: 'user', login: user.login, userId: user.id, scopes: [...t.scopes],
    appId: t.kind === 'oauth' ? t.appId ?? undefined : undefined, token,
  };
}

/** `Basic base64(login:token)` is accepted for personal tokens, as GitHub does for git and the API. */
function basicCaller(state: State, authorization: string): Caller {
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw errors.badCredentials();
  return resolveCaller(state, `token ${decoded.slice(colon + 1)}`);
}
