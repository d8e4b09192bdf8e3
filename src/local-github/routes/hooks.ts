/** Repository and organization webhooks, their deliveries (list, get, redeliver), and the app's webhook. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { Account, Delivery, Hook } from '../state/types.js';
import { GitHubError } from '../http/errors.js';
import { deliveryItemJson, deliveryJson, hookJson } from '../serialize/feedback.js';
import { body, intParam, params } from './util.js';

export function registerHooks(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, errors } = ctx;

  const parseHook = (b: Record<string, unknown>, existing?: Hook): Pick<Hook, 'active' | 'events' | 'config'> => {
    const cfg = (b.config ?? (existing ? undefined : null)) as Record<string, unknown> | null | undefined;
    if (cfg === null || (cfg !== undefined && typeof cfg !== 'object')) throw errors.invalidRequest('"config" wasn\'t supplied.');
    const url = cfg?.url ?? existing?.config.url;
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw errors.validation([{ resource: 'Hook', code: 'custom', message: 'Config must contain URL for webhooks' }]);
    const events = b.events ?? existing?.events ?? ['push'];
    if (!Array.isArray(events) || events.some((e) => typeof e !== 'string')) throw errors.invalidRequest('For \'properties/events\', is not an array of strings.');
    const ct = cfg?.content_type ?? existing?.config.content_type ?? 'form';
    return {
      active: typeof b.active === 'boolean' ? b.active : existing?.active ?? true,
      events: [...new Set(events as string[])],
      config: {
        url, content_type: ct === 'json' ? 'json' : 'form',
        secret: typeof cfg?.secret === 'string' && cfg.secret !== '' ? cfg.secret : cfg && 'secret' in cfg ? null : existing?.config.secret ?? null,
        insecure_ssl: String(cfg?.insecure_ssl ?? existing?.config.insecure_ssl ?? '0') === '1' ? '1' : '0',
      },
    };
  };

  const create = (owner: Hook['owner'], b: Record<string, unknown>): Hook => {
    if (b.name !== undefined && b.name !== 'web') throw errors.validation([{ resource: 'Hook', field: 'name', code: 'invalid' }]);
    const now = state.now();
    const hook: Hook = { id: state.nextId('hook'), owner, ...parseHook(b), created_at: now, updated_at: now };
    state.hooks.set(hook.id, hook);
    return hook;
  };

  const deliveriesOf = (pred: (d: Delivery) => boolean): Delivery[] => [...state.deliveries.values()].filter(pred).sort((a, b) => b.id - a.id);

  // Repository hooks need admin (users) or repository_hooks (apps).
  const repoAdmin = (req: FastifyRequest) => ctx.repo(req, params(req).owner, params(req).repo, { user: 'admin', app: ['repository_hooks', 'write'] });
  const repoHook = (req: FastifyRequest): Hook => {
    const r = repoAdmin(req);
    const h = state.hooks.get(intParam(params(req).hook_id));
    if (!h || h.owner.kind !== 'repo' || h.owner.repoId !== r.id) throw errors.notFound();
    return h;
  };

  api.get('/repos/:owner/:repo/hooks', async (req, reply) => {
    const r = repoAdmin(req);
    const list = [...state.hooks.values()].filter((h) => h.owner.kind === 'repo' && h.owner.repoId === r.id).map((h) => hookJson(ctx, h));
    return ctx.paginate(req, reply, list, ctx.repoApiUrlById(r, '/hooks'));
  });
  api.post('/repos/:owner/:repo/hooks', async (req, reply) => {
    const r = repoAdmin(req);
    return reply.code(201).send(hookJson(ctx, create({ kind: 'repo', repoId: r.id }, body(req))));
  });
  api.get('/repos/:owner/:repo/hooks/:hook_id', async (req) => hookJson(ctx, repoHook(req)));
  api.patch('/repos/:owner/:repo/hooks/:hook_id', async (req) => {
    const h = repoHook(req);
    Object.assign(h, parseHook(body(req), h), { updated_at: state.now() });
    return hookJson(ctx, h);
  });
  api.delete('/repos/:owner/:repo/hooks/:hook_id', async (req, reply) => {
    state.hooks.delete(repoHook(req).id);
    return reply.code(204).send();
  });
  api.post('/repos/:owner/:repo/hooks/:hook_id/pings', async (req, reply) => {
    const h = repoHook(req);
    const r = state.repo((h.owner as { repoId: number }).repoId);
    await ctx.webhooks.deliver('ping', { zen: 'Keep it logically awesome.', hook_id: h.id, hook: hookJson(ctx, h), repository: ctx.serialize.repo(r), sender: ctx.serialize.user(ctx.actor(req)) }, [{ kind: 'hook', hook: h }]);
    return reply.code(204).send();
  });
  api.get('/repos/:owner/:repo/hooks/:hook_id/deliveries', async (req, reply) => {
    const h = repoHook(req);
    const list = deliveriesOf((d) => d.target.kind === 'hook' && d.target.hookId === h.id).map((d) => deliveryItemJson(ctx, d));
    return ctx.paginate(req, reply, list, ctx.urls.api(`/repos/${params(req).owner}/${params(req).repo}/hooks/${h.id}/deliveries`));
  });
  api.get('/repos/:owner/:repo/hooks/:hook_id/deliveries/:delivery_id', async (req) => {
    const h = repoHook(req);
    const d = state.deliveries.get(intParam(params(req).delivery_id));
    if (!d || d.target.kind !== 'hook' || d.target.hookId !== h.id) throw errors.notFound();
    return deliveryJson(ctx, d);
  });
  api.post('/repos/:owner/:repo/hooks/:hook_id/deliveries/:delivery_id/attempts', async (req, reply) => {
    const h = repoHook(req);
    const d = state.deliveries.get(intParam(params(req).delivery_id));
    if (!d || d.target.kind !== 'hook' || d.target.hookId !== h.id) throw errors.notFound();
    void ctx.webhooks.redeliver(d.id);
    return reply.code(202).send({});
  });

  // Organization hooks need an org owner (users) or organization_hooks (apps).
  const orgAdmin = (req: FastifyRequest): Account => {
    const o = state.accountByLogin(params(req).org);
    if (!o || o.type !== 'Organization') throw errors.notFound();
    const c = ctx.caller(req);
    if (c.kind === 'installation') {
      const inst = state.installations.get(c.installationId!);
      if (inst?.accountId !== o.id || !ctx.hasAppPermission(c.permissions ?? {}, 'organization_hooks', 'write')) throw errors.notAccessibleByIntegration();
      return o;
    }
    if (c.kind !== 'user') throw c.kind === 'anonymous' ? errors.requiresAuth() : errors.notFound();
    const m = state.orgMembers.get(o.id)?.get(c.userId!);
    if (m?.state !== 'active') throw errors.notFound();
    if (m.role !== 'admin' || !(c.scopes ?? []).some((s) => s === 'admin:org_hook' || s === 'admin:org')) throw new GitHubError(404, 'Not Found');
    return o;
  };
  const orgHook = (req: FastifyRequest): Hook => {
    const o = orgAdmin(req);
    const h = state.hooks.get(intParam(params(req).hook_id));
    if (!h || h.owner.kind !== 'org' || h.owner.orgId !== o.id) throw errors.notFound();
    return h;
  };

  api.get('/orgs/:org/hooks', async (req, reply) => {
    const o = orgAdmin(req);
    const list = [...state.hooks.values()].filter((h) => h.owner.kind === 'org' && h.owner.orgId === o.id).map((h) => hookJson(ctx, h));
    return ctx.paginate(req, reply, list, ctx.urls.api(`/orgs/${o.login}/hooks`));
  });
  api.post('/orgs/:org/hooks', async (req, reply) => {
    const o = orgAdmin(req);
    return reply.code(201).send(hookJson(ctx, create({ kind: 'org', orgId: o.id }, body(req))));
  });
  api.get('/orgs/:org/hooks/:hook_id', async (req) => hookJson(ctx, orgHook(req)));
  api.delete('/orgs/:org/hooks/:hook_id', async (req, reply) => {
    state.hooks.delete(orgHook(req).id);
    return reply.code(204).send();
  });
  api.get('/orgs/:org/hooks/:hook_id/deliveries', async (req, reply) => {
    const h = orgHook(req);
    const list = deliveriesOf((d) => d.target.kind === 'hook' && d.target.hookId === h.id).map((d) => deliveryItemJson(ctx, d));
    return ctx.paginate(req, reply, list, ctx.urls.api(`/orgs/${params(req).org}/hooks/${h.id}/deliveries`));
  });
  api.post('/orgs/:org/hooks/:hook_id/deliveries/:delivery_id/attempts', async (req, reply) => {
    const h = orgHook(req);
    const d = state.deliveries.get(intParam(params(req).delivery_id));
    if (!d || d.target.kind !== 'hook' || d.target.hookId !== h.id) throw errors.notFound();
    void ctx.webhooks.redeliver(d.id);
    return reply.code(202).send({});
  });

  // The GitHub App's own webhook (JWT).
  const appOf = (req: FastifyRequest) => {
    const c = ctx.caller(req);
    if (c.kind !== 'app') throw new GitHubError(401, 'A JSON web token could not be decoded');
    return state.apps.get(c.appId!)!;
  };
  api.get('/app/hook/config', async (req) => {
    const app = appOf(req);
    return { content_type: 'json', insecure_ssl: '0', url: app.webhook_url ?? '', ...(app.webhook_secret ? { secret: '********' } : {}) };
  });
  api.patch('/app/hook/config', async (req) => {
    const app = appOf(req);
    const b = body(req);
    if (b.url !== undefined) {
      if (typeof b.url !== 'string' || !/^https?:\/\/\S+$/.test(b.url)) throw errors.validation([{ resource: 'Hook', field: 'url', code: 'invalid' }]);
      app.webhook_url = b.url;
    }
    if (b.secret !== undefined) app.webhook_secret = typeof b.secret === 'string' && b.secret !== '' ? b.secret : null;
    return { content_type: 'json', insecure_ssl: '0', url: app.webhook_url ?? '', ...(app.webhook_secret ? { secret: '********' } : {}) };
  });
  api.get('/app/hook/deliveries', async (req, reply) => {
    const app = appOf(req);
    const list = deliveriesOf((d) => d.target.kind === 'app' && d.target.appId === app.id).map((d) => deliveryItemJson(ctx, d));
    return ctx.paginate(req, reply, list, ctx.urls.api('/app/hook/deliveries'));
  });
  api.get('/app/hook/deliveries/:delivery_id', async (req) => {
    const app = appOf(req);
    const d = state.deliveries.get(intParam(params(req).delivery_id));
    if (!d || d.target.kind !== 'app' || d.target.appId !== app.id) throw errors.notFound();
    return deliveryJson(ctx, d);
  });
  api.post('/app/hook/deliveries/:delivery_id/attempts', async (req, reply) => {
    const app = appOf(req);
    const d = state.deliveries.get(intParam(params(req).delivery_id));
    if (!d || d.target.kind !== 'app' || d.target.appId !== app.id) throw errors.notFound();
    void ctx.webhooks.redeliver(d.id);
    return reply.code(202).send({});
  });
}
