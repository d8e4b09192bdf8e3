/**
 * The `demo` seed: an organization with members and teams, a GitHub App installed on it, repositories carrying
 * `.checks-out` and `MAINTAINERS`, and a pull request waiting for approval.
 */
import type { LocalGitHub } from '../server.js';

export const DEMO_CHECKS_OUT = `{
  # Two maintainers must approve; the author's own approval does not count.
  approvals:
  [
    {
      name: default
      match: "all[count=2,self=false]"
    }
  ]
  pattern: "(?i)^I approve\\\\s*(version:\\\\s*(?P<version>\\\\S+))?\\\\s*(comment:\\\\s*(?P<comment>.*\\\\S))?\\\\s*"
}
`;

export const DEMO_MAINTAINERS = `# People who may approve changes to this repository.
alice
Bob Builder <bob@example.com> (@bob)
carol
dave
`;

export interface DemoOptions {
  /** Where the demo app's webhook deliveries go (e.g. a running checks-out service). */
  appWebhookUrl?: string | null;
}

export function seedDemo(lg: LocalGitHub, opts: DemoOptions = {}): void {
  const a = lg.admin;
  a.createUser('alice', { name: 'Alice Admin', email: 'alice@example.com' });
  a.createUser('bob', { name: 'Bob Builder', email: 'bob@example.com' });
  a.createUser('carol', { name: 'Carol Reviewer', email: 'carol@example.com' });
  a.createUser('dave', { name: 'Dave Developer', email: 'dave@example.com' });
  a.createUser('eve', { name: 'Eve Outsider', email: 'eve@example.com' });
  a.createOrg('acme', { name: 'Acme Corp', admins: ['alice'], members: ['bob', 'carol', 'dave'] });
  a.createRepo('acme/widgets', {
    description: 'Demo repository governed by checks-out',
    files: { '.checks-out': DEMO_CHECKS_OUT, MAINTAINERS: DEMO_MAINTAINERS, 'README.md': '# widgets\n\nA demo repository.\n', 'src/widget.ts': 'export const widget = 1;\n' },
  });
  a.createRepo('acme/internal', {
    private: true, description: 'A private repository',
    files: { '.checks-out': DEMO_CHECKS_OUT.replace('count=2', 'count=1'), MAINTAINERS: 'alice\ncarol\n', 'README.md': '# internal\n' },
  });
  a.createTeam('acme', 'Maintainers', { members: ['alice', 'bob'], repos: { widgets: 'maintain', internal: 'write' } });
  a.createTeam('acme', 'Reviewers', { members: ['carol', 'dave'], repos: { widgets: 'write' } });
  a.createApp('checks-out', { owner: 'acme', webhook_url: opts.appWebhookUrl ?? null });
  a.install('checks-out', 'acme', 'all', 'alice');
  a.push('acme/widgets', { branch: 'feature/faster-widgets', files: { 'src/widget.ts': 'export const widget = 2;\n' }, author: 'bob', message: 'Make widgets faster', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'Make widgets faster', body: 'Doubles the widget constant.', head: 'feature/faster-widgets' });
  a.comment('acme/widgets', pr.number, 'carol', 'Looks reasonable, waiting for a second maintainer.');
}
