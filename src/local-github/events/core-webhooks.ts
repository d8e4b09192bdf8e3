/**
 * Turns bus events from the core into webhook deliveries (to subscribed repo/org hooks and installed apps).
 * Installation events go to the app's webhook only, as on GitHub.
 */
import type { LocalGitHubContext } from '../context.js';
import type { Repo } from '../state/types.js';
import { installationRepos } from '../domain/apps.js';
import { wirePullSync } from '../domain/pulls.js';
import { base, issueCommentPayload, pullRequestPayload, pushPayload, reviewPayload, statusPayload } from './payloads.js';

const LATE = { late: true };

export function wireCoreWebhooks(ctx: LocalGitHubContext): void {
  wirePullSync(ctx);
  const { bus, webhooks, state } = ctx;
  // Payloads are built only when someone will receive them (building a PR payload is not free).
  const send = (event: string, repo: Repo, build: () => Record<string, unknown>): void => {
    const receivers = webhooks.receiversFor(repo, event);
    if (receivers.length) void webhooks.deliver(event, build(), receivers);
  };
  bus.on('push', (e) => send('push', e.repo, () => pushPayload(ctx, e)), LATE);
  bus.on('pull_request', (e) => send('pull_request', e.repo, () => pullRequestPayload(ctx, e)), LATE);
  bus.on('issue_comment', (e) => send('issue_comment', e.repo, () => issueCommentPayload(ctx, e)), LATE);
  bus.on('pull_request_review', (e) => send('pull_request_review', e.repo, () => reviewPayload(ctx, e)), LATE);
  bus.on('status', (e) => send('status', e.repo, () => statusPayload(ctx, e)), LATE);
  bus.on('repository', (e) => send('repository', e.repo, () => ({ action: e.action, ...base(ctx, e.repo, e.sender) })), LATE);
  bus.on('installation', (e) => {
    const app = state.apps.get(e.installation.appId);
    if (!app) return;
    const repos = installationRepos(state, e.installation).map((r) => ({ id: r.id, node_id: r.node_id, name: r.name, full_name: state.fullName(r), private: r.private }));
    void webhooks.deliver('installation', {
      action: e.action, installation: ctx.serialize.installation(e.installation), repositories: repos, requester: null,
      sender: ctx.serialize.user(e.sender),
    }, [{ kind: 'app', app, installation: null }]);
  }, LATE);
  bus.on('installation_repositories', (e) => {
    const app = state.apps.get(e.installation.appId);
    if (!app) return;
    const short = (r: typeof e.added[number]) => ({ id: r.id, node_id: r.node_id, name: r.name, full_name: state.fullName(r), private: r.private });
    void webhooks.deliver('installation_repositories', {
      action: e.action, installation: ctx.serialize.installation(e.installation), repository_selection: e.installation.repository_selection,
      repositories_added: e.added.map(short), repositories_removed: e.removed.map(short), requester: null, sender: ctx.serialize.user(e.sender),
    }, [{ kind: 'app', app, installation: null }]);
  }, LATE);
}
