/** Control API: clock, fault injection, state save/load/reset, demo seed, deliveries, credentials. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHub } from '../server.js';
import type { FaultRule } from '../http/faults.js';
import { AdjustableClock } from '../clock.js';
import { seedDemo } from '../seed/demo.js';
import { credentialsOf } from '../credentials.js';
import { deliveryJson } from '../serialize/feedback.js';
import type { ChecksControlHooks } from './index.js';

const KINDS = new Set(['latency', 'status', 'secondary_rate_limit', 'unauthorized', 'timeout']);

function body(req: FastifyRequest): Record<string, unknown> {
  const v = req.body;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('body must be a JSON object');
  return v as Record<string, unknown>;
}

function num(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
}

export function registerRuntimeControl(control: FastifyInstance, lg: LocalGitHub): void {
  const sweep = () => (lg.state.extension('checks') as ChecksControlHooks | undefined)?.sweepStale?.();

  control.get('/clock', async () => ({ now: new Date(lg.clock.now()).toISOString() }));

  /** Body: any of `ms`, `seconds`, `hours`, `days` (summed). Runs past their stale deadline are swept. */
  control.post('/clock/advance', async (req) => {
    const b = body(req);
    const ms = (num(b.ms, 'ms') ?? 0) + (num(b.seconds, 'seconds') ?? 0) * 1e3 + (num(b.hours, 'hours') ?? 0) * 3.6e6 + (num(b.days, 'days') ?? 0) * 8.64e7;
    if (!(lg.clock instanceof AdjustableClock)) throw new Error('this server was started with a fixed clock');
    lg.clock.advance(ms);
    sweep();
    await lg.webhooks.idle();
    return { now: new Date(lg.clock.now()).toISOString() };
  });

  control.put('/clock', async (req) => {
    const at = Date.parse(String(body(req).now));
    if (Number.isNaN(at)) throw new Error('now must be an ISO 8601 timestamp');
    if (!(lg.clock instanceof AdjustableClock)) throw new Error('this server was started with a fixed clock');
    lg.clock.set(at);
    sweep();
    await lg.webhooks.idle();
    return { now: new Date(lg.clock.now()).toISOString() };
  });

  control.get('/faults', async () => lg.faults.list());

  /**
   * Body `{method?, path, kind, ms?, status?, retry_after?, times?}`; `path` is a glob on the API path without
   * `/api/v3` (e.g. `/repos/*\/*\/pulls/**`).
   */
  control.post('/faults', async (req, reply) => {
    const b = body(req);
    if (typeof b.path !== 'string' || !b.path.startsWith('/')) throw new Error('path (a glob starting with /) is required');
    if (typeof b.kind !== 'string' || !KINDS.has(b.kind)) throw new Error(`kind must be one of ${[...KINDS].join(', ')}`);
    const status = num(b.status, 'status');
    if (status !== undefined && (status < 400 || status > 599)) throw new Error('status must be 4xx or 5xx');
    const times = num(b.times, 'times');
    const rule = lg.faults.add({
      method: typeof b.method === 'string' ? b.method : '*', path: b.path, kind: b.kind as FaultRule['kind'],
      ms: num(b.ms, 'ms'), status, retryAfter: num(b.retry_after, 'retry_after'), times: times === undefined ? undefined : Math.max(1, Math.floor(times)),
    });
    return reply.code(201).send(rule);
  });

  control.delete('/faults/:id', async (req, reply) => {
    if (!lg.faults.remove(Number((req.params as { id: string }).id))) return reply.code(404).send({ message: 'no such fault' });
    return reply.code(204).send();
  });

  control.delete('/faults', async (_req, reply) => {
    lg.faults.clear();
    return reply.code(204).send();
  });

  // The control API is unauthenticated: only `.json` files can be written or read through it, so a stray
  // request cannot overwrite arbitrary files.
  const stateFile = (v: unknown): string => {
    if (typeof v !== 'string' || !/\.json$/i.test(v) || v.includes('\0')) throw new Error('file must be a path ending in .json');
    return v;
  };

  control.post('/state/save', async (req) => {
    const file = stateFile(body(req).file);
    await lg.webhooks.idle();
    await lg.save(file);
    return { saved: file };
  });

  control.post('/state/load', async (req) => {
    const file = stateFile(body(req).file);
    await lg.load(file);
    return { loaded: file };
  });

  control.post('/reset', async (_req, reply) => {
    await lg.webhooks.idle();
    lg.state.reset();
    lg.rateLimiter.reset();
    lg.faults.clear();
    return reply.code(204).send();
  });

  control.post('/seed/demo', async (req, reply) => {
    const url = body(req).app_webhook_url;
    seedDemo(lg, { appWebhookUrl: typeof url === 'string' ? url : null });
    await lg.webhooks.idle();
    return reply.code(201).send(credentialsOf(lg));
  });

  control.get('/credentials', async (req) => credentialsOf(lg, (req.query as { app?: string }).app));

  control.get('/deliveries', async (req) => {
    const q = req.query as { event?: string };
    return [...lg.state.deliveries.values()].filter((d) => !q.event || d.event === q.event).sort((a, b) => a.id - b.id).map((d) => ({ ...deliveryJson(lg.ctx, d), target: d.target }));
  });

  control.post('/deliveries/:id/redeliver', async (req, reply) => {
    const d = await lg.webhooks.redeliver(Number((req.params as { id: string }).id));
    if (!d) return reply.code(404).send({ message: 'no such delivery' });
    return reply.code(201).send({ ...deliveryJson(lg.ctx, d), target: d.target });
  });

  control.post('/webhooks/idle', async (_req, reply) => {
    await lg.webhooks.idle();
    return reply.code(204).send();
  });
}
