/** Creating users, organizations, teams and memberships, and issuing personal tokens. */
import { randomBytes } from 'node:crypto';
import { nodeId, type State } from '../state/store.js';
import type { Account, Permission, Team } from '../state/types.js';

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** Logins that would shadow API or web routes. */
const RESERVED = new Set(['api', 'repos', 'orgs', 'users', 'user', 'app', 'apps', 'login', 'settings', 'organizations', '_emulator', 'repositories', 'installation', 'teams']);

export function createAccount(state: State, login: string, type: 'User' | 'Organization', extra: { name?: string | null; email?: string | null; description?: string | null } = {}): Account {
  if (typeof login !== 'string' || !LOGIN.test(login) || RESERVED.has(login.toLowerCase())) {
    throw new Error(`invalid login ${JSON.stringify(login)}`);
  }
  if (state.accountByLogin(login)) throw new Error(`login ${login} is already taken`);
  const id = state.nextId('user');
  const now = state.now();
  const a: Account = {
    id, node_id: nodeId(type, id), login, type, name: extra.name ?? null, email: extra.email ?? null, site_admin: false,
    created_at: now, updated_at: now,
  };
  if (type === 'Organization') a.description = extra.description ?? null;
  state.accounts.set(id, a);
  state.logins.set(login.toLowerCase(), id);
  if (type === 'Organization') state.orgMembers.set(id, new Map());
  return a;
}

export function requireAccount(state: State, login: string, type?: 'User' | 'Organization'): Account {
  const a = typeof login === 'string' ? state.accountByLogin(login) : undefined;
  if (!a || (type && a.type !== type)) throw new Error(`no ${type === 'Organization' ? 'organization' : type === 'User' ? 'user' : 'account'} ${JSON.stringify(login)}`);
  return a;
}

export function setOrgMembership(state: State, org: Account, user: Account, role: 'admin' | 'member', pending = false): void {
  const members = state.orgMembers.get(org.id) ?? new Map();
  members.set(user.id, { role, state: pending ? 'pending' : 'active' });
  state.orgMembers.set(org.id, members);
}

export function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]+/g, '-').replace(/^-+|-+$/g, '') || 'team';
}

export function createTeam(state: State, org: Account, name: string, opts: { description?: string | null; privacy?: 'closed' | 'secret'; parentId?: number | null } = {}): Team {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255) throw new Error('invalid team name');
  const slug = slugify(name);
  for (const t of state.teams.values()) if (t.orgId === org.id && t.slug === slug) throw new Error(`team ${slug} already exists`);
  const id = state.nextId('team');
  const now = state.now();
  const team: Team = {
    id, node_id: nodeId('Team', id), orgId: org.id, name, slug, description: opts.description ?? null,
    privacy: opts.privacy ?? 'closed', parentId: opts.parentId ?? null, members: new Map(), repos: new Map(), created_at: now, updated_at: now,
  };
  state.teams.set(id, team);
  return team;
}

export function teamBySlug(state: State, orgId: number, slug: string): Team | undefined {
  const s = String(slug).toLowerCase();
  for (const t of state.teams.values()) if (t.orgId === orgId && t.slug === s) return t;
  return undefined;
}

export function addTeamMember(state: State, team: Team, user: Account, role: 'member' | 'maintainer' = 'member'): void {
  team.members.set(user.id, role);
  const org = state.account(team.orgId);
  if (!state.orgMembers.get(org.id)?.has(user.id)) setOrgMembership(state, org, user, 'member');
}

export function grantTeamRepo(team: Team, repoId: number, permission: Permission): void {
  team.repos.set(repoId, permission);
}

export function issuePersonalToken(state: State, user: Account, scopes: string[] = ['repo', 'read:org', 'user'], expiresAt: number | null = null): string {
  const token = `ghp_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
  state.tokens.set(token, { kind: 'pat', userId: user.id, scopes: [...scopes], expires_at: expiresAt });
  return token;
}
