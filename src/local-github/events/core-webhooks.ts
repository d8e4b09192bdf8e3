/**
 * Turns bus events from the core into webhook deliveries (to subscribed repo/org hooks and installed apps).
 * Installation events go to the app's webhook only, as on GitHub.
 */
import type { LocalGitHubContext } from '../context.js';
import { installationRepos } from '../domain/apps.js';
import { wirePullSync } from '../domain/pulls.js';
import { base, issueCommentPayload, pullRequestPayload, pushPayload, reviewPayload, statusPayload } from './payloads.js';

const LATE = { late: true };

export function wireCoreWebhooks(ctx: LocalGitHubContext): void {
  wirePullSync(ctx);
  const { bus, webhooks, state } = ctx;
  bus.on('push', (e) => void webhooks.emit('push', pushPayload(ctx, e), e.repo), LATE);
  bus.on('pull_request', (e) => void webhooks.emit('pull_request', pullRequestPayload(ctx, e), e.repo), LATE);
  bus.on('issue_comment', (e) => void webhooks.emit('issue_comment', issueCommentPayload(ctx, e), e.repo), LATE);
  bus.on('pull_request_review', (e) => void webhooks.emit('pull_request_review', reviewPayload(ctx, e), e.repo), LATE);
  bus.on('status', (e) => void webhooks.emit('status', statusPayload(ctx, e), e.repo), LATE);
  bus.on('repository', (e) => void webhooks.emit('repository', { action: e.action, ...base(ctx, e.repo, e.sender) }, e.repo), LATE);
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
