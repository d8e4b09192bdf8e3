import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RequestError } from '@octokit/request-error';
import { startWorld, seedBasic, type World } from './helpers.js';

let w: World;
before(async () => {
  w = await startWorld();
  await seedBasic(w);
  w.lg.admin.createTeam('acme', 'Core', { members: ['alice'] });
  w.lg.admin.createTeam('acme', 'Core Web', { members: ['bob'], parent: 'core', privacy: 'secret' });
});
after(() => w.close());

async function status(p: Promise<unknown>): Promise<number> {
  try {
    return ((await p) as { status: number }).status;
  } catch (err) {
    if (err instanceof RequestError) return err.status;
    throw err;
  }
}

test('teams: slugs, parent teams include child members, membership roles, visibility to members only', async () => {
  const alice = w.octo('alice');
  const teams = await alice.teams.list({ org: 'acme' });
  assert.deepEqual(teams.data.map((t) => t.slug), ['reviewers', 'core', 'core-web']);
  const members = await alice.teams.listMembersInOrg({ org: 'acme', team_slug: 'core' });
  assert.deepEqual(members.data.map((m) => m.login).sort(), ['alice', 'bob']);
  const m = await alice.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'core-web', username: 'bob' });
  assert.equal(m.data.role, 'member');
  assert.equal(m.data.state, 'active');
  assert.equal(await status(alice.teams.getMembershipForUserInOrg({ org: 'acme', team_slug: 'core-web', username: 'carol' })), 404);
  assert.equal(await status(w.octo('carol').teams.getByName({ org: 'acme', team_slug: 'core' })), 404);
  const web = await alice.teams.getByName({ org: 'acme', team_slug: 'core-web' });
  assert.equal(web.data.parent?.slug, 'core');
  assert.equal(web.data.privacy, 'secret');
});

test('org membership: members list, role filter, membership state, user org lists, 302 for non-members', async () => {
  const alice = w.octo('alice');
  const admins = await alice.orgs.listMembers({ org: 'acme', role: 'admin' });
  assert.deepEqual(admins.data.map((u) => u.login), ['alice']);
  const mem = await alice.orgs.getMembershipForUser({ org: 'acme', username: 'bob' });
  assert.equal(mem.data.role, 'member');
  assert.equal(await status(alice.orgs.checkMembershipForUser({ org: 'acme', username: 'bob' })), 204);
  assert.equal(await status(alice.orgs.checkMembershipForUser({ org: 'acme', username: 'carol' })), 404);
  const orgs = await w.octo('bob').orgs.listForAuthenticatedUser();
  assert.deepEqual(orgs.data.map((o) => o.login), ['acme']);
  // A non-member asking is redirected to the public-membership check (Octokit follows it).
  assert.equal(await status(w.octo('carol').orgs.checkMembershipForUser({ org: 'acme', username: 'bob' })), 204);
  assert.equal(await status(alice.orgs.get({ org: 'nope' })), 404);
  assert.equal(await status(alice.users.getByUsername({ username: 'nobody-here' })), 404);
});

test('hostile input: bad JSON, wrong body types, absurd pagination, odd refs and paths never crash', async () => {
  const token = w.lg.admin.tokensOf('alice')[0];
  const raw = (method: string, path: string, body?: string) => fetch(`${w.apiUrl}${path}`, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body });
  let r = await raw('POST', '/repos/acme/widgets/issues/1/comments', '{"body":');
  assert.equal(r.status, 400);
  assert.deepEqual(await r.json(), { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' });
  r = await raw('POST', '/repos/acme/widgets/pulls', '["not", "an", "object"]');
  assert.equal(r.status, 400);
  r = await raw('POST', '/repos/acme/widgets/pulls', '{"__proto__": {"polluted": true}, "head": 1, "base": "main"}');
  assert.equal(r.status, 422);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  r = await raw('GET', '/repos/acme/widgets/commits?per_page=100000&page=99999');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), []);
  r = await raw('GET', '/repos/acme/widgets/commits?per_page=abc');
  assert.equal(r.status, 422);
  for (const path of ['/repos/acme/widgets/contents/..%2F..%2Fetc%2Fpasswd', '/repos/acme/widgets/git/ref/heads/..', '/repos/acme/widgets/commits/%00', '/repos/acme/widgets/compare/a...', '/repos/acme/widgets/git/trees/zzz', '/repositories/999999999/pulls', '/repos/acme/widgets/pulls/999999999999999999999']) {
    const res = await raw('GET', path);
    assert.ok([404, 422].includes(res.status), `${path} → ${res.status}`);
    const body = (await res.json()) as { message: string };
    assert.equal(typeof body.message, 'string');
  }
  r = await raw('PUT', '/repos/acme/widgets/contents/%2E%2E/x', JSON.stringify({ message: 'm', content: 'eA==' }));
  assert.ok([404, 422].includes(r.status));
  r = await raw('POST', '/repos/acme/widgets/git/refs', JSON.stringify({ ref: 'refs/heads/../../x', sha: 'a'.repeat(40) }));
  assert.equal(r.status, 422);
  r = await raw('POST', '/repos/acme/widgets/git/trees', JSON.stringify({ tree: [{ path: 'a/../b', content: 'x' }] }));
  assert.equal(r.status, 422);
  // Authorization headers of every shape.
  for (const auth of ['token', 'bearer x.y', 'Basic !!!', 'token ' + 'x'.repeat(5000), 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOjF9.']) {
    const res = await fetch(`${w.apiUrl}/user`, { headers: { authorization: auth } });
    assert.equal(res.status, 401, auth.slice(0, 20));
  }
});

test('an app JWT with alg none or a tampered payload is refused', async () => {
  const app = w.lg.admin.createApp('jwt-test');
  const good = w.lg.admin.appJwt(app.id);
  const [h, , s] = good.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ iat: 1, exp: 9999999999, iss: app.id })).toString('base64url')}.${s}`;
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: app.id })).toString('base64url')}.`;
  for (const token of [tampered, none]) {
    const res = await fetch(`${w.apiUrl}/app`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401);
  }
  const ok = await fetch(`${w.apiUrl}/app`, { headers: { authorization: `Bearer ${good}` } });
  assert.equal(ok.status, 200);
  w.clock.advance(11 * 60_000);
  const expired = await fetch(`${w.apiUrl}/app`, { headers: { authorization: `Bearer ${good}` } });
  assert.equal(expired.status, 401);
  assert.match(((await expired.json()) as { message: string }).message, /'Expiration time' claim/);
});

test('X-GitHub-Api-Version: both supported versions are accepted, others are 400', async () => {
  const o = w.octo('alice');
  const ok = await o.request('GET /user', { headers: { 'x-github-api-version': '2026-03-10' } });
  assert.equal(ok.headers['x-github-api-version-selected'], '2026-03-10');
  assert.equal(await status(o.request('GET /user', { headers: { 'x-github-api-version': '2099-01-01' } })), 400);
});
