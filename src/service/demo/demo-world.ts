/**
 * The demo world checks-out's out-of-the-box demo runs against, built in the local GitHub through its
 * in-process admin API: an organisation with maintainers and contributors, two repositories carrying a
 * `.checks-out` policy and a `MAINTAINERS` file, the checks-out GitHub App installed on the organisation,
 * and (opened separately, once the service listens) a pull request awaiting a maintainer's approval.
 * docs/demo.md describes the same world; keep them together.
 */
import type { LocalGitHub } from '../../local-github/server.js';

export const DEMO_ORG = 'acme';
export const DEMO_REPO = 'acme/widgets';
export const DEMO_APP_NAME = 'checks-out';
/** The maintainer whose `I approve` the demo posts, and the contributor who opens the PR. */
export const DEMO_MAINTAINER = 'alice';
export const DEMO_AUTHOR = 'carol';
export const DEMO_BRANCH = 'colour-option';
export const DEMO_PR_TITLE = 'Add a colour option to widgets';

export const DEMO_USERS: readonly { login: string; name: string; role: 'admin' | 'member' }[] = [
  { login: 'alice', name: 'Alice Anders', role: 'admin' },
  { login: 'bob', name: 'Bob Brown', role: 'member' },
  { login: 'carol', name: 'Carol Chen', role: 'member' },
  { login: 'dave', name: 'Dave Diaz', role: 'member' },
];

/** One maintainer's approval, from the `maintainers` team, that is not the PR author's own. */
export const WIDGETS_POLICY = `# checks-out policy for acme/widgets (HJSON)
{
  approvals: [
    {
      name: maintainers
      match: maintainers[count=1,self=false]
    }
  ]
  # A maintainer comments "I approve" (the default pattern), or approves with a review.
  antipattern: "(?i)^I disapprove"
}
`;

export const WIDGETS_MAINTAINERS = `# Who may approve pull requests on acme/widgets.
# The group "maintainers" is the acme/maintainers team on GitHub.
github-team maintainers
`;

/** Two approvals from anyone in the organisation (the author's own does not count). */
export const WEBSITE_POLICY = `{
  approvals: [
    {
      name: anyone in acme
      match: acme[count=2,self=false]
    }
  ]
}
`;

export const WEBSITE_MAINTAINERS = `github-org acme
`;

const WIDGETS_README = `# widgets

Widgets for the checks-out demo. Pull requests need one approval from the maintainers team.
`;

const WIDGETS_SOURCE = `export interface Widget {
  name: string;
  size: number;
}

export function widget(name: string, size = 1): Widget {
  return { name, size };
}
`;

const WIDGETS_SOURCE_WITH_COLOUR = `export interface Widget {
  name: string;
  size: number;
  colour: string;
}

export function widget(name: string, size = 1, colour = 'grey'): Widget {
  return { name, size, colour };
}
`;

export interface DemoWorld {
  org: string;
  repo: string;
  appId: number;
  installationId: number;
  /** Login → personal token (scopes repo, read:org, user), for acting as that user through the API. */
  tokens: Map<string, string>;
}

/**
 * Creates the users, organisation, teams, repositories and app, and installs the app on the organisation.
 * The app has no webhook URL yet: nothing is delivered until `attach` points it at the service.
 */
export function seedDemoWorld(lg: LocalGitHub): DemoWorld {
  const { admin } = lg;
  const tokens = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const { token } = admin.createUser(u.login, { name: u.name, email: `${u.login}@acme.example` });
    tokens.set(u.login, token);
  }
  const admins = DEMO_USERS.filter((u) => u.role === 'admin').map((u) => u.login);
  const members = DEMO_USERS.filter((u) => u.role === 'member').map((u) => u.login);
  admin.createOrg(DEMO_ORG, { name: 'Acme Widgets', description: 'The checks-out demo organisation', admins, members });
  admin.createRepo(DEMO_REPO, {
    description: 'Widgets (one maintainer approval needed)',
    files: { '.checks-out': WIDGETS_POLICY, MAINTAINERS: WIDGETS_MAINTAINERS, 'README.md': WIDGETS_README, 'src/widget.ts': WIDGETS_SOURCE },
  });
  admin.createRepo(`${DEMO_ORG}/website`, {
    description: 'Website (two approvals from the organisation needed)',
    files: { '.checks-out': WEBSITE_POLICY, MAINTAINERS: WEBSITE_MAINTAINERS, 'index.html': '<h1>Acme</h1>\n' },
  });
  admin.createTeam(DEMO_ORG, 'maintainers', { maintainers: ['alice'], members: ['bob'], repos: { widgets: 'maintain', website: 'maintain' } });
  admin.createTeam(DEMO_ORG, 'contributors', { members: ['carol', 'dave'], repos: { widgets: 'write', website: 'write' } });
  // The contributor's branch exists before the service starts; the PR is opened once it listens.
  admin.push(DEMO_REPO, { branch: DEMO_BRANCH, author: DEMO_AUTHOR, message: 'Widgets get a colour', files: { 'src/widget.ts': WIDGETS_SOURCE_WITH_COLOUR } });
  const app = admin.createApp(DEMO_APP_NAME, { owner: 'alice', webhook_url: null });
  const inst = admin.install(app.id, DEMO_ORG, 'all', 'alice');
  return { org: DEMO_ORG, repo: DEMO_REPO, appId: app.id, installationId: inst.id, tokens };
}

/** Opens the demo pull request (firing `pull_request.opened` to the app) unless one is already open. */
export function openDemoPull(lg: LocalGitHub): number {
  const repo = lg.admin.repo(DEMO_REPO);
  for (const p of lg.state.pulls.values()) {
    if (p.repoId === repo.id && p.title === DEMO_PR_TITLE) return p.number;
  }
  return lg.admin.openPull(DEMO_REPO, {
    author: DEMO_AUTHOR,
    title: DEMO_PR_TITLE,
    head: DEMO_BRANCH,
    body: 'Widgets can now be given a colour (default grey).\n\nA maintainer approves by commenting `I approve`.',
  }).number;
}
