/** Real check-run summaries from checks-out's `buildReport`, to render the way the emulator's pages do. */
import { evaluatePullRequest } from '../../../src/policy/approval/evaluate.js';
import { parseConfig } from '../../../src/policy/config/index.js';
import { buildSnapshot, parseMaintainers, type Membership } from '../../../src/policy/maintainers/index.js';
import type { FeedbackItem } from '../../../src/policy/types.js';
import { buildReport, errorReport } from '../../../src/service/pipeline/check-output.js';
import type { PrOutcome } from '../../../src/service/pipeline/evaluate-pr.js';
import type { PullData } from '../../../src/service/pipeline/github-port.js';
import type { Problem } from '../../../src/service/pipeline/load-policy.js';

const repo = { owner: 'acme', name: 'widgets', isOrg: true, enablingUser: 'acme' };
const none: Membership = { orgMembers: () => undefined, orgTeams: () => undefined, teamMembers: () => undefined, collaborators: () => undefined, user: () => undefined };
const pull: PullData = {
  number: 1, state: 'open', merged: false, draft: false, title: 'Add x', body: '', author: 'alice', headSha: 'a'.repeat(40),
  headRef: 'feature', headOwner: 'acme', baseRef: 'main', baseSha: 'b'.repeat(40), createdAt: 0, mergeable: true,
};

function outcome(configText: string, feedback: FeedbackItem[], o: { author?: string; maintainers?: string; warnings?: Problem[] } = {}): PrOutcome {
  const { config } = parseConfig(configText, { file: '.checks-out' });
  const snapshot = buildSnapshot(parseMaintainers(o.maintainers ?? 'alice\nbob\ncarol\n', 'text', { file: 'MAINTAINERS', repo }), repo, none);
  const decision = evaluatePullRequest({
    config,
    snapshot,
    pr: { author: o.author ?? 'alice', title: 'Add x', baseBranch: 'main', compareBranch: 'feature', compareOwner: 'acme' },
    files: ['x.ts'],
    feedback,
    commits: [{ sha: '0'.repeat(40), author: o.author ?? 'alice', committer: 'x', parents: 1, committedAt: 0 }],
    headPushedAt: 0,
  });
  return { kind: 'decision', pull, decision, config, configFile: '.checks-out', configHash: 'h', warnings: o.warnings ?? [], prProblems: [] };
}

export const approve = (author: string, body = 'I approve', at = 10): FeedbackItem => ({ type: 'comment', author, body, at, updatedAt: at });
const CONFIG = '{ approvals: [ { match: "all[count=1,self=false]" } ] }';

export const reports = {
  approved: () => buildReport(outcome(CONFIG, [approve('bob')])).check.summary,
  waiting: () => buildReport(outcome('{ approvals: [ { match: "all[count=2,self=false] and bob[count=1]" } ] }', [approve('carol')])).check.summary,
  configError: () => buildReport({
    kind: 'config-error', pull, configHash: 'h', prProblems: [],
    problems: [{ file: '.checks-out', line: 3, column: 14, message: "Unable to parse approval policy 'x and <script>'" }],
  }).check.summary,
  gaveUp: () => errorReport('boom ``` <img src=x onerror=alert(1)>').check.summary,
  /** Hostile logins and comment text flow into the feedback table. */
  hostile: () => buildReport(outcome(CONFIG, [approve('m<script>x', 'I approve [x](javascript:alert(1)) | `y` <b>')], { maintainers: 'alice\nbob\nm<script>x\n', warnings: [{ file: '.checks-out', line: 1, message: '</details><script>alert(1)</script>' }] })).check.summary,
};
