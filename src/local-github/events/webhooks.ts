/**
 * Webhook deliveries: real HTTP POSTs to repository hooks, organization hooks and GitHub App webhooks, with
 * GitHub's headers and HMAC signatures, recorded with their responses and redeliverable.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { State } from '../state/store.js';
import { installationCovers } from '../state/store.js';
import type { App, Delivery, Hook, Installation, Repo } from '../state/types.js';
import { inlineSender, type WebhookSender } from './hookshot.js';
import { payloadJson } from './payload-json.js';

export type Receiver =
  | { kind: 'hook'; hook: Hook }
  /** An app's webhook; `installation` adds `installation: {id, node_id}` to the payload. */
  | { kind: 'app'; app: App; installation: Installation | null };

export interface ReceiverOptions {
  /**
   * Which GitHub Apps installed on the repository receive it: `subscribed` (those whose installation subscribes
   * to the event, the default), `none`, or an explicit list of app ids (delivered regardless of subscription).
   */
  apps?: 'subscribed' | 'none' | number[];
  /** Repository and organization hooks subscribed to the event (default true). */
  hooks?: boolean;
}

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE = 64 * 1024;
const MAX_DELIVERIES = 10_000;

export class WebhookService {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly state: State,
    private readonly userAgent = 'GitHub-Hookshot/local-github',
    /** Sends in this thread by default; `threadSender()` sends from a dedicated thread. */
    private readonly sender: WebhookSender = inlineSender(),
  ) {}

  /** Ends the sender (a sender thread); deliveries after this fail to connect. */
  closeSender(): Promise<void> {
    return this.sender.close();
  }

  /** Who receives `event` for something that happened in `repo` (or at account level when repo is null). */
  receiversFor(repo: Repo | null, event: string, opts: ReceiverOptions = {}, accountId?: number): Receiver[] {
    const out: Receiver[] = [];
    const ownerId = repo?.ownerId ?? accountId;
    if (opts.hooks !== false) {
      for (const hook of this.state.hooks.values()) {
        if (!hook.active || !(hook.events.includes(event) || hook.events.includes('*'))) continue;
        const o = hook.owner;
        if ((o.kind === 'repo' && repo && o.repoId === repo.id) || (o.kind === 'org' && o.orgId === ownerId)) {
          out.push({ kind: 'hook', hook });
        }
      }
    }
    const apps = opts.apps ?? 'subscribed';
    if (apps !== 'none') {
      for (const inst of this.state.installations.values()) {
        if (repo ? !installationCovers(inst, repo) : inst.accountId !== ownerId || inst.suspended_at !== null) continue;
        const app = this.state.apps.get(inst.appId);
        if (!app) continue;
        const wanted = apps === 'subscribed' ? inst.events.includes(event) : apps.includes(app.id);
        if (wanted) out.push({ kind: 'app', app, installation: inst });
      }
    }
    return out;
  }

  /** Sends `payload` as `event` to each receiver (in parallel); resolves once all attempts are recorded. */
  deliver(event: string, payload: Record<string, unknown>, receivers: Receiver[]): Promise<Delivery[]> {
    const p = Promise.all(receivers.map((r) => this.deliverOne(event, payload, r)))
      .then((ds) => ds.filter((d): d is Delivery => d !== null));
    this.track(p);
    return p;
  }

  /** `receiversFor` + `deliver`. */
  emit(event: string, payload: Record<string, unknown>, repo: Repo | null, opts?: ReceiverOptions, accountId?: number): Promise<Delivery[]> {
    return this.deliver(event, payload, this.receiversFor(repo, event, opts, accountId));
  }

  /** Resolves when no delivery is in flight (tests and the control API use it). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Sends a recorded delivery again, as a new delivery flagged `redelivery` with the same GUID. */
  redeliver(deliveryId: number): Promise<Delivery | null> {
    const old = this.state.deliveries.get(deliveryId);
    if (!old) return Promise.resolve(null);
    const p = this.post(old.target, old.url, old.event, old.action, old.request.payload, old.request.headers, {
      guid: old.guid, installationId: old.installationId, repositoryId: old.repositoryId, redelivery: true,
    });
    this.track(p);
    return p;
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private deliverOne(event: string, payload: Record<string, unknown>, r: Receiver): Promise<Delivery | null> {
    let url: string | null;
    let secret: string | null;
    let form = false;
    const body: Record<string, unknown> = { ...payload };
    const headers: Record<string, string> = {};
    if (r.kind === 'hook') {
      url = r.hook.config.url;
      secret = r.hook.config.secret;
      form = r.hook.config.content_type === 'form';
      headers['x-github-hook-id'] = String(r.hook.id);
      const o = r.hook.owner;
      headers['x-github-hook-installation-target-type'] = o.kind === 'repo' ? 'repository' : 'organization';
      headers['x-github-hook-installation-target-id'] = String(o.kind === 'repo' ? o.repoId : o.orgId);
    } else {
      url = r.app.webhook_url;
      secret = r.app.webhook_secret;
      headers['x-github-hook-id'] = String(r.app.id);
      headers['x-github-hook-installation-target-type'] = 'integration';
      headers['x-github-hook-installation-target-id'] = String(r.app.id);
      if (r.installation && !('installation' in body)) {
        body.installation = { id: r.installation.id, node_id: installationNodeId(r.installation.id) };
      }
    }
    if (!url) return Promise.resolve(null);
    const json = payloadJson(body);
    const raw = form ? `payload=${encodeURIComponent(json)}` : json;
    headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
    headers['user-agent'] = this.userAgent;
    headers['x-github-event'] = event;
    // Encoded once: both signatures and the sender use the same bytes.
    const bytes = utf8.encode(raw);
    if (secret) {
      headers['x-hub-signature'] = `sha1=${createHmac('sha1', secret).update(bytes).digest('hex')}`;
      headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;
    }
    const action = typeof payload.action === 'string' ? payload.action : null;
    const repoId = (payload.repository as { id?: unknown } | undefined)?.id;
    const target: Delivery['target'] = r.kind === 'hook' ? { kind: 'hook', hookId: r.hook.id } : { kind: 'app', appId: r.app.id };
    return this.post(target, url, event, action, raw, headers, {
      guid: randomUUID(),
      installationId: r.kind === 'app' ? r.installation?.id ?? null : null,
      repositoryId: typeof repoId === 'number' ? repoId : null,
      redelivery: false,
    }, bytes);
  }

  private async post(
    target: Delivery['target'], url: string, event: string, action: string | null, raw: string,
    baseHeaders: Record<string, string>, meta: { guid: string; installationId: number | null; repositoryId: number | null; redelivery: boolean },
    /** `raw` as UTF-8, when the caller has it (handed to the sender, which may take ownership). */
    bytes?: Uint8Array,
  ): Promise<Delivery> {
    const headers = { ...baseHeaders, 'x-github-delivery': meta.guid };
    const id = this.state.nextId('delivery');
    const started = this.state.now();
    const t0 = performance.now();
    let status: string;
    let statusCode = 0;
    let response: Delivery['response'] = null;
    let ms: number | undefined;
    try {
      const res = await this.sender.post(url, headers, bytes ?? raw, TIMEOUT_MS, MAX_RESPONSE);
      ms = res.ms;
      statusCode = res.status;
      response = { headers: res.headers, payload: res.text };
      status = res.status >= 200 && res.status < 300 ? 'OK' : `Invalid HTTP Response: ${res.status}`;
    } catch (err) {
      status = (err as Error).name === 'TimeoutError' ? 'timed out' : `failed to connect to host`;
    }
    const d: Delivery = {
      id, guid: meta.guid, target, event, action, installationId: meta.installationId, repositoryId: meta.repositoryId,
      url, redelivery: meta.redelivery, delivered_at: started, duration: (ms ?? performance.now() - t0) / 1000,
      status, status_code: statusCode, request: { headers, payload: raw }, response,
    };
    this.state.deliveries.set(id, d);
    // Keep the most recent deliveries only (GitHub keeps a few days' worth), so long runs do not grow unbounded.
    if (this.state.deliveries.size > MAX_DELIVERIES) {
      const oldest = this.state.deliveries.keys().next().value;
      if (oldest !== undefined) this.state.deliveries.delete(oldest);
    }
    return d;
  }
}

const utf8 = new TextEncoder();

export function installationNodeId(id: number): string {
  let text = installationNodeIds.get(id);
  if (text === undefined) {
    text = Buffer.from(`019:Integration::Installation${id}`).toString('base64');
    // Ids come from the state, not from requests; the bound only keeps a long run's map small.
    if (installationNodeIds.size >= 10_000) installationNodeIds.clear();
    installationNodeIds.set(id, text);
  }
  return text;
}

const installationNodeIds = new Map<number, string>();
