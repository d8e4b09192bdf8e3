/**
 * HTTP intake: `POST /hook` authenticates a GitHub delivery (HMAC-SHA256 of the raw body, spec §19.2 fixed),
 * persists it in the durable queue and answers at once (202); the work happens in the workers. Also
 * `GET /healthz` and `GET /metrics`. A delivery that fails authentication leaves no trace in the database.
 */
import Fastify, { LogController } from 'fastify';
import { verify } from '@octokit/webhooks-methods';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../metrics.js';
import type { EnqueueInput, EnqueueOutcome } from '../queue/queue.js';
import type { RegistrySnapshot } from '../metrics.js';
import { EnqueueBatcher } from './batcher.js';
import { payloadSubject, type PayloadSubject } from './pr-key.js';
import { leadingAction, triageByAction } from './triage.js';
import { stripQuery } from '../logger.js';

/** Events the pipeline acts on; anything else is acknowledged (`pong`) and dropped after authentication. */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set([
  'pull_request',
  'issue_comment',
  'pull_request_review',
  'status',
  'check_suite',
  'check_run',
  'push',
  'installation',
  'installation_repositories',
  'repository',
  // Membership changes: cached org/team/collaborator answers are re-read (pipeline/membership-sync.ts).
  'membership',
  'team',
  'organization',
  'member',
]);

/** What intake needs of the queue: a batch insert (one transaction for deliveries that arrive together) and the depth. */
export interface IntakeQueue {
  enqueueMany(inputs: EnqueueInput[]): Promise<EnqueueOutcome[]>;
  depth(): Promise<Record<string, number>>;
}

export interface IntakeOptions {
  queue: IntakeQueue;
  /**
   * Why an authenticated delivery can never lead to work (answered 200 `ignored` and not queued), or
   * undefined to queue it — e.g. the echo of checks-out's own check run or status. A failure queues it.
   */
  triage?: (event: string, payload: Record<string, unknown>) => string | undefined | Promise<string | undefined>;
  /** Metrics of worker threads, merged into GET /metrics. */
  threadMetrics?: () => Promise<RegistrySnapshot[]>;
  logger: Logger;
  metrics: ServiceMetrics;
  /**
   * The secrets a delivery about `subject` may be signed with: the app's webhook secret in App mode, the
   * repository's then the organisation's hook secret in token mode. Empty means it cannot be authenticated.
   */
  webhookSecrets: (subject: PayloadSubject) => Promise<string[]>;
  /**
   * App mode: the one secret every delivery is signed with. When set, the signature is checked before the
   * body is even parsed (an unauthenticated sender cannot make the service parse 25 MB of JSON), and
   * `webhookSecrets` is not consulted.
   */
  appWebhookSecret?: string;
  /** Called after a delivery is queued (wakes idle workers). */
  onQueued?: () => void;
  /** Throws when the service is not healthy (e.g. database unreachable). */
  checkHealth?: () => Promise<void>;
  now?: () => number;
  /** Requests whose user agent contains one of these are not logged (BLACKLIST_USER_AGENTS). */
  quietUserAgents?: string[];
  /** TLS (SERVER_CERT / SERVER_KEY). */
  https?: { cert: Buffer; key: Buffer };
}

const MAX_BODY = 25 * 1024 * 1024; // GitHub caps webhook payloads at 25 MB.
const DELIVERY_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const EVENT_NAME = /^[a-z_]{1,64}$/;

export type IntakeApp = Awaited<ReturnType<typeof buildIntakeApp>>;

export async function buildIntakeApp(o: IntakeOptions) {
  const app = Fastify({
    loggerInstance: o.logger,
    bodyLimit: MAX_BODY,
    logController: new LogController({ disableRequestLogging: true }),
    // A webhook's log lines carry its delivery id instead of a per-request child logger (Fastify's request-id
    // child, and ours, cost ~20 µs each per delivery); other routes keep the request id.
    childLoggerFactory: (logger, bindings, opts, raw) => (raw.url === '/hook' ? logger : logger.child(bindings, opts)),
    ...(o.https ? { https: o.https } : {}),
  });
  const now = o.now ?? Date.now;
  const batcher = new EnqueueBatcher(o.queue);

  // One line per request (spec §18): 4xx at warn, 5xx at error, quiet user agents skipped.
  app.addHook('onResponse', async (req, reply) => {
    if (req.routeOptions.url === '/hook') o.metrics.webhookAckSeconds.observe({}, reply.elapsedTime / 1000);
    const ua = String(req.headers['user-agent'] ?? '');
    if (o.quietUserAgents?.some((q) => q !== '' && ua.includes(q))) return;
    const status = reply.statusCode;
    const line = { method: req.method, url: stripQuery(req.url), status, ms: Math.round(reply.elapsedTime * 10) / 10, ua };
    if (status >= 500) req.log.error(line, 'request');
    else if (status >= 400) req.log.warn(line, 'request');
    else req.log.info(line, 'request');
  });

  await app.register(async (hooks) => {
    // The signature covers the exact bytes GitHub sent, so this scope keeps bodies as raw strings.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    hooks.post('/hook', async (req, reply) => {
      const header = (name: string): string | undefined => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const event = header('x-github-event');
      const delivery = header('x-github-delivery');
      const signature = header('x-hub-signature-256');
      const metricEvent = event && HANDLED_EVENTS.has(event) ? event : event === 'ping' ? 'ping' : 'other';
      const count = (outcome: string) => o.metrics.deliveries.inc({ event: metricEvent, outcome });
      const raw = typeof req.body === 'string' ? req.body : '';

      if (!event || !EVENT_NAME.test(event) || !delivery || !DELIVERY_ID.test(delivery)) {
        count('bad_request');
        return reply.code(400).send({ error: 'missing or malformed X-GitHub-Event / X-GitHub-Delivery header' });
      }
      const log = req.log;
      const ids = { delivery, event };
      if (!signature) {
        count('unauthorized');
        log.warn(ids, 'webhook without X-Hub-Signature-256 rejected');
        return reply.code(401).send({ error: 'missing X-Hub-Signature-256' });
      }
      const mismatch = (repo: string | null, knownSecrets: number) => {
        count('unauthorized');
        log.warn({ ...ids, repo, knownSecrets }, 'webhook signature mismatch');
        return reply.code(401).send({ error: 'signature does not match' });
      };
      if (o.appWebhookSecret !== undefined && !(await verifiesWithAny([o.appWebhookSecret], raw, signature))) return mismatch(null, 1);
      // The echoes of our own check runs are a third of what a busy service receives, and their action
      // alone says they need nothing: answered without parsing (App mode: the signature is already checked).
      const action0 = o.appWebhookSecret !== undefined && o.triage !== undefined ? leadingAction(raw) : undefined;
      const echo = action0 === undefined ? undefined : triageByAction(event, action0);
      if (echo !== undefined) {
        count('ignored');
        log.debug({ ...ids, action: action0, why: echo }, 'webhook delivery needs no work');
        return reply.code(200).send({ status: 'ignored', delivery, reason: echo });
      }
      const decoded = decodePayload(raw, header('content-type'));
      if (decoded === undefined) {
        count('bad_request');
        return reply.code(400).send({ error: 'body is not a JSON webhook payload' });
      }
      const { json, text } = decoded;
      const subject = payloadSubject(event, json);
      if (o.appWebhookSecret === undefined) {
        let secrets: string[];
        try {
          secrets = await o.webhookSecrets(subject);
        } catch (err) {
          log.error({ ...ids, err, repo: subject.repo }, 'looking up the webhook secret failed');
          return reply.code(503).send({ error: 'cannot authenticate the delivery right now' });
        }
        if (!(await verifiesWithAny(secrets, raw, signature))) return mismatch(subject.repo, secrets.length);
      }
      const action = typeof json.action === 'string' ? json.action : null;
      if (!HANDLED_EVENTS.has(event)) {
        count('ignored');
        return reply.code(200).send('pong');
      }
      let skip: string | undefined;
      try {
        skip = await o.triage?.(event, json);
      } catch (err) {
        // Triage only saves work: when it cannot decide, the delivery is queued and the pipeline decides.
        log.warn({ ...ids, err }, 'triage failed; queuing the delivery');
      }
      if (skip !== undefined) {
        count('ignored');
        log.debug({ ...ids, repo: subject.repo, action, why: skip }, 'webhook delivery needs no work');
        return reply.code(200).send({ status: 'ignored', delivery, reason: skip });
      }
      const outcome = await batcher.enqueue({
        id: delivery,
        event,
        action: action?.slice(0, 64) ?? null,
        payload: text,
        receivedAt: now(),
        prKey: subject.prKey,
        repo: subject.repo,
      });
      count(outcome);
      log.info({ ...ids, repo: subject.repo, pr: subject.prNumber ?? undefined, action, outcome }, 'webhook delivery');
      if (outcome === 'duplicate') return reply.code(200).send({ status: 'duplicate', delivery });
      o.onQueued?.();
      return reply.code(202).send({ status: outcome, delivery });
    });
  });

  app.get('/healthz', async (_req, reply) => {
    try {
      await o.checkHealth?.();
      return reply.send({ status: 'ok' });
    } catch (err) {
      app.log.error({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  o.metrics.queueDepth.collect = async (g) => {
    const depth = await o.queue.depth();
    for (const [status, n] of Object.entries(depth)) g.set({ status }, n);
  };
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return reply.send(await o.metrics.registry.render(o.threadMetrics ? await o.threadMetrics() : []));
  });

  return app;
}

/** JSON body, or GitHub's form encoding (`payload=<json>`). undefined when it is neither. */
function decodePayload(raw: string, contentType: string | undefined): { json: Record<string, unknown>; text: string } | undefined {
  let text = raw;
  if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const p = new URLSearchParams(raw).get('payload');
    if (p === null) return undefined;
    text = p;
  }
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? { json: v as Record<string, unknown>, text } : undefined;
  } catch {
    return undefined;
  }
}

async function verifiesWithAny(secrets: string[], raw: string, signature: string): Promise<boolean> {
  if (!signature.startsWith('sha256=')) return false;
  for (const secret of secrets) {
    if (!secret) continue;
    try {
      if (await verify(secret, raw, signature)) return true;
    } catch {
      // malformed signature: not a match
    }
  }
  return false;
}
