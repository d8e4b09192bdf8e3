/**
 * Turns the domain's `ChecksEvent`s into webhook deliveries through the core's WebhookService, to the
 * receivers `audience.ts` decides. Payloads are rendered at emit time, so they show the state of that moment.
 */
import { botAccount, type LocalGitHubContext } from '../context.js';
import type { Account, Repo } from '../state/types.js';
import { appReceivers, audienceOf, type ChecksPermission, type InstalledApp } from './audience.js';
import type { ChecksRenderer } from './render.js';
import type { ChecksStore } from './store.js';
import type { ChecksEvent } from './types.js';

function checksPermission(level: string | undefined): ChecksPermission {
  return level === 'write' || level === 'admin' ? 'write' : level === 'read' ? 'read' : undefined;
}

/**
 * GitHub percent-encodes bot logins in user URLs (`/users/checker%5Bbot%5D`); the core's `simple-user`
 * serialiser does not (yet), which breaks the `format: uri` of the webhook schemas for app senders.
 */
function encodeLoginInUrls(user: Record<string, unknown>): Record<string, unknown> {
  const login = user.login;
  if (typeof login !== 'string' || encodeURIComponent(login) === login) return user;
  const out: Record<string, unknown> = { ...user };
  for (const [key, value] of Object.entries(user)) {
    if (key.endsWith('url') && typeof value === 'string') out[key] = value.split(`/${login}`).join(`/${encodeURIComponent(login)}`);
  }
  return out;
}

export class ChecksWebhooks {
  constructor(
    private readonly ctx: LocalGitHubContext,
    private readonly store: ChecksStore,
    private readonly renderer: ChecksRenderer,
  ) {}

  private installed(repo: Repo): InstalledApp[] {
    return this.ctx.state.installationsFor(repo).map((inst) => ({
      appId: inst.appId,
      installationId: inst.id,
      checks: checksPermission(inst.permissions.checks),
    }));
  }

  private sender(senderId: number | null, appId: number): Account {
    const account = senderId === null ? undefined : this.ctx.state.accounts.get(senderId);
    return account ?? botAccount(this.ctx.state, appId);
  }

  dispatch(e: ChecksEvent): void {
    const record = e.event === 'check_run' ? this.store.runs.get(e.runId) : this.store.suites.get(e.suiteId);
    if (!record) return;
    const repo = this.ctx.state.repos.get(record.repoId);
    if (!repo) return;
    const apps = appReceivers(e, record.appId, this.installed(repo)).map((i) => i.appId);
    const receivers = this.ctx.webhooks
      .receiversFor(repo, e.event, { apps, hooks: audienceOf(e).repoHooks })
      .filter((r) => r.kind === 'hook' || r.app.webhook_url !== null);
    if (receivers.length === 0) return;

    const payload: Record<string, unknown> = { action: e.action };
    if (e.event === 'check_run') {
      const run = this.store.runs.get(e.runId);
      if (!run) return;
      payload.check_run = this.renderer.runForWebhook(run);
      if (e.action === 'requested_action') payload.requested_action = { identifier: e.identifier };
    } else {
      const suite = this.store.suites.get(e.suiteId);
      if (!suite) return;
      payload.check_suite = this.renderer.suiteForWebhook(suite, this.store.latestRunsOfSuite(suite.id).length);
    }
    payload.repository = this.ctx.serialize.repo(repo);
    const owner = this.ctx.state.accounts.get(repo.ownerId);
    if (owner?.type === 'Organization') payload.organization = this.ctx.serialize.org(owner);
    payload.sender = encodeLoginInUrls(this.ctx.serialize.user(this.sender(e.senderId, record.appId)));
    void this.ctx.webhooks.deliver(e.event, payload, receivers);
  }
}
