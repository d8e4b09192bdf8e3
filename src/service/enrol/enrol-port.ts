/** `EnrolGitHub` over Octokit: the REST calls enabling a repository makes (spec §15.1 step 5). */
import type { Octokit } from '@octokit/rest';
import { orNull } from '../pipeline/octokit-port.js';
import type { EnrolGitHub } from './repo-enrolment.js';

export function enrolPort(octokit: Octokit): EnrolGitHub {
  return {
    async repo(owner, repo) {
      const res = await orNull(octokit.rest.repos.get({ owner, repo }));
      if (res === null) return null;
      const d = res.data;
      return { owner: d.owner.login, name: d.name, htmlUrl: d.html_url, private: d.private, isOrg: d.owner.type === 'Organization', defaultBranch: d.default_branch ?? '' };
    },
    async hooks(owner, repo) {
      const list = await octokit.paginate(octokit.rest.repos.listWebhooks, { owner, repo, per_page: 100 });
      return list.map((h) => ({ id: h.id, url: h.config.url ?? '' }));
    },
    async deleteHook(owner, repo, id) {
      // Already gone is what we wanted.
      await orNull(octokit.rest.repos.deleteWebhook({ owner, repo, hook_id: id }));
    },
    async createHook(owner, repo, hook) {
      const { data } = await octokit.rest.repos.createWebhook({
        owner,
        repo,
        name: 'web',
        active: true,
        events: [...hook.events],
        config: { url: hook.url, content_type: 'json', secret: hook.secret, insecure_ssl: '0' },
      });
      return data.id;
    },
    async protection(owner, repo, branch) {
      const b = await orNull(octokit.rest.repos.getBranch({ owner, repo, branch }));
      if (b === null) return { kind: 'no-branch' };
      if (!b.data.protected) return { kind: 'unprotected' };
      const p = await orNull(octokit.rest.repos.getBranchProtection({ owner, repo, branch }));
      if (p === null) return { kind: 'unprotected' };
      return { kind: 'protected', contexts: p.data.required_status_checks ? [...(p.data.required_status_checks.contexts ?? [])] : null };
    },
    async protect(owner, repo, branch, context) {
      await octokit.rest.repos.updateBranchProtection({
        owner,
        repo,
        branch,
        required_status_checks: { strict: true, contexts: [context] },
        enforce_admins: null,
        required_pull_request_reviews: null,
        restrictions: null,
      });
    },
    async requireChecks(owner, repo, branch, context) {
      await octokit.rest.repos.updateStatusCheckProtection({ owner, repo, branch, strict: true, contexts: [context] });
    },
    async addRequiredContext(owner, repo, branch, context) {
      await octokit.rest.repos.addStatusCheckContexts({ owner, repo, branch, contexts: [context] });
    },
  };
}
